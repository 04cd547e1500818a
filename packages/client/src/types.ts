// The REST API's JSON shapes (see the server's OpenAPI document at /api/v1/openapi.json).

export interface Prediction {
  classId: number;
  label: string;
  score: number;
}

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  classId: number;
  label: string;
  score: number;
}

export interface QueryAnalysis {
  width: number;
  height: number;
  predictions: Prediction[];
  boxes: Box[];
  /** Present when one catalog with an active classifier head was searched: that catalog's classes for the query. */
  head?: HeadPredictions;
}

/** A catalog head's view of an image: its classes (the label field's values) and the best one's CAM box. */
export interface HeadPredictions {
  catalog?: string;
  version: number;
  field: string;
  predictions: Prediction[];
  box: Box | null;
}

/** An item's label under its catalog's active head. */
export interface ItemLabel {
  label: string;
  score: number;
  /** "predicted" by the head, or "confirmed": the item's own value of the head's field. */
  source: 'predicted' | 'confirmed';
}

export interface SearchResult {
  id: number;
  /** Cosine similarity, 1 = identical. */
  score: number;
  title: string;
  catalog: string;
  thumbnailUrl: string;
  topClass: string | null;
  /** Only when one catalog with an active head was searched; null when the item has no label. */
  label?: ItemLabel | null;
}

export interface SearchResponse {
  /** The query image's analysis; null for item and vector queries. */
  query: QueryAnalysis | null;
  results: SearchResult[];
  nextCursor: string | null;
  tookMs: number;
}

export interface ClassifyResponse {
  width: number;
  height: number;
  predictions: Prediction[];
  /** With the `catalog` option: that catalog's own classes (its active head) and their CAM box. */
  head?: HeadPredictions;
}

export interface LocalizeResponse extends ClassifyResponse {
  boxes: Box[];
  heatmap: { width: number; height: number; classId: number; png: string } | null;
}

export interface EmbedResponse {
  model: string;
  dim: number;
  vector: number[];
}

export interface Catalog {
  id: number;
  slug: string;
  name: string;
  items: number;
  createdAt: string;
}

export interface Item {
  id: number;
  catalog: string;
  externalId: string | null;
  title: string;
  metadata: Record<string, unknown>;
  width: number;
  height: number;
  mimeType: string;
  sizeBytes: number;
  sourceName: string;
  createdAt: string;
  predictions: Prediction[];
  boxes: Box[];
  thumbnailUrl: string;
  imageUrl: string;
  /** Under its catalog's active head (item lists and `items.get`): the item's label (null when none). */
  label?: ItemLabel | null;
}

export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface Job {
  id: number;
  catalog: string;
  status: JobStatus;
  total: number;
  done: number;
  added: number;
  duplicates: number;
  failed: number;
  ratePerSecond: number;
  etaSeconds: number | null;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface JobDetail extends Job {
  failures: Array<{ file: string; reason: string | null }>;
}

export interface Stats {
  catalogs: number;
  items: number;
  /** Items with a vector of `model`; the rest are reindexed in the background (e.g. after the pooling changed). */
  indexed: number;
  /** The vectors' model id: network + pooling. */
  model: string;
  pooling: 'gem' | 'avg';
  provider: string | null;
  database: 'sqlite' | 'postgresql';
  sequence: number;
  skippedProviders: Array<{ provider: string; reason: string }>;
  memoryMB: number;
}

export interface ApiKeyInfo {
  id: number;
  name: string;
  prefix: string;
  scope: 'read' | 'admin';
  createdAt: string;
  lastUsedAt: string | null;
  revoked: boolean;
}

export interface Health {
  status: 'ok' | 'starting';
  /** The vectors' model id (network + pooling): send it with a vector you computed (`searchByVector`). */
  model?: string;
  pooling?: 'gem' | 'avg';
  provider?: string;
  indexed?: number;
}

export interface ClassMetrics {
  count: number;
  accuracy: number;
  macroF1: number;
  perClass: Array<{ label: string; precision: number; recall: number; f1: number; support: number }>;
  /** Rows: true class, columns: predicted class, in the head's `classes` order. */
  confusion: number[][];
}

export interface Head {
  id: number;
  catalog: string;
  version: number;
  active: boolean;
  /** The metadata field whose values are the classes. */
  field: string;
  classes: string[];
  trainAccuracy: number | null;
  validationAccuracy: number | null;
  /** The kNN baseline on the same validation split. */
  knnAccuracy: number | null;
  examples: number | null;
  /** The vectors (model id: network + pooling) the head was trained on. */
  backbone: string;
  /** In lists: false when `backbone` is not the server's model (the pooling changed): retrain to use this catalog's head. */
  usable?: boolean;
  onnxBytes: number;
  createdAt: string;
  /** The validation confusion matrix as PNG (`?format=svg` for SVG, `?of=knn` for the baseline's). */
  confusionUrl: string;
}

export interface HeadDetail extends Head {
  metrics: {
    validation: ClassMetrics;
    knn: (ClassMetrics & { k: number }) | null;
    classCounts: Record<string, number>;
    epochs: number;
    bestEpoch: number;
    trainExamples: number;
    validationExamples: number;
    history: Array<{ epoch: number; loss: number; validationLoss: number; validationAccuracy: number }>;
  };
  settings: Record<string, unknown>;
}

export interface HeadTraining {
  id: string;
  catalog: string;
  field: string;
  status: 'running' | 'done' | 'failed' | 'cancelled';
  phase: 'loading' | 'training' | 'labelling';
  epoch: number | null;
  maxEpochs: number | null;
  loss: number | null;
  validationLoss: number | null;
  validationAccuracy: number | null;
  head: Head | null;
  error: { code: string; message: string } | null;
  startedAt: string;
  finishedAt: string | null;
}

export interface TrainHeadOptions {
  /** The metadata field whose values are the classes. */
  field: string;
  seed?: number;
  /** Units of a hidden ReLU layer (0: softmax regression — which also gives CAM boxes). */
  hidden?: number;
  maxEpochs?: number;
  validationSplit?: number;
  minExamplesPerClass?: number;
  knnK?: number;
  /** Make it the active head when done (default true). */
  activate?: boolean;
}

export interface MetadataField {
  field: string;
  items: number;
  values: number;
}

export interface SearchOptions {
  k?: number;
  catalog?: string;
  minScore?: number;
  classId?: number;
  cursor?: string | null;
  /** Only items with this label under the catalog's active head (needs `catalog`). */
  label?: string;
  /** Search only this region of the query image, in its pixels. */
  box?: { x0: number; y0: number; x1: number; y1: number };
}

/** An image to send: bytes (with an optional file name) or a Blob/File. */
export type ImageUpload = Blob | Uint8Array | ArrayBuffer | { data: Uint8Array | Blob; name: string };
