// HNSW over hnswlib-node's HierarchicalNSW in cosine space. hnswlib stores L2-normalised vectors and reports
// distance = 1 - cos; we report score = 1 - distance. Item ids are hnswlib labels.
//
// Bookkeeping kept in JS (hnswlib-node exposes no "has label" or "is deleted"):
//   graph: every label the native index holds -> whether it is marked deleted (a tombstone)
//   live:  the ids visible to callers
// They agree except while a snapshot is being written: hnswlib's writeIndex runs on a worker thread and must not
// race with addPoint/resizeIndex, so mutations made meanwhile wait in `pending` (last operation per id wins),
// are visible to has/get/search at once, and reach the native index when the write finishes.
import hnswlib from 'hnswlib-node';
import type { HierarchicalNSW as NativeIndex } from 'hnswlib-node';
import { IndexClosedError, SnapshotCorruptError } from './errors.ts';
import { HnswFileError, HnswFileParser, type HnswFileSummary } from './hnsw-file.ts';
import { checkIndexOptions, GuardedIndex } from './guarded.ts';
import { checkChecksum, checkSequence, commitSnapshot, hashFile, type Manifest } from './snapshot.ts';
import type {
  HnswIndexOptions,
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
import { checkInt, checkSearchOptions, clampScore, normalize, TopK } from './vector.ts';

const { HierarchicalNSW } = hnswlib;

/** Defaults chosen from bench/index-bench.ts on 2048-d clustered data (README "Parameters"). */
export const HNSW_DEFAULTS = {
  M: 48,
  efConstruction: 100,
  efSearch: 160,
  initialCapacity: 1024,
  randomSeed: 100,
} as const;

/** Filtered searches that return fewer than k retry with ef × 4, twice, capped here, then scan exactly. */
const RETRY_EF_FACTOR = 4;
const RETRIES = 2;
const MAX_RETRY_EF = 4096;

interface Params {
  dim: number;
  M: number;
  efConstruction: number;
  efSearch: number;
  logger: Logger | undefined;
}

export class HnswIndex extends GuardedIndex implements VectorIndex {
  readonly kind = 'hnsw' as const;
  readonly space = 'cosine' as const;
  readonly dim: number;
  private native: NativeIndex | null;
  private readonly M: number;
  private readonly efConstruction: number;
  private readonly efSearch: number;
  private readonly logger: Logger | undefined;
  private currentEf = -1;
  private readonly graph = new Map<number, boolean>();
  private tombstones = 0;
  private readonly live = new Set<number>();
  private pending: Map<number, Float32Array | null> | null = null;
  private saveTail: Promise<void> | null = null;

  /** @internal use createVectorIndex() / loadVectorIndex() */
  constructor(native: NativeIndex, p: Params, loaded?: HnswFileSummary) {
    super();
    this.native = native;
    this.dim = p.dim;
    this.M = p.M;
    this.efConstruction = p.efConstruction;
    this.efSearch = p.efSearch;
    this.logger = p.logger;
    if (loaded) {
      for (let i = 0; i < loaded.elements; i++) {
        const label = loaded.labels[i] as number;
        const dead = loaded.deleted[i] === 1;
        this.graph.set(label, dead);
        if (dead) this.tombstones++;
        else this.live.add(label);
      }
    }
  }

  get size(): number {
    return this.live.size;
  }

  protected holds(id: number): boolean {
    return this.live.has(id);
  }

  remove(id: number): boolean {
    this.assertOpen();
    if (!this.live.has(id)) return false;
    if (this.pending) this.pending.set(id, null);
    else this.applyRemove(id);
    this.live.delete(id);
    return true;
  }

  get(id: number): Float32Array | undefined {
    this.assertOpen();
    if (!this.live.has(id)) return undefined;
    const p = this.pending?.get(id);
    if (p) return p.slice();
    return Float32Array.from(this.nativeIndex().getPoint(id));
  }

  ids(): number[] {
    this.assertOpen();
    return [...this.live];
  }

  search(query: VectorLike, options: SearchOptions): SearchHit[] {
    this.assertOpen();
    const { k, minScore, filter } = checkSearchOptions(options);
    const q = normalize(query, this.dim, 'query');
    if (this.live.size === 0) return [];
    const ef = options.ef ?? this.efSearch;
    const pending = this.pending !== null && this.pending.size > 0 ? this.pending : undefined;

    // The native search sees only the graph; ids with a pending change are stale there and are excluded.
    let filterError: unknown;
    const nativeFilter =
      filter !== undefined || pending !== undefined
        ? (label: number): boolean => {
            if (pending?.has(label)) return false;
            if (filter === undefined) return true;
            try {
              return filter(label) === true;
            } catch (err) {
              // An exception must not cross hnswlib's C++ frames; remember it and rethrow after the search.
              filterError ??= err;
              return false;
            }
          }
        : undefined;

    const graphLive = this.graph.size - this.tombstones;
    const kNative = Math.min(k, graphLive);
    let hits: SearchHit[] = [];
    if (kNative > 0) {
      const qArr = Array.from(q);
      hits = this.knn(qArr, kNative, ef, nativeFilter);
      if (filterError !== undefined) throw filterError;
      // A selective filter (or many tombstones) can leave HNSW short of k: widen the search, then scan exactly.
      let e = Math.max(ef, kNative);
      for (let r = 0; r < RETRIES && hits.length < kNative; r++) {
        const next = Math.min(e * RETRY_EF_FACTOR, MAX_RETRY_EF);
        if (next <= e) break;
        e = next;
        hits = this.knn(qArr, kNative, e, nativeFilter);
        if (filterError !== undefined) throw filterError;
      }
      if (hits.length < kNative && filter !== undefined) {
        hits = this.exactOverGraph(q, kNative, filter, pending);
        this.logger?.debug?.(
          { k, ef: e, found: hits.length },
          'vector-index: filtered HNSW search fell back to an exact scan',
        );
      }
    }

    if (pending !== undefined) {
      const top = new TopK(k);
      for (const h of hits) top.push(h.id, h.score);
      for (const [id, v] of pending) {
        if (v === null || (filter !== undefined && filter(id) !== true)) continue;
        let s = 0;
        for (let i = 0; i < this.dim; i++) s += (q[i] as number) * (v[i] as number);
        top.push(id, clampScore(s));
      }
      hits = top.result();
    }
    return minScore === -Infinity ? hits : hits.filter((h) => h.score >= minScore);
  }

  async save(path: string, options: SaveOptions): Promise<SnapshotInfo> {
    this.assertOpen();
    const sequence = checkSequence(options?.sequence);
    // The snapshot is the index as it is now: an idle index freezes synchronously, inside this call. A save called
    // while another is still writing waits for it and then covers the state at the moment it starts.
    const prev = this.saveTail;
    const run = prev === null ? this.saveNow(path, sequence) : prev.then(() => this.saveNow(path, sequence));
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.saveTail = tail;
    void tail.then(() => {
      if (this.saveTail === tail) this.saveTail = null;
    });
    return run;
  }

  stats(): IndexStats {
    this.assertOpen();
    return {
      kind: 'hnsw',
      dim: this.dim,
      space: 'cosine',
      count: this.live.size,
      deleted: this.tombstones,
      capacity: this.nativeIndex().getMaxElements(),
      M: this.M,
      efConstruction: this.efConstruction,
      efSearch: this.efSearch,
    };
  }

  /**
   * Drops the native index. hnswlib-node has no explicit free: its memory is returned when V8 collects the wrapper.
   * A snapshot write still in flight keeps its own reference until it finishes.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.native = null;
    this.pending = null;
    this.graph.clear();
    this.live.clear();
  }

  private async saveNow(path: string, sequence: number): Promise<SnapshotInfo> {
    this.assertOpen();
    // Everything up to the native write happens synchronously: freeze the graph, note what it holds.
    const native = this.nativeIndex(); // held by this frame until the write is done, even if close() runs
    const elements = this.graph.size;
    const tombstones = this.tombstones;
    this.pending = new Map();
    try {
      return await commitSnapshot({
        path,
        logger: this.logger,
        body: {
          kind: 'hnsw',
          space: 'cosine',
          dim: this.dim,
          count: elements - tombstones,
          elements,
          sequence,
          params: { M: this.M, efConstruction: this.efConstruction, efSearch: this.efSearch },
        },
        writeData: async (tmp) => {
          try {
            await native.writeIndex(tmp);
          } finally {
            this.flushPending(); // unfreeze as soon as the native write is done
          }
        },
        verify: async (tmp) => {
          // hnswlib writes through an unchecked ofstream: read the file back and make sure it is whole.
          const parser = new HnswFileParser(this.dim);
          const r = await hashFile(tmp, (c) => parser.write(c));
          const s = parser.end();
          if (s.elements !== elements || s.deletedCount !== tombstones) {
            throw new Error(
              `written index holds ${s.elements} elements / ${s.deletedCount} deleted, expected ${elements} / ${tombstones}`,
            );
          }
          return r;
        },
      });
    } finally {
      this.flushPending(); // if the write never started (e.g. mkdir failed)
    }
  }

  private flushPending(): void {
    const pending = this.pending;
    this.pending = null;
    if (!pending || this.closed) return;
    for (const [id, v] of pending) {
      try {
        if (v) this.applyPut(id, v);
        else this.applyRemove(id);
      } catch (err) {
        this.live.delete(id);
        this.logger?.error?.({ err, id }, 'vector-index: applying a change made during a snapshot failed; id dropped');
      }
    }
  }

  protected put(id: number, v: Float32Array): void {
    if (this.pending) this.pending.set(id, v);
    else this.applyPut(id, v);
    this.live.add(id);
  }

  private applyPut(id: number, v: Float32Array): void {
    const native = this.nativeIndex();
    const dead = this.graph.get(id);
    if (dead === undefined) {
      const max = native.getMaxElements();
      if (native.getCurrentCount() >= max) {
        native.resizeIndex(max * 2);
        this.logger?.debug?.({ capacity: max * 2 }, 'vector-index: HNSW capacity doubled');
      }
    }
    // An existing label (live or tombstoned) is updated in place: hnswlib unmarks it and relinks its neighbours.
    native.addPoint(Array.from(v), id);
    if (dead === true) this.tombstones--;
    this.graph.set(id, false);
  }

  private applyRemove(id: number): void {
    if (this.graph.get(id) !== false) return;
    this.nativeIndex().markDelete(id);
    this.graph.set(id, true);
    this.tombstones++;
  }

  private knn(q: number[], k: number, ef: number, filter: ((label: number) => boolean) | undefined): SearchHit[] {
    const native = this.nativeIndex();
    if (ef !== this.currentEf) {
      native.setEf(ef);
      this.currentEf = ef;
    }
    const r = filter ? native.searchKnn(q, k, filter) : native.searchKnn(q, k);
    const hits: SearchHit[] = new Array(r.neighbors.length);
    for (let i = 0; i < r.neighbors.length; i++) {
      hits[i] = { id: r.neighbors[i] as number, score: clampScore(1 - (r.distances[i] as number)) };
    }
    return hits;
  }

  /** Exact cosine over the graph's live ids that pass `filter` (vectors read back from hnswlib, already unit). */
  private exactOverGraph(
    q: Float32Array,
    k: number,
    filter: (id: number) => boolean,
    pending: Map<number, Float32Array | null> | undefined,
  ): SearchHit[] {
    const native = this.nativeIndex();
    const top = new TopK(k);
    for (const [id, dead] of this.graph) {
      if (dead || pending?.has(id) || filter(id) !== true) continue;
      const v = native.getPoint(id);
      let s = 0;
      for (let i = 0; i < this.dim; i++) s += (q[i] as number) * (v[i] as number);
      top.push(id, clampScore(s));
    }
    return top.result();
  }

  private nativeIndex(): NativeIndex {
    if (this.native === null) throw new IndexClosedError();
    return this.native;
  }
}

function checkParams(o: { M?: number; efConstruction?: number; efSearch?: number }): Omit<Params, 'dim' | 'logger'> {
  const M = checkInt('M', o.M ?? HNSW_DEFAULTS.M, 2, 512);
  const efConstruction = checkInt('efConstruction', o.efConstruction ?? HNSW_DEFAULTS.efConstruction, 1, 1 << 20);
  const efSearch = checkInt('efSearch', o.efSearch ?? HNSW_DEFAULTS.efSearch, 1, 1 << 20);
  return { M, efConstruction, efSearch };
}

export function createVectorIndex(options: HnswIndexOptions): HnswIndex {
  const dim = checkIndexOptions(options);
  const params = checkParams(options);
  const capacity = checkInt('initialCapacity', options.initialCapacity ?? HNSW_DEFAULTS.initialCapacity, 1);
  const seed = checkInt('randomSeed', options.randomSeed ?? HNSW_DEFAULTS.randomSeed, 0, 0x7fff_ffff);
  const native = new HierarchicalNSW('cosine', dim);
  native.initIndex(capacity, params.M, params.efConstruction, seed, false);
  return new HnswIndex(native, { dim, ...params, logger: options.logger });
}

/** @internal reads an hnsw-kind snapshot whose manifest is already validated. */
export async function loadHnswSnapshot(
  path: string,
  file: string,
  m: Manifest,
  efSearch: number | undefined,
  logger: Logger | undefined,
): Promise<Omit<LoadedIndex, 'info'>> {
  const params = m.params as NonNullable<Manifest['params']>;
  // One pass over the file: SHA-256 and hnswlib's structure (labels, delete marks) together.
  const parser = new HnswFileParser(m.dim);
  let parseError: unknown;
  const actual = await hashFile(file, (c) => {
    if (parseError !== undefined) return;
    try {
      parser.write(c);
    } catch (err) {
      parseError = err;
    }
  });
  checkChecksum(path, m, actual);
  let summary: HnswFileSummary;
  try {
    if (parseError !== undefined) throw parseError;
    summary = parser.end();
  } catch (err) {
    if (err instanceof HnswFileError) throw new SnapshotCorruptError('format', path, err.message, { cause: err });
    throw err;
  }
  const live = summary.elements - summary.deletedCount;
  if (summary.elements !== m.elements || live !== m.count) {
    throw new SnapshotCorruptError(
      'mismatch',
      path,
      `data file holds ${live} live of ${summary.elements}, manifest says ${m.count} of ${m.elements}`,
    );
  }
  if (summary.M !== params.M || summary.efConstruction !== params.efConstruction) {
    throw new SnapshotCorruptError('mismatch', path, 'M / efConstruction in the data file differ from the manifest');
  }
  const native = new HierarchicalNSW('cosine', m.dim);
  try {
    // hnswlib-node passes max elements 0, so hnswlib keeps the capacity stored in the file; we grow it on demand.
    await native.readIndex(file, false);
  } catch (err) {
    throw new SnapshotCorruptError('format', path, `hnswlib could not read the data file: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (native.getCurrentCount() !== summary.elements) {
    throw new SnapshotCorruptError('format', path, 'hnswlib read a different element count than the file holds');
  }
  const ef = efSearch === undefined ? params.efSearch : checkInt('efSearch', efSearch, 1, 1 << 20);
  const index = new HnswIndex(
    native,
    { dim: m.dim, M: params.M, efConstruction: params.efConstruction, efSearch: ef, logger },
    summary,
  );
  return { index, sequence: m.sequence };
}
