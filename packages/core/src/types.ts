// Public types of @loupe/core.
import type { Box, Device, Embedder, Pooling, Prediction } from '@loupe/embedding';
import type { HydratedItem, LabelSource } from '@loupe/db';
import type { SourceLimits } from './sources/index.ts';

export interface Logger {
  debug?(obj: object | string, msg?: string): void;
  info?(obj: object | string, msg?: string): void;
  warn?(obj: object | string, msg?: string): void;
  error?(obj: object | string, msg?: string): void;
}

export interface LoupeOptions {
  /** Where originals, thumbnails, the index and (by default) the SQLite database live. */
  dataDir: string;
  /** Default: SQLite at `<dataDir>/loupe.db`. */
  databaseUrl?: string;
  device?: Device;
  threads?: number;
  batchSize?: number;
  /** Largest image accepted, in pixels (default 100 MP). */
  maxPixels?: number;
  /** Where the built model lives (default: the embedding package's model/ folder). */
  modelDir?: string;
  /**
   * How images become vectors: 'gem' (default) or 'avg'. Vectors are stored under the model id of the pooling
   * (`vectorModelId`), so switching pooling leaves items unindexed until `reindex()` (`unindexed` in `stats()`).
   * With `embedder` given, its pooling is used and this must be unset or the same.
   */
  pooling?: Pooling;
  /** Limits for zip sources (entry count, sizes, compression ratio). */
  sourceLimits?: Partial<SourceLimits>;
  /** An embedder to share (e.g. one per process); when given, close() leaves it open. Default: created on first use. */
  embedder?: Embedder;
  /** Write an index snapshot after this many index changes during ingest (default 2000). */
  snapshotEvery?: number;
  logger?: Logger;
}

export interface IngestProgress {
  jobId: number;
  /** Entries in the source (including those a resumed job had already done). */
  total: number;
  /** Entries with an outcome so far, including earlier runs of the same job. */
  done: number;
  added: number;
  duplicates: number;
  failed: number;
  /** Outcomes recorded in this run (for rates). */
  doneThisRun: number;
  /** The latest failure, for live display. */
  lastFailure?: { file: string; reason: string };
}

export interface IngestSummary {
  job: number;
  catalog: string;
  /** This run continued an unfinished job for the same source and catalog. */
  resumed: boolean;
  /** Stopped by the caller's signal before the end; running the same ingest again resumes it. */
  interrupted: boolean;
  added: number;
  duplicates: number;
  failed: Array<{ file: string; reason: string }>;
  tookMs: number;
}

export interface IngestOptions {
  catalog: string;
  catalogName?: string;
  onProgress?: (progress: IngestProgress) => void;
  signal?: AbortSignal;
}

export interface SearchOptions {
  /** Catalog slug(s) to search; all when absent. */
  catalog?: string | string[];
  k?: number;
  minScore?: number;
  /** Only items whose top predicted ImageNet class is this one. */
  classId?: number;
  exact?: boolean;
  ef?: number;
  /**
   * Only items with this label under the catalog's active classifier head (predicted or confirmed). Needs exactly
   * one `catalog`, with an active head.
   */
  label?: string;
}

/** An item's label under its catalog's active head. */
export interface ItemHeadLabel {
  label: string;
  score: number;
  source: LabelSource;
}

export interface SearchResult {
  id: number;
  score: number;
  item: HydratedItem;
  catalog: string;
  /** The item's label under the searched catalog's active head; absent without one, null when unlabelled. */
  label?: ItemHeadLabel | null;
}

export interface QueryAnalysis {
  width: number;
  height: number;
  predictions: Prediction[];
  boxes: Box[];
  /** The searched catalog's own classes for the query (its active head) and the best one's CAM box. */
  head?: {
    id: number;
    version: number;
    labelField: string;
    predictions: Array<{ classId: number; label: string; score: number }>;
    box: Box | null;
    boxes: Box[];
  };
}

export interface SearchResponse {
  query: QueryAnalysis | null;
  results: SearchResult[];
  tookMs: number;
}

export interface LoupeStats {
  catalogs: number;
  items: number;
  /** Items with a vector of `model` (the rest wait for `reindex()`, e.g. after the pooling changed). */
  indexed: number;
  /** The vectors' model id: network + pooling. */
  model: string;
  pooling: Pooling;
  provider: string | null;
  database: 'sqlite' | 'postgresql';
  sequence: number;
}
