// Names of the files the model build writes into the package's model/ folder, and the manifest's shape.

/** The detector: CenterNet with a MobileNetV3 backbone, COCO's 80 classes, as built by `npm run model`. */
export const DETECTOR_MODEL_ID = 'centernet-mobilenetv3-coco@1';

/** The network's fixed input side: images are stretched to 512 × 512 and boxes scaled back. */
export const DETECTOR_INPUT_SIZE = 512;

export const DETECTOR_FILES = {
  onnx: 'centernet.onnx',
  manifest: 'manifest.json',
} as const;

export interface DetectorManifest {
  id: string;
  converterVersion: number;
  source: { package: string; integrity: string; license: string; file: string; nodes: number; parameters: number };
  input: { name: string; layout: 'NHWC'; channels: 'RGB'; range: [number, number]; size: [number, number] };
  output: { name: string; shape: number[]; columns: string[] };
  files: Record<string, { bytes: number; sha256: string }>;
}
