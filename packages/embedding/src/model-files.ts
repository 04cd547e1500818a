// Names of the files the model build writes into the package's model/ folder, and the manifest's shape.

/** Identifies the vectors this model produces; stored with every embedding so vectors of different models never mix. */
export const MODEL_ID = 'resnet50-imagenet1k-keras@1';

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
