// Public types of @loupe/db. The implementation lives in store.ts and repositories/*; nothing here depends on the
// generated Prisma clients, so callers never see provider-specific types.

export type Provider = 'sqlite' | 'postgresql';

export interface Logger {
  debug?(obj: object | string, msg?: string): void;
  info?(obj: object | string, msg?: string): void;
  warn?(obj: object | string, msg?: string): void;
  error?(obj: object | string, msg?: string): void;
}

export interface StoreOptions {
  /**
   * `file:./data/loupe.db` or `sqlite:/abs/path.db` → SQLite (relative paths resolve against the process's working
   * directory; the parent folder is created). `postgres://…` or `postgresql://…` → PostgreSQL; `?schema=name`
   * selects a schema other than `public` (created by the migration runner if missing).
   */
  databaseUrl: string;
  logger?: Logger;
  /** Apply pending migrations before returning (default true). */
  migrate?: boolean;
  /** SQLite: how long a writer waits for another process's write lock (default 10 000 ms). */
  busyTimeoutMs?: number;
  /** PostgreSQL: connection pool size (default 10). */
  maxConnections?: number;
  /** Longest a write transaction may run before it is rolled back (default 30 000 ms). */
  transactionTimeoutMs?: number;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

// ── catalogs ────────────────────────────────────────────────────────────────────────────────────────────────────

/** What ingest finds in a catalog's new items besides their class: nothing, their objects, or objects with masks. */
export const CATALOG_OBJECTS = ['off', 'boxes', 'masks'] as const;
export type CatalogObjects = (typeof CATALOG_OBJECTS)[number];

export interface Catalog {
  id: number;
  slug: string;
  name: string;
  objects: CatalogObjects;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewCatalog {
  slug: string;
  name?: string;
  /** Default "boxes". */
  objects?: CatalogObjects;
}

export interface CatalogChanges {
  name?: string;
  objects?: CatalogObjects;
}

export interface CatalogWithCount extends Catalog {
  itemCount: number;
}

export interface CatalogRepository {
  /** Throws DuplicateCatalogError when the slug is taken, InvalidInputError for a bad slug. */
  create(input: NewCatalog): Promise<Catalog>;
  /** Returns the catalog with this slug, creating it when missing (safe under concurrent callers). */
  ensure(input: NewCatalog): Promise<{ catalog: Catalog; created: boolean }>;
  getBySlug(slug: string): Promise<Catalog | null>;
  getById(id: number): Promise<Catalog | null>;
  /** All catalogs by slug, each with its item count. */
  list(): Promise<CatalogWithCount[]>;
  /** Renames it and/or changes its settings. Throws NotFoundError. */
  update(slug: string, changes: CatalogChanges): Promise<Catalog>;
  /**
   * Deletes the catalog with its items, embeddings, predictions, boxes and jobs, recording a remove event for every
   * deleted embedding. Throws NotFoundError.
   */
  delete(slug: string): Promise<{ items: number }>;
}

// ── items ───────────────────────────────────────────────────────────────────────────────────────────────────────

export interface Item {
  id: number;
  catalogId: number;
  externalId: string | null;
  title: string;
  metadata: JsonObject;
  contentHash: string;
  storedFile: string;
  thumbnailFile: string | null;
  width: number;
  height: number;
  mimeType: string;
  sizeBytes: number;
  sourceName: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface PredictionInput {
  classId: number;
  label: string;
  score: number;
}

export interface Prediction extends PredictionInput {
  modelId: string;
  /** 1 (best) … 5 */
  rank: number;
}

export interface BoxInput {
  /** Pixel coordinates in the original image, x0 < x1, y0 < y1. */
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  classId: number;
  label: string;
  score: number;
  /** A detected object's mask over the whole original image (stored for catalogs whose `objects` is "masks"). */
  mask?: MaskRle;
}

/** COCO's uncompressed run-length encoding: column-major runs over `size` = [height, width], zeros first. */
export interface MaskRle {
  size: [number, number];
  counts: number[];
}

export interface Box extends BoxInput {
  modelId: string;
}

/** What one forward pass of one model produced for an item. */
export interface Analysis {
  modelId: string;
  /** The feature vector; stored as Float32 little-endian bytes. */
  vector: Float32Array;
  /** Best first, at most 5; stored with rank 1…n. */
  predictions?: PredictionInput[];
  boxes?: BoxInput[];
}

/**
 * The objects a detector found in an item, for one objects model id, best first: each one's box, COCO class and
 * vector. Stored as the item's boxes under that model id (in this order) and ONE embedding row holding the vectors
 * one after another (object r at offset r·dim; none when the item has no objects), so that objects share the
 * embeddings' change log, catch-up and removal.
 */
export interface ObjectsAnalysis {
  modelId: string;
  objects: Array<BoxInput & { vector: Float32Array }>;
}

export interface NewItem {
  catalogId: number;
  externalId?: string | null;
  title: string;
  metadata?: JsonObject;
  /** sha256 of the original bytes, 64 lowercase hex digits. */
  contentHash: string;
  storedFile: string;
  thumbnailFile?: string | null;
  width: number;
  height: number;
  mimeType: string;
  sizeBytes: number;
  sourceName: string;
}

export interface InsertItemInput extends NewItem {
  /** Stored in the same transaction, with a new sequence (an "add" event). */
  analysis?: Analysis;
  /** The item's objects, in the same transaction (their own add event). */
  objects?: ObjectsAnalysis;
  /** Records this job file as "ok" (and counts it) in the same transaction: a crash can never split the two. */
  jobFile?: { jobId: number; path: string };
}

export interface InsertedItem {
  item: Item;
  /** The sequence of the embedding's add event; null when no analysis was given. */
  sequence: number | null;
}

export interface HydratedItem extends Item {
  predictions: Prediction[];
  boxes: Box[];
  /** With `objectsModelId`: the item's detected objects, best first (empty when none were found or stored). */
  objects?: Box[];
}

export interface ItemListOptions {
  catalogId?: number;
  /** Items whose rank-1 prediction (for `modelId`) has this class. Requires modelId. */
  classId?: number;
  modelId?: string;
  /** Page size, 1…1000 (default 50). */
  limit?: number;
  /** Cursor: the `nextCursor` of the previous page (items are ordered by id). */
  cursor?: number | null;
}

export interface ItemPage {
  items: Item[];
  nextCursor: number | null;
}

export interface ItemRepository {
  /**
   * Inserts the item, its analysis and (optionally) its job-file outcome in ONE transaction. Throws
   * DuplicateItemError (nothing written) when the catalog already has this content hash or external id,
   * NotFoundError when the catalog or job does not exist, FileAlreadyRecordedError when the job file has an outcome.
   */
  insert(input: InsertItemInput): Promise<InsertedItem>;
  get(id: number): Promise<Item | null>;
  findByContentHash(catalogId: number, contentHash: string): Promise<Item | null>;
  /** Every item holding these bytes, one per catalog at most, oldest first: the same image across catalogs. */
  withContentHash(contentHash: string): Promise<Item[]>;
  findByExternalId(catalogId: number, externalId: string): Promise<Item | null>;
  /**
   * The items with these ids, in the order given (for hydrating search results); ids that do not exist are left
   * out. Predictions and boxes are included, only `modelId`'s when given.
   */
  getByIds(ids: readonly number[], options?: { modelId?: string; objectsModelId?: string }): Promise<HydratedItem[]>;
  /**
   * The content hash of each of these items (ids that do not exist are left out) — without loading the items, for
   * search to tell the same image in several catalogs by.
   */
  contentHashes(ids: readonly number[]): Promise<Map<number, string>>;
  list(options?: ItemListOptions): Promise<ItemPage>;
  count(options?: { catalogId?: number }): Promise<number>;
  /** Deletes items (cascading to their rows), recording a remove event per deleted embedding. */
  delete(ids: readonly number[]): Promise<{ deleted: number }>;
  /**
   * Sets one metadata field of the given items to `value` (null removes the field), in one transaction — an admin
   * labelling items, singly or in bulk. Returns the updated items (ids that do not exist are left out).
   */
  setMetadataField(ids: readonly number[], field: string, value: JsonValue | null): Promise<Item[]>;
}

// ── embeddings and the change log ──────────────────────────────────────────────────────────────────────────────

export interface EmbeddingRow {
  itemId: number;
  catalogId: number;
  modelId: string;
  sequence: number;
  vector: Float32Array;
  /** Rank-1 class of the same model, null when no predictions were stored. */
  classId: number | null;
}

export type IndexChange =
  | ({ op: 'add' } & EmbeddingRow)
  | { op: 'remove'; itemId: number; catalogId: number; modelId: string; sequence: number };

export interface ChangeBatch {
  changes: IndexChange[];
  /** The highest sequence this batch covers (store it as the index's S once the batch is applied). */
  lastSequence: number;
}

export interface StreamOptions {
  modelId: string;
  /** Return rows with sequence > after (0 = from the beginning). */
  after: number;
  /** Rows per batch, 1…10 000 (default 1000). */
  batchSize?: number;
  catalogId?: number;
}

export interface EmbeddingRepository {
  /**
   * Stores (or replaces) one model's analysis of an existing item with a new sequence — used by reindex.
   * Throws NotFoundError.
   */
  upsert(itemId: number, analysis: Analysis): Promise<{ sequence: number }>;
  /** Stores (or replaces) an item's objects for one objects model id, with a new sequence — used by reindex. */
  upsertObjects(itemId: number, objects: ObjectsAnalysis): Promise<{ sequence: number }>;
  get(itemId: number, modelId: string): Promise<EmbeddingRow | null>;
  /** Current embeddings of a model with sequence > after, in sequence order, in batches (full rebuilds). */
  streamAfter(options: StreamOptions): AsyncGenerator<EmbeddingRow[]>;
  /**
   * The change log after `after`: adds (with their vectors) and removes, in sequence order — what an index
   * snapshot that covers `after` must apply to catch up. An add whose embedding was since replaced or deleted is
   * skipped (a later event covers it); `lastSequence` still advances past it.
   */
  changesAfter(options: Omit<StreamOptions, 'catalogId'>): AsyncGenerator<ChangeBatch>;
  /** The highest sequence ever allocated (0 when none), or the highest of one model's events. */
  latestSequence(options?: { modelId?: string }): Promise<number>;
  count(options?: { modelId?: string; catalogId?: number }): Promise<number>;
  /** Model ids with their embedding counts. */
  models(): Promise<{ modelId: string; count: number }[]>;
  /** Items that have no embedding for `modelId`, by id (what reindex must compute). */
  itemsWithout(options: {
    modelId: string;
    catalogId?: number;
    limit?: number;
    cursor?: number | null;
  }): Promise<ItemPage>;
}

// ── jobs ────────────────────────────────────────────────────────────────────────────────────────────────────────

export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
export type FileStatus = 'ok' | 'duplicate' | 'failed';
/** What a job does: ingest a source, compute missing vectors, train a catalog's classifier head. */
export type JobKind = 'ingest' | 'reindex' | 'train-head';

export interface Job {
  id: number;
  kind: JobKind;
  /** Null for a reindex of every catalog. */
  catalogId: number | null;
  source: string;
  /** What was asked (per kind). */
  params: JsonObject;
  status: JobStatus;
  /** The latest progress report (per kind). */
  progress: JsonObject;
  /** What a done job produced (per kind); null before. */
  result: JsonObject | null;
  /** The worker holding the lease; null while queued or finished. */
  workerId: string | null;
  /** Times a worker claimed it. */
  attempts: number;
  cancelRequested: boolean;
  filesSeen: number;
  filesAdded: number;
  filesDuplicate: number;
  filesFailed: number;
  error: string | null;
  createdAt: Date;
  updatedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  heartbeatAt: Date | null;
}

export interface JobFile {
  id: number;
  jobId: number;
  path: string;
  status: FileStatus;
  reason: string | null;
  itemId: number | null;
  createdAt: Date;
}

export interface RecordFileInput {
  jobId: number;
  path: string;
  status: FileStatus;
  reason?: string | null;
  itemId?: number | null;
}

export interface JobRepository {
  /** A new job in status "queued" (kind "ingest" by default). Throws NotFoundError for an unknown catalog. */
  create(input: { kind?: JobKind; catalogId: number | null; source: string; params?: JsonObject }): Promise<Job>;
  get(id: number): Promise<Job | null>;
  list(options?: { catalogId?: number; kind?: JobKind; limit?: number }): Promise<Job[]>;
  /** queued|running → running (startedAt kept on resume, heartbeat now). Throws JobStateError for finished jobs. */
  start(id: number): Promise<Job>;
  /**
   * Atomically takes the oldest queued job, or a running job whose heartbeat is older than `staleAfterMs`
   * (its worker died), marks it running under `workerId` and counts the attempt. Null when there is none. A stale
   * job already claimed `maxAttempts` times (default 5) is failed instead: it keeps killing its workers. For workers.
   */
  claim(options: { staleAfterMs: number; workerId?: string; kinds?: readonly JobKind[]; maxAttempts?: number }): Promise<Job | null>;
  /**
   * Beats the heartbeat; optionally sets how many files the source has shown so far and the progress report. With
   * `workerId`, only while that worker holds the running job: otherwise LeaseLostError (another worker took it over,
   * or it was finished) — the caller must stop.
   */
  progress(id: number, update?: { filesSeen?: number; report?: JsonObject; workerId?: string }): Promise<Job>;
  /** Gives a running job back to the queue (a worker shutting down); LeaseLostError when `workerId` does not hold it. */
  release(id: number, workerId: string): Promise<Job>;
  /**
   * Cancels a queued job at once; marks a running one `cancelRequested` (its worker stops at the next heartbeat).
   * JobStateError when it is finished.
   */
  requestCancel(id: number): Promise<Job>;
  /**
   * Records a file's outcome once. The first call inserts it and counts it; later calls for the same (job, path)
   * change nothing and return the existing outcome with `recorded: false`.
   */
  recordFile(input: RecordFileInput): Promise<{ recorded: boolean; file: JobFile }>;
  getFile(jobId: number, path: string): Promise<JobFile | null>;
  /** Paths that already have an outcome — what a resumed job skips. */
  recordedPaths(jobId: number): Promise<Set<string>>;
  files(
    jobId: number,
    options?: { status?: FileStatus; limit?: number; cursor?: number | null },
  ): Promise<{
    files: JobFile[];
    nextCursor: number | null;
  }>;
  /**
   * running|queued → done|failed|cancelled, with the result (per kind). Throws JobStateError when already finished;
   * with `workerId`, LeaseLostError when that worker no longer holds it.
   */
  finish(id: number, outcome: { status: 'done' | 'failed' | 'cancelled'; error?: string | null; result?: JsonObject | null; workerId?: string }): Promise<Job>;
  /** queued or running jobs, oldest first; filter by catalog, exact source and/or kind. */
  findUnfinished(options?: { catalogId?: number; source?: string; kind?: JobKind }): Promise<Job[]>;
}

// ── API keys ────────────────────────────────────────────────────────────────────────────────────────────────────

export type ApiKeyScope = 'read' | 'admin';

export interface ApiKey {
  id: number;
  name: string;
  /** Public part of the key ("lk_" + 8 characters), safe to show. */
  prefix: string;
  scope: ApiKeyScope;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface ApiKeyRepository {
  /** Creates a key; the returned `key` is the only time the secret is available. */
  create(input: { name: string; scope: ApiKeyScope }): Promise<{ key: string; apiKey: ApiKey }>;
  /** The key's record when the key is valid and not revoked (and notes its use), else null. */
  verify(key: string): Promise<ApiKey | null>;
  list(): Promise<ApiKey[]>;
  /** Throws NotFoundError. Revoking twice is harmless. */
  revoke(id: number): Promise<ApiKey>;
}

// ── admin sessions and the audit log ──────────────────────────────────────────────────────────────────────────────

export interface SessionRepository {
  /** Stores a session under the SHA-256 of its random `token`, tagged with the admin password it was made under. */
  create(input: { token: string; passwordTag: string; expiresAt: Date }): Promise<void>;
  /** True when the token's session exists, is unexpired and carries this password tag. */
  isValid(token: string, passwordTag: string): Promise<boolean>;
  /** Signing out: that session ends. Harmless when it does not exist. */
  revoke(token: string): Promise<void>;
  /** Every session ends; returns how many there were. */
  revokeAll(): Promise<number>;
}

export interface AuditEvent {
  id: number;
  action: string;
  actor: string;
  detail: string | null;
  ip: string | null;
  createdAt: Date;
}

export interface AuditRepository {
  record(input: { action: string; actor: string; detail?: string | null; ip?: string | null }): Promise<AuditEvent>;
  /** Newest first; `cursor` is the `nextCursor` of the previous page. */
  list(options?: { limit?: number; cursor?: number | null }): Promise<{ events: AuditEvent[]; nextCursor: number | null }>;
}

// ── classifier heads and item labels ──────────────────────────────────────────────────────────────────────────────

/** A head without its ONNX bytes (lists). */
export interface ClassifierHeadInfo {
  id: number;
  catalogId: number;
  version: number;
  labelField: string;
  classes: string[];
  metrics: JsonObject;
  modelId: string;
  settings: JsonObject;
  active: boolean;
  /** Size of the ONNX model in bytes. */
  onnxBytes: number;
  createdAt: Date;
}

export interface ClassifierHead extends ClassifierHeadInfo {
  onnx: Uint8Array;
}

export interface NewClassifierHead {
  catalogId: number;
  labelField: string;
  classes: string[];
  metrics: JsonObject;
  modelId: string;
  settings: JsonObject;
  onnx: Uint8Array;
  /** Make it the catalog's active head in the same transaction (default false). */
  activate?: boolean;
}

export interface HeadRepository {
  /** Stores a head as the catalog's next version. Throws NotFoundError (catalog), InvalidInputError. */
  create(input: NewClassifierHead): Promise<ClassifierHead>;
  get(id: number): Promise<ClassifierHead | null>;
  /** The catalog's heads, newest version first, without their bytes. */
  list(catalogId: number): Promise<ClassifierHeadInfo[]>;
  /** The catalog's active head, or null. */
  active(catalogId: number): Promise<ClassifierHead | null>;
  /** Makes this head the only active one of its catalog (one transaction). Throws NotFoundError. */
  activate(id: number): Promise<ClassifierHeadInfo>;
  /** Leaves the catalog without an active head. */
  deactivate(catalogId: number): Promise<void>;
}

export type LabelSource = 'predicted' | 'confirmed';

export interface ItemLabelInput {
  itemId: number;
  label: string;
  /** The head's probability for a predicted label; 1 for a confirmed one. */
  score: number;
  source: LabelSource;
}

export interface ItemLabel extends ItemLabelInput {
  headId: number;
  createdAt: Date;
}

export interface LabelRepository {
  /** Writes (or replaces) items' labels under a head, in one transaction. Throws NotFoundError (head). */
  upsert(headId: number, labels: readonly ItemLabelInput[]): Promise<{ written: number }>;
  /** The labels of these items under a head, by item id. */
  forItems(headId: number, itemIds: readonly number[]): Promise<Map<number, ItemLabel>>;
  /** Ids of the items with this label under a head (for search filters), ascending. */
  itemIds(headId: number, label: string): Promise<number[]>;
  /** Per label: how many items were predicted and how many confirmed. */
  counts(headId: number): Promise<Array<{ label: string; predicted: number; confirmed: number }>>;
}

// ── the store ───────────────────────────────────────────────────────────────────────────────────────────────────

export interface MigrationReport {
  applied: string[];
  alreadyApplied: string[];
}

// ── match calibrations ────────────────────────────────────────────────────────────────────────────────────────────

/** How one catalog's scores under one vector model map to "same" / "similar" / "weak" (see @loupe/core). */
export interface MatchCalibration {
  catalogId: number;
  modelId: string;
  sameScore: number;
  similarScore: number;
  itemCount: number;
  details: Record<string, unknown>;
  createdAt: Date;
}

export type MatchCalibrationInput = Omit<MatchCalibration, 'createdAt'>;

export interface CalibrationRepository {
  /** Writes (or replaces) the calibration of a catalog for a model. */
  put(input: MatchCalibrationInput): Promise<MatchCalibration>;
  /** The calibrations of these catalogs for a model (catalogs without one are absent). */
  forCatalogs(catalogIds: readonly number[], modelId: string): Promise<MatchCalibration[]>;
}

export interface StoreStats {
  provider: Provider;
  catalogs: number;
  items: number;
  embeddings: { modelId: string; count: number }[];
  latestSequence: number;
}

export interface Store {
  readonly provider: Provider;
  readonly migrations: MigrationReport;
  readonly catalogs: CatalogRepository;
  readonly items: ItemRepository;
  readonly embeddings: EmbeddingRepository;
  readonly jobs: JobRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly sessions: SessionRepository;
  readonly audit: AuditRepository;
  readonly heads: HeadRepository;
  readonly labels: LabelRepository;
  readonly calibrations: CalibrationRepository;
  stats(): Promise<StoreStats>;
  /** Releases the database client (and its connections). Later calls throw StoreClosedError; close is idempotent. */
  close(): Promise<void>;
}
