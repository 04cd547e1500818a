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
}

export interface SearchResult {
  id: number;
  /** Cosine similarity, 1 = identical. */
  score: number;
  title: string;
  catalog: string;
  thumbnailUrl: string;
  topClass: string | null;
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
  indexed: number;
  model: string;
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
  model?: string;
  provider?: string;
  indexed?: number;
}

export interface SearchOptions {
  k?: number;
  catalog?: string;
  minScore?: number;
  classId?: number;
  cursor?: string | null;
  /** Search only this region of the query image, in its pixels. */
  box?: { x0: number; y0: number; x1: number; y1: number };
}

/** An image to send: bytes (with an optional file name) or a Blob/File. */
export type ImageUpload = Blob | Uint8Array | ArrayBuffer | { data: Uint8Array | Blob; name: string };
