// @loupe/embedding — public API (server side). The browser entry is '@loupe/embedding/browser'.
export { createEmbedder } from './embedder.ts';
export type {
  AnalyzeOptions,
  Box,
  ClassifyAndEmbedResult,
  ClassifyResult,
  Device,
  Embedder,
  EmbedderInfo,
  EmbedderOptions,
  FeatureMap,
  FeatureMapOptions,
  FeatureMapResult,
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
export { ACCEPTED_FORMAT_NAMES, DEFAULT_MAX_PIXELS, decodeImage, decodeRGB, describeInput, probeImage, type DecodedImage, type DecodedRGB, type ProbedImage } from './decode.ts';

// Model files and execution providers
export {
  DEFAULT_POOLING,
  DEFAULT_PRECISION,
  GEM_P,
  MODEL_FILES,
  MODEL_ID,
  POOLINGS,
  PRECISIONS,
  vectorModelId,
  type ModelManifest,
  type Pooling,
  type Precision,
} from './model-files.ts';
export { BUILD_COMMAND, defaultModelDir, packageRootOf } from './model-store.ts';
export { MAX_DEFAULT_WORKERS, poolLayout } from './inference-pool.ts';
export {
  cudaProviderFiles,
  cudaUnavailableReason,
  onnxRuntimeBinaryDir,
  openSession,
  type ProviderName,
  type ProviderSession,
  type SessionSettings,
  vulkanDrivers,
  webgpuUnavailableReason,
  type VulkanDriver,
} from './providers.ts';

// Localization building blocks (also used by the browser entry). `localizeClasses` works for any linear head on the
// pooled features: ImageNet's, or a catalog's own (@loupe/heads), given the feature map (`featureMap: true`).
export { classActivationMap, heatmapRGBA, intersectionOverUnion, turbo, upsampleNormalized, type ActivationMap } from './cam.ts';
export { INPUT_SIZE, LOCALIZE_DEFAULTS, localizeClasses, poolFeatureMap, topPredictions, type ClassifierHead, type FeatureMapSlice } from './postprocess.ts';

// ONNX graphs (the model build, the GPU check, trained heads)
export { DataType, GraphBuilder, toFloat16Bits, type AttributeValue, type GraphBuilderOptions, type TensorSpec } from './onnx-graph.ts';
