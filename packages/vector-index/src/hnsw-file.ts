// A streaming reader of hnswlib's index file (hnswalg.h saveIndex/loadIndex, the version bundled with
// hnswlib-node 3.0.0; 64-bit little-endian). It walks the same structure loadIndex checks, so a truncated or
// foreign file is caught before hnswlib sees it, and it reads each element's label and delete mark: the live id set
// comes from the file itself, not from a list kept beside it.
//
// Layout: 96-byte header (size_t = 8 bytes)
//   offsetLevel0 u64 | maxElements u64 | curElementCount u64 | sizeDataPerElement u64 | labelOffset u64 |
//   offsetData u64 | maxLevel i32 | enterpointNode u32 | maxM u64 | maxM0 u64 | M u64 | mult f64 | efConstruction u64
// then curElementCount level-0 blocks of sizeDataPerElement bytes:
//   [u32 link count (low 16 bits; byte 2 bit 0x01 = deleted) + maxM0 × u32 links][dim × f32 vector][u64 label]
// then, per element, u32 byte length of its upper-level link lists followed by those bytes.

const HEADER_BYTES = 96;
const DELETE_MARK = 0x01;
const MAX_LEVELS = 64;

export interface HnswFileSummary {
  maxElements: number;
  elements: number;
  M: number;
  efConstruction: number;
  dim: number;
  /** Label of each element, by internal id. */
  labels: Uint32Array;
  /** 1 where the element is marked deleted. */
  deleted: Uint8Array;
  deletedCount: number;
}

interface Header {
  maxElements: number;
  elements: number;
  sizeData: number;
  labelOffset: number;
  maxM0: number;
  M: number;
  efConstruction: number;
  sizeLinksPerElement: number;
  dim: number;
}

export class HnswFileError extends Error {}

function u64(buf: Buffer, off: number, what: string): number {
  const v = buf.readBigUInt64LE(off);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new HnswFileError(`${what} out of range`);
  return Number(v);
}

export class HnswFileParser {
  private phase: 'header' | 'level0' | 'links' | 'done' = 'header';
  private buf: Buffer = Buffer.alloc(0);
  private header: Header | undefined;
  private labels = new Uint32Array(0);
  private deleted = new Uint8Array(0);
  private deletedCount = 0;
  private i = 0;
  private skip = 0;

  constructor(private readonly expectedDim: number) {}

  write(chunk: Buffer): void {
    const buf = this.buf.length > 0 ? Buffer.concat([this.buf, chunk]) : chunk;
    let off = 0;
    loop: for (;;) {
      switch (this.phase) {
        case 'header': {
          if (buf.length - off < HEADER_BYTES) break loop;
          this.header = this.parseHeader(buf.subarray(off, off + HEADER_BYTES));
          off += HEADER_BYTES;
          this.labels = new Uint32Array(this.header.elements);
          this.deleted = new Uint8Array(this.header.elements);
          this.phase = 'level0';
          continue;
        }
        case 'level0': {
          const h = this.header as Header;
          while (this.i < h.elements && buf.length - off >= h.sizeData) {
            const linkCount = buf.readUInt16LE(off);
            if (linkCount > h.maxM0)
              throw new HnswFileError(`element ${this.i}: ${linkCount} links > maxM0 ${h.maxM0}`);
            if ((buf[off + 2] as number) & DELETE_MARK) {
              this.deleted[this.i] = 1;
              this.deletedCount++;
            }
            const lo = buf.readUInt32LE(off + h.labelOffset);
            const hi = buf.readUInt32LE(off + h.labelOffset + 4);
            if (hi !== 0) throw new HnswFileError(`element ${this.i}: label does not fit in 32 bits`);
            this.labels[this.i] = lo;
            off += h.sizeData;
            this.i++;
          }
          if (this.i < h.elements) break loop;
          this.i = 0;
          this.phase = 'links';
          continue;
        }
        case 'links': {
          const h = this.header as Header;
          while (this.i < h.elements) {
            if (this.skip > 0) {
              const s = Math.min(this.skip, buf.length - off);
              off += s;
              this.skip -= s;
              if (this.skip > 0) break loop;
              this.i++;
              continue;
            }
            if (buf.length - off < 4) break loop;
            const len = buf.readUInt32LE(off);
            off += 4;
            if (len % h.sizeLinksPerElement !== 0 || len / h.sizeLinksPerElement > MAX_LEVELS) {
              throw new HnswFileError(`element ${this.i}: bad upper-level link size ${len}`);
            }
            if (len === 0) this.i++;
            else this.skip = len;
          }
          this.phase = 'done';
          continue;
        }
        case 'done': {
          if (off < buf.length) throw new HnswFileError('trailing bytes after the last element');
          break loop;
        }
      }
    }
    this.buf = off < buf.length ? buf.subarray(off) : Buffer.alloc(0);
  }

  end(): HnswFileSummary {
    if (this.phase !== 'done' || this.buf.length > 0) throw new HnswFileError(`file ends early (in ${this.phase})`);
    const h = this.header as Header;
    const seen = new Set<number>();
    for (const label of this.labels) {
      if (seen.has(label)) throw new HnswFileError(`label ${label} appears twice`);
      seen.add(label);
    }
    return {
      maxElements: h.maxElements,
      elements: h.elements,
      M: h.M,
      efConstruction: h.efConstruction,
      dim: h.dim,
      labels: this.labels,
      deleted: this.deleted,
      deletedCount: this.deletedCount,
    };
  }

  private parseHeader(b: Buffer): Header {
    const offsetLevel0 = u64(b, 0, 'offsetLevel0');
    const maxElements = u64(b, 8, 'maxElements');
    const elements = u64(b, 16, 'curElementCount');
    const sizeData = u64(b, 24, 'sizeDataPerElement');
    const labelOffset = u64(b, 32, 'labelOffset');
    const offsetData = u64(b, 40, 'offsetData');
    const maxLevel = b.readInt32LE(48);
    const enterpoint = b.readUInt32LE(52);
    const maxM = u64(b, 56, 'maxM');
    const maxM0 = u64(b, 64, 'maxM0');
    const M = u64(b, 72, 'M');
    const mult = b.readDoubleLE(80);
    const efConstruction = u64(b, 88, 'efConstruction');
    const sizeLinks0 = maxM0 * 4 + 4;
    const dataSize = sizeData - sizeLinks0 - 8;
    const bad = (why: string): never => {
      throw new HnswFileError(`not an hnswlib index this reader understands: ${why}`);
    };
    if (offsetLevel0 !== 0) bad('offsetLevel0');
    if (M < 2 || M > 10_000 || maxM !== M || maxM0 !== 2 * M) bad('M / maxM / maxM0');
    if (!(mult > 0) || !Number.isFinite(mult)) bad('mult');
    if (elements > maxElements) bad('curElementCount > maxElements');
    if (offsetData !== sizeLinks0 || labelOffset !== sizeLinks0 + dataSize) bad('element layout');
    if (dataSize !== this.expectedDim * 4) bad(`vector size ${dataSize} bytes, expected dim ${this.expectedDim}`);
    if (elements > 0 && (maxLevel < 0 || maxLevel > MAX_LEVELS || enterpoint >= elements)) bad('entry point');
    return {
      maxElements,
      elements,
      sizeData,
      labelOffset,
      maxM0,
      M,
      efConstruction,
      sizeLinksPerElement: maxM * 4 + 4,
      dim: dataSize / 4,
    };
  }
}
