import type { DetectedObjectView } from './detect.ts';
import type { Match } from './relevance.ts';
// Public types of @loupe/core.
import type { Box, Embedder, EmbedderOptions, Pooling, Precision, Prediction } from '@loupe/embedding';
import type { HydratedItem, LabelSource, MaskRle } from '@loupe/db';
import type { SourceLimits } from './sources/index.ts';
import type { MediaStore } from './storage.ts';

export interface Logger {
  debug?(obj: object | string, msg?: string): void;
  info?(obj: object | string, msg?: string): void;
  warn?(obj: object | string, msg?: string): void;
  error?(obj: object | string, msg?: string): void;
}

export interface LoupeOptions {
  /**
   * A queued ingest that hits trouble which is not its source's fault (database down, disk full) tries again this many
   * times in all (default 4), waiting `backoffMs` (default 1000), then twice that, …; then the job fails with the reason.
   */
  ingestRetry?: { attempts?: number; backoffMs?: number };
  /** Per-process state: the index snapshots and (by default) the SQLite database — and the media, unless `mediaDir`. */
  dataDir: string;
  /** Originals and thumbnails, shared by every process of a deployment (default: `dataDir`). */
  mediaDir?: string;
  /** Another media store (e.g. object storage) instead of the `mediaDir` folder. */
  media?: MediaStore;
  /** Default: SQLite at `<dataDir>/loupe.db`. */
  databaseUrl?: string;
  /**
   * How the embedder is made: device, threads, batch size, pixel limit, model folder, pooling ('gem' by default or
   * 'avg'; vectors are stored under the pooling's model id, `vectorModelId`, so switching it leaves items unindexed
   * until `reindex()`). Ignored when `embedder` is given, except that a `pooling` here must then match its own.
   */
  embedding?: Omit<EmbedderOptions, 'logger'>;
  /** Where the built detector lives (default: the detection package's model/ folder). */
  detectorModelDir?: string;
  /**
   * Ingest detects every item's objects (CenterNet, labels fused with the backbone on each crop) and indexes a vector
   * per object for search by object (default true). Off: items get no objects; `reindex({ objects: true })` adds them.
   */
  objects?: boolean;
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
  /**
   * Where this run's time went, in milliseconds of wall time spent in each stage (summed over items; stages overlap —
   * the network works while earlier items are stored — so they add up to more than tookMs): reading, hashing and
   * probing files (`prepare`), decoding and resizing (`decode`), the network (`inference`), detecting objects with
   * their crop pass (`objects`), writing the original and its thumbnail (`files`), the database (`database`) and
   * the index catch-up and snapshots (`index`). With objects on, their crop pass counts in `objects` and also in
   * `decode` and `inference`.
   */
  stagesMs: { prepare: number; decode: number; inference: number; objects: number; files: number; database: number; index: number };
}

export interface IngestOptions {
  catalog: string;
  /** Detect and index each item's objects (default: LoupeOptions.objects). */
  objects?: boolean;
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
  /** Only results at least this strong: "same" (near-duplicates), "similar" (also similar ones) or "weak" (all). */
  minMatch?: Match;
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
  /** How strong the match is, by the thresholds measured on the result's own catalog (see relevance.ts). */
  match: Match;
  /** The item's label under the searched catalog's active head; absent without one, null when unlabelled. */
  label?: ItemHeadLabel | null;
  /** A region query matched through one of the item's objects: that object (its box in the item's pixels). */
  region?: ObjectRegion;
  /**
   * A search across several catalogs shows the same image (the same content hash) once: this result leads (the best
   * score; on a tie the stronger match, then the older item) and `alsoIn` lists the image's other items that passed
   * the same filters, one per catalog, in the same order. Absent when there are none — always on a one-catalog search.
   */
  alsoIn?: ResultCopy[];
}

/** The same image as a result, in another catalog: that catalog's item. */
export interface ResultCopy {
  id: number;
  catalog: string;
  externalId: string | null;
  title: string;
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
  /** Pass to `searchMore` for the next page (the query is kept server-side for a while); null at the end. */
  nextCursor: string | null;
  tookMs: number;
}

/** The part of a result item that matched a query object: that object's box, in the item's own pixels, and its label. */
export interface ObjectRegion {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  label: string;
  /** The object's mask over the whole item (COCO RLE), when its catalog stores masks. */
  mask?: MaskRle;
}

export interface ObjectSearchResult extends SearchResult {
  /** The item's object that matched best (`score` is that object's cosine similarity to the query object). */
  region: ObjectRegion;
}

/** One object of a query image and the catalog items holding the most similar objects (one result per item). */
export interface QueryObjectResults {
  /** The query object as `detect` gives it (without its vector). */
  object: DetectedObjectView;
  results: ObjectSearchResult[];
}

export interface ObjectSearchResponse {
  /** The query image's size; the query objects' boxes are in these pixels. */
  width: number;
  height: number;
  /** Best first; empty when the detector found nothing. */
  objects: QueryObjectResults[];
  tookMs: number;
}

export interface LoupeStats {
  catalogs: number;
  items: number;
  /** Items with a vector of `model` (the rest wait for `reindex()`, e.g. after the pooling changed). */
  indexed: number;
  /** The vectors' model id: network + pooling + precision. */
  model: string;
  pooling: Pooling;
  precision: Precision;
  /** The execution provider in use; null while the network is not loaded yet. */
  provider: string | null;
  /** Inference worker threads on the CPU (0: the session runs in this thread, e.g. on a GPU); null while not loaded. */
  inferenceWorkers: number | null;
  database: 'sqlite' | 'postgresql';
  sequence: number;
}

// The records and inputs the use cases take and return, so that apps need only core's entry for their types.
export type { ApiKey, ApiKeyScope, Catalog, CatalogChanges, CatalogObjects, CatalogWithCount, ClassifierHeadInfo, HydratedItem, Item, Job, JobStatus } from '@loupe/db';
export type { Box, ImageInput, Prediction, Rect } from '@loupe/embedding';
