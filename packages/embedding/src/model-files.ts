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
 * Identifies the vectors a model + pooling produces; stored with every embedding so vectors that cannot be compared
 * never mix. The average-pooled vector keeps the network's id (vectors stored before pooling was an option).
 */
export function vectorModelId(pooling: Pooling): string {
  return pooling === 'avg' ? MODEL_ID : `${MODEL_ID}+gem${GEM_P}`;
}

export const MODEL_FILES = {
  fp32: 'resnet50.onnx',
  fp16: 'resnet50.fp16.onnx',
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
}
