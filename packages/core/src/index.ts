// @loupe/core — the use cases shared by the CLI and the web app.
export { benchmarkInternals, openLoupe, type Loupe } from './loupe.ts';
export { createDetect, withObjectBoxes, type Detect, type DetectOptions, type DetectResult, type DetectedObjectView, type ObjectBoxes } from './detect.ts';
export type { ItemView, ItemPageView, ItemFile } from './items.ts';
export type { ReindexOptions, ReindexResult } from './reindex.ts';
export { indexSnapshotPath } from './index-manager.ts';
export {
  openSource,
  folderSource,
  zipSource,
  manifestSource,
  unsafeEntryReason,
  DEFAULT_SOURCE_LIMITS,
  ENTRY_LIMITS,
  IMAGE_EXTENSIONS,
  type IngestSource,
  type SourceEntry,
  type SourceItem,
  type SourceLimits,
} from './sources/index.ts';
export { CoreError, CursorExpiredError, JobConflictError, HeadModelMismatchError, VectorModelMismatchError, InvalidQueryError, InvalidSourceError, NotFoundError, SourceLimitError, UnknownFieldError, type CoreErrorCode } from './errors.ts';
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
export { CALIBRATION_EDITS, CALIBRATION_SAMPLE, MATCHES, UNCALIBRATED_SAME, matchOf, thresholdsFrom, quantile, type Match, type MatchThresholds, type Relevance } from './relevance.ts';
export { SAME_VERIFICATION, sameImageInliers } from './verify-same.ts';
export { SAME_CHECKS } from './search.ts';
export { CATALOG_OBJECTS } from '@loupe/db';
export {
  startJobWorker,
  defaultWorkerId,
  type Jobs,
  type JobView,
  type JobContext,
  type JobRunner,
  type JobRunOutcome,
  type JobWorker,
  type TrainingJobParams,
} from './jobs/index.ts';
export type { MediaStore, StoredImage } from './storage.ts';
export type * from './types.ts';
