// The server-side embedder: onnxruntime-node + sharp. One forward pass per batch gives classes, vectors and CAMs.
import sharp from 'sharp';
import * as ort from 'onnxruntime-node';
import { heatmapRGBA } from './cam.ts';
import { decodeImage, DEFAULT_MAX_PIXELS, type DecodedImage } from './decode.ts';
import { DisposedError, InvalidInputError } from './errors.ts';
import { DEFAULT_POOLING, DEFAULT_PRECISION, POOLINGS, PRECISIONS, vectorModelId } from './model-files.ts';
import { loadModelFiles } from './model-store.ts';
import { featureMapAt, imageVector, INPUT_SIZE, localizeClasses, topPredictions, vectorOutput, type ClassifierHead } from './postprocess.ts';
import { toNHWCBatch } from './preprocess.ts';
import { openPooledSession, poolLayout } from './inference-pool.ts';
import { cudaUnavailableReason, openSession, webgpuUnavailableReason, type ProviderSession, type SessionSettings } from './providers.ts';
import type {
  AnalyzeOptions,
  Embedder,
  EmbedderInfo,
  EmbedderOptions,
  ImageAnalysis,
  ImageInput,
  Settled,
} from './types.ts';

type OutputName = 'probabilities' | 'features' | 'feature_map';

interface Needs {
  outputs: OutputName[];
  boxes: boolean;
  vector: boolean;
  /** Attach the feature map without localizing (featureMaps). */
  featureMap?: boolean;
  /** Side of the square the images are resized to (INPUT_SIZE unless featureMaps asks for a finer map). */
  size?: number;
}

/** Larger inputs give finer maps (448 → 14×14); the network needs multiples of 32 and gets slow past 1024. */
const MAX_INPUT_SIZE = 1024;

async function renderHeatmap(
  map: NonNullable<ReturnType<typeof localizeClasses>['topMap']>,
  classId: number,
  image: DecodedImage,
  maxSide: number,
): Promise<ImageAnalysis['heatmap']> {
  const scale = Math.min(1, maxSide / Math.max(image.width, image.height));
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  const rgba = heatmapRGBA(map, image.region, image.width, image.height, width, height);
  const png = await sharp(Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength), { raw: { width, height, channels: 4 } })
    .png()
    .toBuffer();
  return { png: new Uint8Array(png), width, height, classId };
}

async function* batches<T>(items: Iterable<T> | AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let batch: T[] = [];
  for await (const item of items) {
    batch.push(item);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/**
 * The session the embedder runs on, with the pool's layout (`workers` 0: one session on this thread). On the CPU, a
 * pool of worker threads (inference-pool.ts) unless `workers: 0`; on a GPU, one session in this thread, and a GPU
 * provider that fails during a run is replaced by the CPU and the same batch is rerun (see openSession).
 */
async function openRunner(onnxPath: string, options: EmbedderOptions, settings: SessionSettings): Promise<{ session: ProviderSession; workers: number; threads: number | undefined }> {
  const device = options.device ?? 'auto';
  const layout = poolLayout(options);
  const inThread = async () => ({ session: await openSession(onnxPath, device, settings), workers: 0, threads: options.threads });
  if (layout.workers === 0) return inThread();
  let skipped: ProviderSession['skipped'];
  const gpuReasons = device === 'auto' ? { cuda: cudaUnavailableReason(), webgpu: webgpuUnavailableReason({ forAuto: true }) } : {};
  if (device === 'cpu' || (device === 'auto' && gpuReasons.cuda !== undefined && gpuReasons.webgpu !== undefined)) {
    // 'auto' can only end on the CPU: the pool is opened straight away (no session in this thread first)
    skipped = Object.entries(gpuReasons).map(([provider, reason]) => ({ provider, reason: reason! }));
    for (const s of skipped) settings.logger?.info?.({ provider: s.provider, reason: s.reason }, `skipped execution provider ${s.provider}: ${s.reason}`);
    settings.logger?.info?.({ provider: 'cpu', workers: layout.workers, threads: layout.threads }, `using execution provider cpu in ${layout.workers} worker thread(s)`);
  } else {
    const tried = await inThread();
    if (tried.session.provider !== 'cpu') return tried;
    // 'auto' tried a GPU and ended on the CPU: the pool takes over from the session in this thread
    skipped = tried.session.skipped;
    await tried.session.release();
  }
  const pool = await openPooledSession(onnxPath, { ...layout, sessionConfig: settings.sessionConfig });
  return { session: { ...pool, skipped }, workers: layout.workers, threads: layout.threads };
}

export async function createEmbedder(options: EmbedderOptions = {}): Promise<Embedder> {
  const batchSize = options.batchSize ?? 8;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InvalidInputError(`batchSize must be a positive integer, got ${batchSize}`);
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const pooling = options.pooling ?? DEFAULT_POOLING;
  if (!POOLINGS.includes(pooling)) throw new InvalidInputError(`pooling must be one of ${POOLINGS.join(', ')}, got ${String(pooling)}`);
  const precision = options.precision ?? DEFAULT_PRECISION;
  if (!PRECISIONS.includes(precision))
    throw new InvalidInputError(`precision must be one of ${PRECISIONS.join(', ')}, got ${String(precision)}`);
  // The average-pooled vector is the model's own `features` output; GeM is computed here from the feature map.
  const ALL: Needs = { outputs: [...new Set<OutputName>(['probabilities', 'feature_map', vectorOutput(pooling)])], boxes: true, vector: true };
  const logger = options.logger;
  const model = await loadModelFiles(options.modelDir, precision);
  const head: ClassifierHead = model.head;
  const settings = {
    threads: options.threads,
    providerOptions: options.providerOptions,
    requireFullGpuPlacement: options.requireFullGpuPlacement,
    logger,
  };
  const runner = await openRunner(model.onnxPath, options, settings);
  let session: ProviderSession | undefined = runner.session;
  const { workers, threads } = runner;
  const timings = { decodeMs: 0, inferenceMs: 0, images: 0 };

  async function run(pixels: Uint8Array[], outputs: OutputName[], size: number): Promise<Record<OutputName, ort.Tensor>> {
    if (!session) throw new DisposedError();
    const input = new ort.Tensor('float32', toNHWCBatch(pixels, size), [pixels.length, size, size, 3]);
    return (await session.run({ pixels: input }, outputs)) as Record<OutputName, ort.Tensor>;
  }

  async function* analyzeEach(
    images: Iterable<ImageInput> | AsyncIterable<ImageInput>,
    opts: AnalyzeOptions = {},
    needs: Needs,
  ): AsyncGenerator<Settled<ImageAnalysis>> {
    if (!session) throw new DisposedError();
    const topK = opts.topK ?? 5;
    const size = needs.size ?? INPUT_SIZE;
    const heatmap = opts.heatmap ? { maxSide: typeof opts.heatmap === 'object' ? (opts.heatmap.maxSide ?? 512) : 512 } : undefined;
    let index = 0;
    const decodeBatch = (batch: ImageInput[]) => {
      const first = index;
      index += batch.length;
      return Promise.all(
        batch.map((input, i) =>
          decodeImage(input, size, maxPixels).then(
            (value) => ({ index: first + i, ok: true as const, value }),
            (error: Error) => ({ index: first + i, ok: false as const, error }),
          ),
        ),
      );
    };
    // A batch is decoded, then run; as many batches are in flight as there are workers, plus one being decoded, so
    // that decoding overlaps inference and every worker has a batch. Results still come out in input order.
    const decodeAndRun = async (batch: ImageInput[]) => {
      const decoding = performance.now();
      const decoded = await decodeBatch(batch);
      const good = decoded.filter((d) => d.ok);
      const inferring = performance.now();
      timings.decodeMs += inferring - decoding;
      const out = good.length > 0 ? await run(good.map((d) => d.value.pixels), needs.outputs, size) : undefined;
      timings.inferenceMs += performance.now() - inferring;
      timings.images += good.length;
      return { decoded, out };
    };
    const inFlight: Array<ReturnType<typeof decodeAndRun>> = [];
    const depth = Math.max(1, workers) + 1;
    const source = batches(images, batchSize);
    try {
      for (let next = await source.next(); !next.done || inFlight.length > 0; ) {
        while (!next.done && inFlight.length < depth) {
          const started = decodeAndRun(next.value);
          started.catch(() => undefined); // awaited in turn below; not an unhandled rejection meanwhile
          inFlight.push(started);
          next = await source.next();
        }
        const { decoded, out } = await inFlight.shift()!;
        let row = 0;
        for (const d of decoded) {
          if (!d.ok) {
            yield { index: d.index, ok: false, error: d.error };
            continue;
          }
          const n = row++;
          const image = d.value;
          const analysis: ImageAnalysis = { width: image.width, height: image.height, predictions: [], vector: new Float32Array(0), boxes: [] };
          if (out?.probabilities) {
            const classes = out.probabilities.dims[1]!;
            const probs = (out.probabilities.data as Float32Array).subarray(n * classes, (n + 1) * classes);
            analysis.predictions = topPredictions(probs, head.labels, Math.max(topK, opts.topK ?? 0));
          }
          const slice = out?.feature_map ? featureMapAt(out.feature_map, n) : undefined;
          if (needs.vector && out) analysis.vector = imageVector(pooling, n, out.features, slice);
          if (needs.featureMap && slice) analysis.featureMap = { ...slice, data: slice.data.slice(), region: { ...image.region } };
          if (needs.boxes && slice) {
            const { boxes, topMap } = localizeClasses(slice, head, analysis.predictions, image.region, opts);
            analysis.boxes = boxes;
            if (opts.featureMap) analysis.featureMap = { ...slice, data: slice.data.slice(), region: { ...image.region } };
            if (heatmap && topMap) analysis.heatmap = await renderHeatmap(topMap, analysis.predictions[0]!.classId, image, heatmap.maxSide);
          }
          yield { index: d.index, ok: true, value: analysis };
        }
      }
    } finally {
      await Promise.all(inFlight.map((p) => p.catch(() => undefined)));
    }
  }

  async function collect(images: ImageInput[], opts: AnalyzeOptions, needs: Needs): Promise<ImageAnalysis[]> {
    if (!Array.isArray(images)) throw new InvalidInputError('images must be an array');
    const results: ImageAnalysis[] = [];
    for await (const r of analyzeEach(images, opts, needs)) {
      if (!r.ok) throw r.error;
      results.push(r.value);
    }
    return results;
  }

  const embedder: Embedder = {
    async embed(images) {
      const results = await collect(images, {}, { outputs: [vectorOutput(pooling)], boxes: false, vector: true });
      return results.map((r) => r.vector);
    },
    async classify(images, opts = {}) {
      const results = await collect(images, opts, { outputs: ['probabilities'], boxes: false, vector: false });
      return results.map(({ width, height, predictions }) => ({ width, height, predictions }));
    },
    async classifyAndEmbed(images, opts = {}) {
      const results = await collect(images, opts, { outputs: ['probabilities', vectorOutput(pooling)], boxes: false, vector: true });
      return results.map(({ width, height, predictions, vector }) => ({ width, height, predictions, vector }));
    },
    async localize(images, opts = {}) {
      const results = await collect(images, opts, { outputs: ['probabilities', 'feature_map'], boxes: true, vector: false });
      return results.map(({ width, height, predictions, boxes, heatmap }) => ({ width, height, predictions, boxes, ...(heatmap ? { heatmap } : {}) }));
    },
    async featureMaps(images, opts = {}) {
      const size = opts.inputSize ?? INPUT_SIZE;
      if (!Number.isInteger(size) || size < 32 || size > MAX_INPUT_SIZE || size % 32 !== 0)
        throw new InvalidInputError(`inputSize must be a multiple of 32 from 32 to ${MAX_INPUT_SIZE}, got ${size}`);
      const results = await collect(images, opts, { outputs: ['probabilities', 'feature_map'], boxes: false, vector: false, featureMap: true, size });
      return results.map(({ width, height, predictions, featureMap }) => ({ width, height, predictions, featureMap: featureMap! }));
    },
    classifierHead: () => head,
    analyze: (images, opts = {}) => collect(images, opts, ALL),
    analyzeEach: (images, opts = {}) => analyzeEach(images, opts, ALL),
    info(): EmbedderInfo {
      if (!session) throw new DisposedError();
      return {
        modelId: vectorModelId(pooling, precision),
        pooling,
        precision,
        dim: model.manifest.featureDim,
        classes: model.manifest.classes,
        inputSize: [INPUT_SIZE, INPUT_SIZE],
        provider: session.provider,
        skipped: [...session.skipped],
        threads,
        workers,
        batchSize,
        timings: { ...timings },
      };
    },
    async dispose() {
      const current = session;
      session = undefined;
      await current?.release();
    },
  };
  return embedder;
}
