// Exact (brute-force) cosine search: L2-normalised Float32 rows in one growable matrix, a dot product per row.
// Right for small collections, and the ground truth for measuring HNSW recall.
import { open, readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { SnapshotCorruptError } from './errors.ts';
import { checkIndexOptions, GuardedIndex } from './guarded.ts';
import { checkChecksum, checkSequence, commitSnapshot, hashFile, type Manifest } from './snapshot.ts';
import type {
  ExactIndexOptions,
  IndexStats,
  LoadedIndex,
  Logger,
  SaveOptions,
  SearchHit,
  SearchOptions,
  SnapshotInfo,
  VectorIndex,
  VectorLike,
} from './types.ts';
import { checkInt, checkSearchOptions, clampScore, dotRow, normalize, TopK } from './vector.ts';

// Data file: 16-byte header (magic "LOUPEVX1", dim u32 LE, count u32 LE), count × u32 ids, count × dim × f32 rows.
const MAGIC = Buffer.from('LOUPEVX1', 'latin1');
const HEADER_BYTES = 16;

export class ExactIndex extends GuardedIndex implements VectorIndex {
  readonly kind = 'exact' as const;
  readonly space = 'cosine' as const;
  readonly dim: number;
  private rows: Float32Array;
  private rowIds: Uint32Array;
  private readonly rowOf = new Map<number, number>();
  private n = 0;
  private readonly logger: Logger | undefined;

  /** @internal use createExactIndex() */
  constructor(dim: number, capacity: number, logger: Logger | undefined) {
    super();
    this.dim = dim;
    this.logger = logger;
    this.rows = new Float32Array(capacity * dim);
    this.rowIds = new Uint32Array(capacity);
  }

  get size(): number {
    return this.n;
  }

  protected holds(id: number): boolean {
    return this.rowOf.has(id);
  }

  remove(id: number): boolean {
    this.assertOpen();
    const row = this.rowOf.get(id);
    if (row === undefined) return false;
    const last = this.n - 1;
    if (row !== last) {
      // Move the last row into the hole.
      const movedId = this.rowIds[last] as number;
      this.rows.copyWithin(row * this.dim, last * this.dim, (last + 1) * this.dim);
      this.rowIds[row] = movedId;
      this.rowOf.set(movedId, row);
    }
    this.rowOf.delete(id);
    this.n = last;
    return true;
  }

  get(id: number): Float32Array | undefined {
    this.assertOpen();
    const row = this.rowOf.get(id);
    return row === undefined ? undefined : this.rows.slice(row * this.dim, (row + 1) * this.dim);
  }

  ids(): number[] {
    this.assertOpen();
    return Array.from(this.rowIds.subarray(0, this.n));
  }

  search(query: VectorLike, options: SearchOptions): SearchHit[] {
    this.assertOpen();
    const { k, minScore, filter } = checkSearchOptions(options);
    const q = normalize(query, this.dim, 'query');
    return this.scan(q, k, minScore, filter);
  }

  /** @internal exact scan with an already-normalised query. */
  scan(q: Float32Array, k: number, minScore: number, filter: ((id: number) => boolean) | undefined): SearchHit[] {
    const top = new TopK(k);
    const { rows, rowIds, dim } = this;
    for (let r = 0; r < this.n; r++) {
      const id = rowIds[r] as number;
      if (filter !== undefined && filter(id) !== true) continue;
      const s = dotRow(q, rows, r, dim);
      if (s < minScore || s < top.threshold) continue;
      top.push(id, clampScore(s));
    }
    return top.result();
  }

  async save(path: string, options: SaveOptions): Promise<SnapshotInfo> {
    this.assertOpen();
    const sequence = checkSequence(options?.sequence);
    // Copy now: later mutations do not leak into this snapshot, and the write needs no lock.
    const n = this.n;
    const header = Buffer.alloc(HEADER_BYTES);
    MAGIC.copy(header, 0);
    header.writeUInt32LE(this.dim, 8);
    header.writeUInt32LE(n, 12);
    const ids = this.rowIds.slice(0, n);
    const rows = this.rows.slice(0, n * this.dim);
    const expectedBytes = HEADER_BYTES + ids.byteLength + rows.byteLength;
    return commitSnapshot({
      path,
      logger: this.logger,
      body: { kind: 'exact', space: 'cosine', dim: this.dim, count: n, elements: n, sequence },
      writeData: async (tmp) => {
        const fh = await open(tmp, 'w');
        try {
          await fh.write(header);
          await fh.write(new Uint8Array(ids.buffer, ids.byteOffset, ids.byteLength));
          await fh.write(new Uint8Array(rows.buffer, rows.byteOffset, rows.byteLength));
        } finally {
          await fh.close();
        }
      },
      verify: async (tmp) => {
        const r = await hashFile(tmp);
        if (r.bytes !== expectedBytes) throw new Error(`wrote ${r.bytes} bytes, expected ${expectedBytes}`);
        return r;
      },
    });
  }

  stats(): IndexStats {
    this.assertOpen();
    return { kind: 'exact', dim: this.dim, space: 'cosine', count: this.n, deleted: 0, capacity: this.rowIds.length };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.rows = new Float32Array(0);
    this.rowIds = new Uint32Array(0);
    this.rowOf.clear();
    this.n = 0;
  }

  /** @internal bulk load from a verified snapshot. */
  loadRows(ids: Uint32Array, rows: Float32Array): void {
    this.ensureCapacity(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as number;
      if (this.rowOf.has(id)) throw new Error(`id ${id} appears twice`);
      this.rowOf.set(id, i);
    }
    this.rowIds.set(ids, 0);
    this.rows.set(rows, 0);
    this.n = ids.length;
  }

  protected put(id: number, v: Float32Array): void {
    let row = this.rowOf.get(id);
    if (row === undefined) {
      this.ensureCapacity(this.n + 1);
      row = this.n++;
      this.rowOf.set(id, row);
      this.rowIds[row] = id;
    }
    this.rows.set(v, row * this.dim);
  }

  private ensureCapacity(rowsNeeded: number): void {
    let cap = this.rowIds.length;
    if (rowsNeeded <= cap) return;
    while (cap < rowsNeeded) cap = Math.max(1, cap * 2);
    const rows = new Float32Array(cap * this.dim);
    rows.set(this.rows.subarray(0, this.n * this.dim));
    const ids = new Uint32Array(cap);
    ids.set(this.rowIds.subarray(0, this.n));
    this.rows = rows;
    this.rowIds = ids;
    this.logger?.debug?.({ capacity: cap }, 'vector-index: exact index grown');
  }
}

export function createExactIndex(options: ExactIndexOptions): ExactIndex {
  const dim = checkIndexOptions(options);
  const capacity = checkInt('initialCapacity', options.initialCapacity ?? 1024, 1);
  return new ExactIndex(dim, capacity, options.logger);
}

/** @internal reads an exact-kind snapshot whose manifest is already validated. */
export async function loadExactSnapshot(
  path: string,
  file: string,
  m: Manifest,
  logger: Logger | undefined,
): Promise<Omit<LoadedIndex, 'info'>> {
  const buf = await readFile(file);
  checkChecksum(path, m, { bytes: buf.length, sha256: createHash('sha256').update(buf).digest('hex') });
  const bad = (why: string): never => {
    throw new SnapshotCorruptError('format', path, `exact data file: ${why}`);
  };
  if (buf.length < HEADER_BYTES || !buf.subarray(0, 8).equals(MAGIC)) bad('bad magic');
  const dim = buf.readUInt32LE(8);
  const n = buf.readUInt32LE(12);
  if (dim !== m.dim) bad(`dim ${dim}, manifest says ${m.dim}`);
  if (n !== m.count)
    throw new SnapshotCorruptError('mismatch', path, `data file holds ${n} vectors, manifest says ${m.count}`);
  if (buf.length !== HEADER_BYTES + 4 * n + 4 * n * dim) bad('size does not match the header');
  // Copy into aligned typed arrays (a Buffer's offset need not be a multiple of 4).
  const ids = new Uint32Array(n);
  new Uint8Array(ids.buffer).set(buf.subarray(HEADER_BYTES, HEADER_BYTES + 4 * n));
  const rows = new Float32Array(n * dim);
  new Uint8Array(rows.buffer).set(buf.subarray(HEADER_BYTES + 4 * n));
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let i = r * dim; i < (r + 1) * dim; i++) s += (rows[i] as number) ** 2;
    if (!(Math.abs(s - 1) < 1e-3)) bad(`row ${r} is not a unit vector`);
  }
  const index = new ExactIndex(dim, Math.max(1, n), logger);
  try {
    index.loadRows(ids, rows);
  } catch (err) {
    bad((err as Error).message);
  }
  return { index, sequence: m.sequence };
}
