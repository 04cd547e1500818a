// @loupe/core — the use cases shared by the CLI and the web app.
export { openLoupe, type Loupe } from './loupe.ts';
export { IndexManager, type IndexSearchOptions } from './index-manager.ts';
export { ImageStorage, THUMBNAIL_SIDE, MIME_TYPES, sha256Hex } from './storage.ts';
export {
  openSource,
  folderSource,
  zipSource,
  manifestSource,
  unsafeEntryReason,
  DEFAULT_SOURCE_LIMITS,
  IMAGE_EXTENSIONS,
  type IngestSource,
  type SourceEntry,
  type SourceItem,
  type SourceLimits,
} from './sources/index.ts';
export { CoreError, HeadModelMismatchError, VectorModelMismatchError, InvalidQueryError, InvalidSourceError, NotFoundError, SourceLimitError, UnknownFieldError, type CoreErrorCode } from './errors.ts';
export {
  labelOf,
  type CatalogClassification,
  type Heads,
  type HeadMetrics,
  type HeadTrainingProgress,
  type HeadView,
  type MetadataField,
  type TrainCatalogHeadOptions,
  type TrainCatalogHeadResult,
} from './heads.ts';
export type * from './types.ts';
