// Public types of @loupe/detection. Implementation lives elsewhere; this file is the contract.
import type { ClassifyAndEmbedResult, ClassifyResult, Device, ImageInput, Logger, Rect } from '@loupe/embedding';
import type { CocoLabel } from './coco.ts';

/** One detected object, in the original image's pixels (after EXIF orientation); x1/y1 exclusive. */
export interface DetectedObject {
  /** COCO class name: 'person', 'sports ball', 'teddy bear', … */
  label: CocoLabel;
  /** COCO class index, 0..79, in CenterNet's order (`COCO_LABELS`). */
  classId: number;
  /** 0..1: CenterNet's score, or the crop classifier's when fusion relabelled or confirmed the object. */
  score: number;
  box: Rect;
  /** With fusion: the crop's best ImageNet class and its probability. */
  imagenet?: { label: string; score: number };
  /** With fusion: where label and score come from. */
  source?: 'detector' | 'fused';
  /**
   * With `vectors`: the crop's feature vector from the same forward pass that classified it (the classifier's model
   * and pooling, L2-normalised) — what search by object compares. Missing on crops too small to classify (< 4 px).
   */
  vector?: Float32Array;
}

export interface Detection {
  /** The original image's size after EXIF orientation. */
  width: number;
  height: number;
  objects: DetectedObject[];
}

/** What fusion needs from the backbone: `@loupe/embedding`'s Embedder is one. */
export interface CropClassifier {
  classify(images: ImageInput[], options: { topK: number }): Promise<ClassifyResult[]>;
  /** The same pass with each crop's vector too (for `vectors`). */
  classifyAndEmbed?(images: ImageInput[], options: { topK: number }): Promise<ClassifyAndEmbedResult[]>;
}

export interface DetectOptions {
  /** Objects scoring below this are dropped (default 0.3, see DETECT_DEFAULTS). */
  minScore?: number;
  /** At most this many objects, best first (default 20). */
  maxObjects?: number;
  /** Per-class non-maximum suppression: a box overlapping a better one of its class by more is dropped (default 0.4). */
  iouThreshold?: number;
  /** Relabel with the crop classifier given to createDetector (default true when one was given). */
  fuse?: boolean;
  /** Also give each object its crop's `vector` from the fusion pass (needs a classifier with `classifyAndEmbed`). */
  vectors?: boolean;
}

export interface DetectorOptions extends DetectOptions {
  /** Execution provider, as for the embedder: 'auto' (CUDA → WebGPU → CPU), 'cpu', 'cuda', 'webgpu'. */
  device?: Device;
  threads?: number;
  providerOptions?: { cuda?: Record<string, unknown>; webgpu?: Record<string, unknown> };
  /** Refuse images whose header declares more pixels (default 100 MP, as the embedder). */
  maxPixels?: number;
  /** Folder of the built detector (default: the package's model/). */
  modelDir?: string;
  /** ResNet-50 (an Embedder) to classify each object's crop: enables fusion. */
  classifier?: CropClassifier;
  logger?: Logger;
}

export interface DetectorInfo {
  modelId: string;
  provider: string;
  skipped: Array<{ provider: string; reason: string }>;
  inputSize: [number, number];
  fusion: boolean;
}

export interface Detector {
  detect(image: ImageInput, options?: DetectOptions): Promise<Detection>;
  info(): DetectorInfo;
  dispose(): Promise<void>;
}
