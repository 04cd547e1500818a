// The REST API's JSON shapes: inferred from the zod schemas of `@loupe/api` (the one source, which also generates the
// server's OpenAPI document), re-exported here so that client users need one import.
import type { Region } from '@loupe/api';

export type {
  ApiKeyInfo,
  Box,
  Catalog,
  CatalogObjects,
  ClassifyResponse,
  ClassMetrics,
  EmbedResponse,
  ErrorBody,
  Head,
  HeadDetail,
  HeadPredictions,
  HeadTraining,
  Health,
  Item,
  ItemLabel,
  ItemObject,
  Job,
  JobDetail,
  JobStatus,
  LocalizeResponse,
  DetectedObject,
  DetectResponse,
  MaskRle,
  MetadataField,
  ObjectRegion,
  ObjectSearchResponse,
  ObjectSearchResult,
  Prediction,
  QueryAnalysis,
  ReindexState,
  ResultCopy,
  SearchResponse,
  SearchResult,
  Session,
  Stats,
  TrainHead as TrainHeadOptions,
  UpdateCatalog as CatalogChanges,
} from '@loupe/api';

/** Options of `search`, `searchByItem` and `searchByVector`. */
export interface SearchOptions {
  k?: number;
  catalog?: string;
  minScore?: number;
  classId?: number;
  /** The `nextCursor` of the previous page (or use `searchMore`). */
  cursor?: string | null;
  /** Only items with this label under the catalog's active head (needs `catalog`). */
  label?: string;
  /** Search only this region of the query image, in its pixels. */
  box?: Region;
  exact?: boolean;
}

/** An image to send: bytes (with an optional file name) or a Blob/File. */
export type ImageUpload = Blob | Uint8Array | ArrayBuffer | { data: Uint8Array | Blob; name: string };
