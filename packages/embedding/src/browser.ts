// @loupe/embedding/browser — the same model and post-processing on onnxruntime-web (WebAssembly, or WebGPU where the
// browser has it). Takes decoded pixels (canvas ImageData, or any RGB/RGBA buffer); no sharp, no file system.
import * as ort from 'onnxruntime-web';
import { InvalidInputError, DisposedError } from './errors.ts';
import { DEFAULT_POOLING, POOLINGS, vectorModelId, type Pooling } from './model-files.ts';
import { featureMapAt, imageVector, INPUT_SIZE, localizeClasses, topPredictions, displayLabel, vectorOutput } from './postprocess.ts';
import { clampRegion, resizeToSquareRGB, toNHWCBatch, validateRawImage } from './preprocess.ts';
import type { ImageAnalysis, LocalizeOptions, RawImage, Rect } from './types.ts';

export type BrowserImageInput = RawImage | { source: RawImage; region?: Rect };

export interface BrowserEmbedderOptions {
  /** The ONNX model: a URL to fetch (the fp16 variant is the one meant for browsers) or its bytes. */
  model: string | Uint8Array;
  /** ImageNet class names in index order (model/labels.json); underscores are shown as spaces. */
  labels: string[];
  /** Classifier weights [classes × dim] (model/resnet50.classifier.bin); without them no boxes are computed. */
  classifierWeights?: Float32Array;
  /** How the feature map becomes the vector — must match the server's for in-browser search (default 'gem'). */
  pooling?: Pooling;
  /** 'wasm' (default) or 'webgpu'. */
  executionProviders?: Array<'wasm' | 'webgpu'>;
  /** Where the onnxruntime-web .wasm files are served from (sets ort.env.wasm.wasmPaths). */
  wasmPaths?: string;
  /** WebAssembly threads (need cross-origin isolation in browsers). */
  threads?: number;
}

export interface BrowserEmbedder {
  analyze(images: BrowserImageInput[], options?: LocalizeOptions & { topK?: number }): Promise<ImageAnalysis[]>;
  embed(images: BrowserImageInput[]): Promise<Float32Array[]>;
  info(): { modelId: string; pooling: Pooling; dim: number; provider: string };
  dispose(): Promise<void>;
}

export async function createBrowserEmbedder(options: BrowserEmbedderOptions): Promise<BrowserEmbedder> {
  if (options.wasmPaths) ort.env.wasm.wasmPaths = options.wasmPaths;
  if (options.threads) ort.env.wasm.numThreads = options.threads;
  const providers = options.executionProviders ?? ['wasm'];
  const pooling = options.pooling ?? DEFAULT_POOLING;
  if (!POOLINGS.includes(pooling)) throw new InvalidInputError(`pooling must be one of ${POOLINGS.join(', ')}, got ${String(pooling)}`);
  let bytes: Uint8Array;
  if (typeof options.model === 'string') {
    const response = await fetch(options.model);
    if (!response.ok) throw new InvalidInputError(`cannot fetch the model from ${options.model}: HTTP ${response.status}`);
    bytes = new Uint8Array(await response.arrayBuffer());
  } else bytes = options.model;
  let session: ort.InferenceSession | undefined = await ort.InferenceSession.create(bytes, {
    executionProviders: providers,
    graphOptimizationLevel: 'all',
  });
  const labels = options.labels.map(displayLabel);
  const dim = options.classifierWeights ? options.classifierWeights.length / labels.length : 2048;
  const head = options.classifierWeights ? { labels, weights: options.classifierWeights, dim } : undefined;

  async function analyze(images: BrowserImageInput[], opts: LocalizeOptions & { topK?: number } = {}): Promise<ImageAnalysis[]> {
    if (!session) throw new DisposedError();
    if (images.length === 0) return [];
    const prepared = images.map((input) => {
      const { source, region } = 'source' in input ? input : { source: input, region: undefined };
      validateRawImage(source);
      const clamped = clampRegion(region, source.width, source.height);
      return { source, region: clamped, pixels: resizeToSquareRGB(source, clamped, INPUT_SIZE) };
    });
    const tensor = new ort.Tensor('float32', toNHWCBatch(prepared.map((p) => p.pixels), INPUT_SIZE), [
      prepared.length,
      INPUT_SIZE,
      INPUT_SIZE,
      3,
    ]);
    const fetches = [...new Set(['probabilities', vectorOutput(pooling), ...(head ? ['feature_map'] : [])])];
    const out = await session.run({ pixels: tensor }, fetches);
    const probs = out.probabilities!;
    const classes = probs.dims[1]!;
    return prepared.map((p, n) => {
      const predictions = topPredictions((probs.data as Float32Array).subarray(n * classes, (n + 1) * classes), labels, opts.topK ?? 5);
      const map = out.feature_map ? featureMapAt(out.feature_map, n) : undefined;
      const vector = imageVector(pooling, n, out.features, map);
      const boxes: ImageAnalysis['boxes'] = head && map ? localizeClasses(map, head, predictions, p.region, opts).boxes : [];
      return { width: p.source.width, height: p.source.height, predictions, vector, boxes };
    });
  }

  return {
    analyze,
    async embed(images) {
      return (await analyze(images)).map((a) => a.vector);
    },
    info: () => ({ modelId: vectorModelId(pooling), pooling, dim, provider: providers[0]! }),
    async dispose() {
      const s = session;
      session = undefined;
      await s?.release();
    },
  };
}

export { turbo, heatmapRGBA, classActivationMap, intersectionOverUnion } from './cam.ts';
export { INPUT_SIZE } from './postprocess.ts';
export { DEFAULT_POOLING, vectorModelId, type Pooling } from './model-files.ts';
export type { Box, ImageAnalysis, Prediction, RawImage, Rect } from './types.ts';
