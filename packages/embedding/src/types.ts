// Public types of @loupe/embedding. Implementation lives elsewhere; this file is the contract.
import type { Pooling, Precision } from './model-files.ts';
import type { ClassifierHead } from './postprocess.ts';

/** Where an image comes from: encoded bytes (JPEG, PNG, WebP, GIF, AVIF, TIFF), a file path, or raw RGB pixels. */
export type ImageSource = Uint8Array | string | RawImage;

/** Raw 8-bit pixels, row-major, interleaved (HWC): 3 channels RGB or 4 channels RGBA (alpha is flattened on white). */
export interface RawImage {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  channels: 3 | 4;
}

/** A rectangle in the original image's pixel coordinates (after EXIF orientation), x1/y1 exclusive. */
export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** An image, optionally with the region of it to analyse (crop search). Results stay in full-image coordinates. */
export type ImageInput = ImageSource | { source: ImageSource; region?: Rect };

export interface Prediction {
  /** ImageNet-1k class index, 0..999. */
  classId: number;
  /** Human-readable class name, e.g. "Egyptian cat". */
  label: string;
  /** Softmax probability. */
  score: number;
}

export interface Box extends Rect {
  classId: number;
  label: string;
  /** Class probability times the share of the class activation inside this box (0..1). */
  score: number;
}

export interface Heatmap {
  /** PNG with an alpha channel, the size of the original image (capped at `maxSide`), for overlay. */
  png: Uint8Array;
  width: number;
  height: number;
  classId: number;
}

export interface LocalizeOptions {
  /** Classes to localize: the top `topK` predictions whose probability is ≥ `minScore` (the top-1 always). */
  topK?: number;
  minScore?: number;
  /** Fraction of the activation map's range that counts as "object" (default 0.3, tuned on the hand-labelled test photos; the CAM paper used 0.2). */
  threshold?: number;
  /** Also render the top class's activation map as a PNG heatmap. */
  heatmap?: boolean | { maxSide?: number };
  /**
   * Also return the last convolutional feature map (2048 × 7 × 7 floats, ~400 KB per image), so that another linear
   * head on the pooled features — a catalog's own classifier — can localize its classes with `localizeClasses`.
   */
  featureMap?: boolean;
}

export interface AnalyzeOptions extends LocalizeOptions {
  /** How many predictions to return (default 5). */
  topK?: number;
}

/** Everything one forward pass gives for one image. */
export interface ImageAnalysis {
  /** Size of the original image after EXIF orientation; boxes use these coordinates. */
  width: number;
  height: number;
  predictions: Prediction[];
  /** L2-normalised pooled features (2048-d; GeM or average pooling, as the embedder was made). */
  vector: Float32Array;
  boxes: Box[];
  heatmap?: Heatmap;
  /** Only with the `featureMap` option: the feature map and the region of the image the network saw. */
  featureMap?: FeatureMap;
}

export interface FeatureMapOptions {
  /** How many predictions to return (default 5). */
  topK?: number;
  /** Side of the square input, a multiple of 32 from 32 to 1024 (default 224). */
  inputSize?: number;
}

export interface FeatureMapResult {
  width: number;
  height: number;
  predictions: Prediction[];
  featureMap: FeatureMap;
}

/** One image's last convolutional feature map, NCHW without N, and the part of the image it covers. */
export interface FeatureMap {
  data: Float32Array;
  channels: number;
  height: number;
  width: number;
  /** The region of the original image that was fed to the network (the whole image unless a region was given). */
  region: Rect;
}

export type ClassifyResult = Pick<ImageAnalysis, 'width' | 'height' | 'predictions'>;
export type ClassifyAndEmbedResult = Pick<ImageAnalysis, 'width' | 'height' | 'predictions' | 'vector'>;
export type LocalizeResult = Pick<ImageAnalysis, 'width' | 'height' | 'predictions' | 'boxes' | 'heatmap'>;

/** One result of a streaming call: either the value or the reason this image failed; `index` is the input's position. */
export type Settled<T> = { index: number; ok: true; value: T } | { index: number; ok: false; error: Error };

export type Device = 'auto' | 'cpu' | 'cuda' | 'webgpu';

/** Minimal logger interface (pino-compatible). */
export interface Logger {
  debug?(obj: object | string, msg?: string): void;
  info?(obj: object | string, msg?: string): void;
  warn?(obj: object | string, msg?: string): void;
  error?(obj: object | string, msg?: string): void;
}

export interface EmbedderOptions {
  /** Execution provider. 'auto' tries CUDA, then WebGPU, then CPU. An explicit device that is unavailable throws. */
  device?: Device;
  /**
   * Intra-op threads for ONNX Runtime: per worker on the CPU (default 1), for the one session on a GPU or with
   * `workers: 0` (default: ONNX Runtime's choice, the number of physical cores).
   */
  threads?: number;
  /**
   * CPU only: how many worker threads run inference, each with its own session (default: the cores ÷ `threads`, at
   * most 8). `0` runs the session on the calling thread, which it then holds during every forward pass.
   */
  workers?: number;
  /** Images per forward pass (default 8). */
  batchSize?: number;
  /** Largest image accepted, in pixels (width × height from the header, checked before decoding). Default 100 MP. */
  maxPixels?: number;
  /** Folder holding the built model (default: the package's own model/ folder). */
  modelDir?: string;
  /** How the feature map becomes the vector: 'gem' (default) or 'avg' (see `Pooling`); part of `info().modelId`. */
  pooling?: Pooling;
  /**
   * Which build of the network runs (see `Precision`); part of `info().modelId` (int8 vectors never mix with fp32
   * ones). Default: `DEFAULT_PRECISION`.
   */
  precision?: Precision;
  /**
   * Options passed as they are to the provider (ONNX Runtime's own keys): e.g. `{ webgpu: { preferredLayout: 'NHWC' },
   * cuda: { deviceId: 1 } }`. onnxruntime-node 1.30 accepts for webgpu only `preferredLayout`, `validationMode`,
   * `enableRobustness`, `forceCpuNodeNames` and the `*BufferCacheMode` keys, and throws on any other (the provider is
   * then unavailable, with that message as the reason).
   */
  providerOptions?: { cuda?: Record<string, unknown>; webgpu?: Record<string, unknown> };
  /**
   * Refuse a GPU session in which any node of the model would run on the CPU (ONNX Runtime's
   * `session.disable_cpu_ep_fallback`): with it, a GPU provider is used only if it runs the whole model. Proves full
   * placement in tests; with `device: 'auto'` a provider that cannot is skipped with that reason. Default false.
   */
  requireFullGpuPlacement?: boolean;
  logger?: Logger;
}

export interface EmbedderInfo {
  /** Identifies the vectors (network + pooling, `vectorModelId`): vectors with different ids are not comparable. */
  modelId: string;
  pooling: Pooling;
  precision: Precision;
  /** Length of the feature vector. */
  dim: number;
  classes: number;
  inputSize: [number, number];
  /** The execution provider actually in use. */
  provider: 'cpu' | 'cuda' | 'webgpu' | 'wasm';
  /** Why each provider tried before the active one was skipped, or why it stopped being used ("failed during a run"). */
  skipped: Array<{ provider: string; reason: string }>;
  /** Intra-op threads of each session (undefined: ONNX Runtime's choice). */
  threads: number | undefined;
  /** Inference worker threads (the CPU pool); 0 when the session runs on the calling thread (a GPU, or `workers: 0`). */
  workers: number;
  batchSize: number;
  /**
   * Since the embedder was made, in milliseconds of wall time summed over batches (which overlap one another):
   * decoding and resizing, and inference from a batch's hand-over to its outputs (a wait for a free worker included).
   */
  timings: { decodeMs: number; inferenceMs: number; images: number };
}

export interface Embedder {
  /** L2-normalised feature vectors. */
  embed(images: ImageInput[]): Promise<Float32Array[]>;
  classify(images: ImageInput[], options?: { topK?: number }): Promise<ClassifyResult[]>;
  /** Classes and the vector from one forward pass, without boxes (a detector's crops: their labels and vectors). */
  classifyAndEmbed(images: ImageInput[], options?: { topK?: number }): Promise<ClassifyAndEmbedResult[]>;
  localize(images: ImageInput[], options?: LocalizeOptions): Promise<LocalizeResult[]>;
  /** Classes, vector and boxes from one forward pass. */
  analyze(images: ImageInput[], options?: AnalyzeOptions): Promise<ImageAnalysis[]>;
  /**
   * Streams any number of images through batched inference, decoding the next batch while the current one runs.
   * Bad images yield `{ ok: false, error }` and the stream goes on. Results come in input order.
   */
  analyzeEach(images: Iterable<ImageInput> | AsyncIterable<ImageInput>, options?: AnalyzeOptions): AsyncGenerator<Settled<ImageAnalysis>>;
  /**
   * Classes and the last feature map, optionally at a larger input than the vectors' 224×224 (448 → a 14×14 map), for
   * finer class activation maps (object masks). No vector: one made at another size would not match stored ones.
   */
  featureMaps(images: ImageInput[], options?: FeatureMapOptions): Promise<FeatureMapResult[]>;
  /** ImageNet's classifier (labels, weights [1000 × 2048]): its rows weight a feature map into a class activation map. */
  classifierHead(): ClassifierHead;
  info(): EmbedderInfo;
  dispose(): Promise<void>;
}
