// Public types of @loupe/heads. The implementation lives in train.ts, metrics.ts, knn.ts, onnx.ts and render.ts.

/** Labelled feature vectors (e.g. the stored 2048-d ResNet-50 vectors of a catalog's items). */
export interface TrainingSet {
  vectors: readonly Float32Array[];
  labels: readonly string[];
}

export interface TrainingProgress {
  epoch: number;
  /** The most epochs this run may take (early stopping usually ends it sooner). */
  maxEpochs: number;
  /** Mean (class-weighted) cross-entropy on the training split this epoch. */
  loss: number;
  validationLoss: number;
  validationAccuracy: number;
}

export interface TrainOptions {
  /** Seed of every random choice (split, shuffling, initial weights): same data + same seed → same head. Default 1. */
  seed?: number;
  /** Units of one hidden ReLU layer; 0 (default) = multinomial logistic regression (softmax over the classes). */
  hidden?: number;
  /** Share of each class held out for validation (stratified), 0.05…0.5. Default 0.2. */
  validationSplit?: number;
  /** Classes with fewer examples are refused, by name. Default 5 (the least that leaves one for validation). */
  minExamplesPerClass?: number;
  /** 'balanced' (default) weights each class by N / (classes · count), so rare classes count as much as common ones. */
  classWeighting?: 'balanced' | 'none';
  /** Most epochs (default 200); early stopping on the validation loss usually stops sooner. */
  maxEpochs?: number;
  /** Epochs without a better validation loss before stopping (default 6); the best epoch's weights are kept. */
  patience?: number;
  /** Mini-batch size (default 64). */
  batchSize?: number;
  /** Adam's step size (default 3e-4: chosen on Fashion-MNIST's validation split; 1e-3 stopped too early at 20k examples). */
  learningRate?: number;
  /** L2 penalty on the weights (default 1e-4). */
  weightDecay?: number;
  /** k of the kNN baseline evaluated on the same split (default 10); false skips it. */
  knn?: { k?: number; maxQueries?: number } | false;
  onProgress?: (progress: TrainingProgress) => void;
  /** Aborting stops training at the next mini-batch with TrainingCancelledError. */
  signal?: AbortSignal;
}

/** The settings a head was trained with (defaults filled in), stored with it. */
export interface TrainingSettings {
  seed: number;
  hidden: number;
  validationSplit: number;
  minExamplesPerClass: number;
  classWeighting: 'balanced' | 'none';
  maxEpochs: number;
  patience: number;
  batchSize: number;
  learningRate: number;
  weightDecay: number;
  knnK: number | null;
}

export interface ClassMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  /** Examples of this class in the evaluated set. */
  support: number;
}

export interface ClassificationMetrics {
  classes: string[];
  /** Examples evaluated. */
  count: number;
  accuracy: number;
  macroF1: number;
  perClass: ClassMetrics[];
  /** confusion[t][p]: examples of class t predicted as class p (rows: truth, columns: prediction). */
  confusion: number[][];
}

/** A dense layer y = W x + b; `weights` is [outputs × inputs] row-major. */
export interface DenseLayer {
  inputs: number;
  outputs: number;
  weights: Float32Array;
  bias: Float32Array;
}

/**
 * A trained head, ready to run: dense layers with ReLU between them and a softmax at the end. The input
 * standardisation is folded into the first layer, so it takes the raw (L2-normalised) feature vector. A linear head
 * (one layer) also localizes its classes: its weights are class activation map weights.
 */
export interface HeadModel {
  kind: 'linear' | 'mlp';
  classes: string[];
  /** Input length (2048 for ResNet-50 features). */
  dim: number;
  layers: DenseLayer[];
}

export interface TrainingReport {
  examples: number;
  trainExamples: number;
  validationExamples: number;
  /** Examples per class (all splits). */
  classCounts: Record<string, number>;
  epochs: number;
  bestEpoch: number;
  trainAccuracy: number;
  validation: ClassificationMetrics;
  /** The kNN baseline on the same split (cosine, majority of the k nearest training vectors); null when skipped. */
  knn: (ClassificationMetrics & { k: number }) | null;
  history: TrainingProgress[];
  tookMs: number;
}

export interface TrainedHead {
  model: HeadModel;
  settings: TrainingSettings;
  report: TrainingReport;
  /** Class probabilities from the trainer's own (unfolded, float64) parameters — the reference for the ONNX export. */
  predict(vectors: readonly Float32Array[]): Float32Array[];
}

export interface HeadPrediction {
  /** Index into the head's classes. */
  classId: number;
  label: string;
  score: number;
}
