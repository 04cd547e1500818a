// @loupe/heads — a catalog's own classifier on frozen backbone features: train, measure, export to ONNX, run, localize.

// training
export { trainHead, resolveSettings, inspectTrainingSet } from './train.ts';

// metrics and the kNN baseline
export { classificationMetrics, argmax } from './metrics.ts';
export { createKnnClassifier, type KnnClassifier } from './knn.ts';

// ONNX: export, read back, run (ONNX Runtime), localize (CAM)
export { exportHeadOnnx, decodeHeadOnnx, openHeadSession, headProbabilities, rankPredictions, type HeadSession } from './onnx.ts';

// pictures
export { confusionMatrixSvg, confusionMatrixPng, type ConfusionImageOptions } from './render.ts';

// errors
export {
  HeadsError,
  InvalidTrainingDataError,
  TooFewClassesError,
  TooFewExamplesError,
  TrainingCancelledError,
  InvalidHeadError,
  type HeadsErrorCode,
} from './errors.ts';

export type * from './types.ts';
