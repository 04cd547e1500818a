// Public types of @loupe/vector-index. Implementations live in hnsw.ts and exact.ts; errors in errors.ts.

/** A vector as callers hold it. Stored L2-normalised (cosine space), so its scale does not matter. */
export type VectorLike = Float32Array | Float64Array | readonly number[];

/** The only metric: cosine. Scores are cosine similarities (1 = same direction, 0 = orthogonal, -1 = opposite). */
export type Space = 'cosine';

export type IndexKind = 'hnsw' | 'exact';

/** Pino-compatible logger; every method is optional. The library only logs through this, never to the console. */
export interface Logger {
  info?: (obj: Record<string, unknown>, msg?: string) => void;
  warn?: (obj: Record<string, unknown>, msg?: string) => void;
  error?: (obj: Record<string, unknown>, msg?: string) => void;
  debug?: (obj: Record<string, unknown>, msg?: string) => void;
}

export interface SearchOptions {
  /** How many neighbours to return (a positive integer). Fewer come back when fewer items pass `filter`/`minScore`. */
  k: number;
  /**
   * HNSW only: size of the dynamic candidate list for this query (defaults to the index's `efSearch`).
   * Higher = better recall, slower. Values below `k` are raised to `k`. Ignored by the exact index.
   */
  ef?: number;
  /**
   * Keep only ids for which this returns true. Must be synchronous and cheap: HNSW calls it for every candidate
   * it visits. With a very selective filter HNSW can find fewer than `k` matches; the index then retries with a
   * larger ef and finally falls back to an exact scan over the ids that pass, so the result is complete.
   */
  filter?: (id: number) => boolean;
  /** Drop hits whose cosine similarity is below this (e.g. 0.5). */
  minScore?: number;
}

export interface SearchHit {
  /** The item id given to add()/upsert(). */
  id: number;
  /** Cosine similarity to the query, in [-1, 1]; 1 = identical direction. */
  score: number;
}

export interface SaveOptions {
  /**
   * The highest database sequence number whose changes this snapshot contains (a non-negative safe integer).
   * Returned by loadVectorIndex() so the caller can replay only rows with a higher sequence.
   */
  sequence: number;
}

export interface SnapshotInfo {
  /** The snapshot path given to save() (the base name; see README "Snapshot format"). */
  path: string;
  /** The manifest file written last: `${path}.json`. */
  manifestFile: string;
  /** Path of the data file, beside the manifest and named by its content: `<basename>.<sha256[0:16]>.<kind>`. */
  dataFile: string;
  kind: IndexKind;
  bytes: number;
  sha256: string;
  /** Live (not removed) vectors in the snapshot. */
  count: number;
  sequence: number;
}

export interface IndexStats {
  kind: IndexKind;
  dim: number;
  space: Space;
  /** Live vectors (same as `size`). */
  count: number;
  /** HNSW: removed ids still occupying a slot in the graph (tombstones). Rebuild when this grows large. Exact: 0. */
  deleted: number;
  /** Slots allocated (HNSW max elements / exact matrix rows). Grows by doubling. */
  capacity: number;
  /** HNSW parameters (absent for the exact index). */
  M?: number;
  efConstruction?: number;
  efSearch?: number;
}

/** What both the HNSW and the exact index implement. Ids are integers in [0, 2^32 - 1]. */
export interface VectorIndex {
  readonly kind: IndexKind;
  readonly dim: number;
  readonly space: Space;
  /** Number of live vectors. */
  readonly size: number;
  /** Adds a new id. Throws DuplicateIdError if the id is present (use upsert to replace). Never fails for capacity. */
  add(id: number, vector: VectorLike): void;
  /** Adds or replaces the vector of an id. */
  upsert(id: number, vector: VectorLike): void;
  /** Removes an id; returns false if it was not present. */
  remove(id: number): boolean;
  has(id: number): boolean;
  /** The stored (L2-normalised) vector of an id, or undefined. */
  get(id: number): Float32Array | undefined;
  /** Live ids, in no particular order. */
  ids(): number[];
  /** Nearest neighbours by cosine similarity, best first. */
  search(query: VectorLike, options: SearchOptions): SearchHit[];
  /**
   * Writes an atomic snapshot (see README). Searches keep working while it runs; HNSW mutations made meanwhile are
   * applied to the live index but are not in the snapshot (they belong to later sequence numbers).
   */
  save(path: string, options: SaveOptions): Promise<SnapshotInfo>;
  stats(): IndexStats;
  /** Releases the index. Further calls throw IndexClosedError. Idempotent. */
  close(): void;
}

export interface HnswIndexOptions {
  dim: number;
  space: Space;
  /** Graph degree (hnswlib M; level 0 keeps 2·M links). Default 48 (README "Parameters"). */
  M?: number;
  /** Build-time candidate list size. Default 100. */
  efConstruction?: number;
  /** Default query-time candidate list size (overridable per search). Default 160. */
  efSearch?: number;
  /** Initial slot count; the index doubles it whenever it is full. Default 1024. */
  initialCapacity?: number;
  /** hnswlib's level-generator seed. Default 100. */
  randomSeed?: number;
  logger?: Logger;
}

export interface ExactIndexOptions {
  dim: number;
  space: Space;
  /** Initial row count of the vector matrix; it doubles when full. Default 1024. */
  initialCapacity?: number;
  logger?: Logger;
}

export interface LoadOptions {
  /** Expected dimension; a snapshot with another dimension is rejected (SnapshotCorruptError, reason 'mismatch'). */
  dim: number;
  space?: Space;
  /** Expected kind; absent = accept either. */
  kind?: IndexKind;
  /** Query-time ef for a loaded HNSW index (default: the value saved in the manifest). */
  efSearch?: number;
  logger?: Logger;
}

export interface LoadedIndex {
  index: VectorIndex;
  /** The `sequence` passed to save(): the snapshot holds every change up to and including it. */
  sequence: number;
  info: SnapshotInfo;
}
