// @loupe/embedding — public API (server side). The browser entry is '@loupe/embedding/browser'.
export { createEmbedder } from './embedder.ts';
export type {
  AnalyzeOptions,
  Box,
  ClassifyResult,
  Device,
  Embedder,
  EmbedderInfo,
  EmbedderOptions,
  Heatmap,
  ImageAnalysis,
  ImageInput,
  ImageSource,
  LocalizeOptions,
  LocalizeResult,
  Logger,
  Prediction,
  RawImage,
  Rect,
  Settled,
} from './types.ts';

// Errors
export {
  CorruptImageError,
  DisposedError,
  EmbeddingError,
  ImageTooLargeError,
  InvalidInputError,
  ModelNotBuiltError,
  ProviderUnavailableError,
  UnsupportedImageError,
  type EmbeddingErrorCode,
} from './errors.ts';

// Images
export { ACCEPTED_FORMAT_NAMES, DEFAULT_MAX_PIXELS, describeInput, probeImage, type ProbedImage } from './decode.ts';

// Model files and execution providers
export { MODEL_FILES, MODEL_ID, type ModelManifest } from './model-files.ts';
export { BUILD_COMMAND, defaultModelDir } from './model-store.ts';
export { cudaUnavailableReason, onnxRuntimeBinaryDir } from './providers.ts';

// Localization building blocks (also used by the browser entry)
export { intersectionOverUnion, turbo } from './cam.ts';
export { INPUT_SIZE, LOCALIZE_DEFAULTS } from './postprocess.ts';
