// Names of the files the model build writes into the package's model/ folder, and the manifest's shape.

/** The network: ResNet-50 trained on ImageNet-1k (Keras weights), as built by `npm run model`. */
export const MODEL_ID = 'resnet50-imagenet1k-keras@1';

/**
 * How the last feature map (2048 × 7 × 7) becomes the 2048-d vector:
 * - 'gem': generalised mean, p = 3 (Radenović et al. 2018) — cube, average, cube root per channel; weighs the
 *   strongest responses more than an average does. The default: it retrieves better (BENCHMARKS.md, "Feature
 *   post-processing").
 * - 'avg': global average pooling — the classic ResNet vector, the ImageNet classifier's own input.
 */
export type Pooling = 'gem' | 'avg';
export const POOLINGS: readonly Pooling[] = ['gem', 'avg'];
export const DEFAULT_POOLING: Pooling = 'gem';
export const GEM_P = 3;

/**
 * Which build of the network runs: 'fp32' (the converted weights as they are) or 'int8' (statically quantized: int8
 * weights and uint8 activations, about twice as fast on a CPU with int8 dot-product instructions; see the README).
 */
export type Precision = 'fp32' | 'int8';
export const PRECISIONS: readonly Precision[] = ['fp32', 'int8'];
/** fp32 until the int8 quality gates decide otherwise (README, "int8"). */
export const DEFAULT_PRECISION: Precision = 'fp32';

/**
 * Identifies the vectors a model + pooling + precision produces; stored with every embedding so vectors that cannot
 * be compared never mix. The average-pooled vector keeps the network's id (vectors stored before pooling was an
 * option), and fp32 adds nothing (vectors stored before precision was an option); int8 appends `+int8`.
 */
export function vectorModelId(pooling: Pooling, precision: Precision = 'fp32'): string {
  const id = pooling === 'avg' ? MODEL_ID : `${MODEL_ID}+gem${GEM_P}`;
  return precision === 'int8' ? `${id}+int8` : id;
}

export const MODEL_FILES = {
  fp32: 'resnet50.onnx',
  fp16: 'resnet50.fp16.onnx',
  int8: 'resnet50.int8.onnx',
  classifier: 'resnet50.classifier.bin',
  labels: 'labels.json',
  manifest: 'manifest.json',
} as const;

export interface ModelManifest {
  id: string;
  converterVersion: number;
  source: { package: string; integrity: string; license: string; layers: number; parameters: number };
  input: { name: string; layout: 'NHWC'; channels: 'RGB'; range: [number, number]; size: [number, number] };
  outputs: { probabilities: number[]; features: number[]; featureMap: Array<number | string> };
  classes: number;
  featureDim: number;
  files: Record<string, { bytes: number; sha256: string }>;
  /** How the int8 model's activation ranges were calibrated. */
  /** Absent when the model was built without int8 (the bin's default precision, fp32). */
  int8?: { calibration: 'minmax' | 'percentile'; percentile?: number; photos: string[]; images: number };
}
