// ResNet-50 features for the quality benchmarks, with the three poolings compared there — from ONE session.run per
// batch on the same model file Loupe uses:
//   avg — the `features` output: global average pooling, Loupe's vector (after L2 normalisation);
//   gem — generalised mean pooling, p = 3, of the last feature map (Radenović et al. 2018);
//   cam — the feature map pooled with weights relu(CAM of the top-1 ImageNet class), normalised to sum 1 (the class
//         activation map Loupe already computes for boxes, used as a spatial attention).
// Vectors are cached per model and image under .cache/bench/features, so a rerun only embeds what is new.
// `checkParity` proves the `avg` and `gem` vectors equal what `embedder.embed()` returns for the same picture.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { classActivationMap, createEmbedder, defaultModelDir, INPUT_SIZE, MODEL_FILES, poolFeatureMap, type ModelManifest, type RawImage } from '@loupe/embedding';
import { CACHE_DIR } from './common.ts';

export const DIM = 2048;
export const POOLINGS = ['avg', 'gem', 'cam'] as const;
export type Pooling = (typeof POOLINGS)[number];

export interface Extractor {
  modelKey: string;
  /** One forward pass per call; images are 224×224 RGB (HWC bytes). Returns L2-normalised vectors per pooling. */
  run(images: Uint8Array[]): Promise<Record<Pooling, Float32Array>[]>;
  release(): Promise<void>;
}

function l2normalize(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
  for (let i = 0; i < v.length; i++) v[i]! *= inv;
  return v;
}

export async function openExtractor(options: { threads?: number; modelDir?: string } = {}): Promise<Extractor> {
  const dir = options.modelDir ?? defaultModelDir();
  const manifest = JSON.parse(await readFile(join(dir, MODEL_FILES.manifest), 'utf8')) as ModelManifest;
  const classifierBytes = await readFile(join(dir, MODEL_FILES.classifier));
  const head = new Float32Array(classifierBytes.buffer, classifierBytes.byteOffset, manifest.classes * manifest.featureDim);
  const session = await ort.InferenceSession.create(join(dir, MODEL_FILES.fp32), {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    ...(options.threads ? { intraOpNumThreads: options.threads, interOpNumThreads: 1 } : {}),
  });
  const modelKey = manifest.files[MODEL_FILES.fp32]?.sha256.slice(0, 12) ?? manifest.id;
  return {
    modelKey,
    async run(images) {
      const n = images.length;
      const per = INPUT_SIZE * INPUT_SIZE * 3;
      const input = new Float32Array(n * per);
      images.forEach((img, i) => input.set(img, i * per));
      const out = await session.run({ pixels: new ort.Tensor('float32', input, [n, INPUT_SIZE, INPUT_SIZE, 3]) }, [
        'features',
        'feature_map',
        'probabilities',
      ]);
      const features = out.features!.data as Float32Array;
      const map = out.feature_map!.data as Float32Array;
      const probs = out.probabilities!.data as Float32Array;
      const [, , h, w] = out.feature_map!.dims as [number, number, number, number];
      const hw = h * w;
      const classes = manifest.classes;
      const result: Record<Pooling, Float32Array>[] = [];
      for (let b = 0; b < n; b++) {
        const avg = l2normalize(features.slice(b * DIM, (b + 1) * DIM));
        const base = b * DIM * hw;
        const own = map.subarray(base, base + DIM * hw);
        const gem = poolFeatureMap({ data: own, channels: DIM, height: h, width: w }, 'gem');
        // CAM of the top-1 class.
        let top = 0;
        for (let k = 1; k < classes; k++) if (probs[b * classes + k]! > probs[b * classes + top]!) top = k;
        const cam = classActivationMap(own, DIM, h, w, head, top).values;
        let total = 0;
        for (let x = 0; x < hw; x++) total += (cam[x] = Math.max(0, cam[x]!));
        const camPooled = new Float32Array(DIM);
        if (total > 0) {
          for (let c = 0; c < DIM; c++) {
            let s = 0;
            for (let x = 0; x < hw; x++) s += (cam[x]! / total) * map[base + c * hw + x]!;
            camPooled[c] = s;
          }
        } else camPooled.set(features.subarray(b * DIM, (b + 1) * DIM));
        result.push({ avg, gem: l2normalize(gem), cam: l2normalize(camPooled) });
      }
      return result;
    },
    release: () => session.release(),
  };
}

/**
 * A small square greyscale image (28×28) → 224×224 RGB the way Loupe's shared resize upscales: linear interpolation
 * between the two nearest source pixels, half-pixel centres, clamped at the edges (packages/embedding/src/preprocess.ts
 * `axisTaps`). `checkParity` proves the result gives the same vector as `embedder.embed()` on the raw picture.
 */
export function upscaleGray(gray: Uint8Array, side: number): Uint8Array {
  const taps = Array.from({ length: INPUT_SIZE }, (_, o) => {
    const u = Math.min(Math.max((o + 0.5) * (side / INPUT_SIZE) - 0.5, 0), side - 1);
    const i0 = Math.floor(u);
    const f = u - i0;
    return i0 + 1 < side ? { i0, w0: 1 - f, w1: f } : { i0, w0: 1, w1: 0 };
  });
  // horizontal pass into floats, then vertical, rounding once at the end (as Loupe does)
  const rows = new Float32Array(side * INPUT_SIZE);
  for (let y = 0; y < side; y++)
    for (let x = 0; x < INPUT_SIZE; x++) {
      const t = taps[x]!;
      rows[y * INPUT_SIZE + x] = gray[y * side + t.i0]! * Math.fround(t.w0) + (t.w1 ? gray[y * side + t.i0 + 1]! * Math.fround(t.w1) : 0);
    }
  const out = new Uint8Array(INPUT_SIZE * INPUT_SIZE * 3);
  for (let y = 0; y < INPUT_SIZE; y++) {
    const t = taps[y]!;
    for (let x = 0; x < INPUT_SIZE; x++) {
      const v = rows[t.i0 * INPUT_SIZE + x]! * Math.fround(t.w0) + (t.w1 ? rows[(t.i0 + 1) * INPUT_SIZE + x]! * Math.fround(t.w1) : 0);
      const b = Math.min(255, Math.max(0, Math.round(v)));
      const o = (y * INPUT_SIZE + x) * 3;
      out[o] = b;
      out[o + 1] = b;
      out[o + 2] = b;
    }
  }
  return out;
}

/**
 * Per-image feature cache: one append-only file `<name>.rec` of records [u32 image id, 3 poolings × 2048 float32].
 * Each batch is one append (one write call), so two processes filling the same cache do not interleave records;
 * a torn last record (an interrupted run) is ignored.
 */
export class FeatureCache {
  private readonly file: string;
  private readonly rows = new Map<number, Float32Array>();
  static readonly FLOATS = POOLINGS.length * DIM;
  static readonly RECORD_BYTES = 4 + FeatureCache.FLOATS * 4;

  constructor(name: string, modelKey: string) {
    const dir = join(CACHE_DIR, 'features', modelKey);
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, `${name}.rec`);
    if (existsSync(this.file)) {
      const bytes = readFileSync(this.file);
      const records = Math.floor(bytes.byteLength / FeatureCache.RECORD_BYTES);
      for (let r = 0; r < records; r++) {
        const at = r * FeatureCache.RECORD_BYTES;
        const id = bytes.readUInt32LE(at);
        const floats = new Float32Array(FeatureCache.FLOATS);
        new Uint8Array(floats.buffer).set(bytes.subarray(at + 4, at + FeatureCache.RECORD_BYTES));
        this.rows.set(id, floats);
      }
    }
  }

  has(id: number): boolean {
    return this.rows.has(id);
  }

  get(id: number): Record<Pooling, Float32Array> | undefined {
    const row = this.rows.get(id);
    if (row === undefined) return undefined;
    const at = (p: number) => row.subarray(p * DIM, (p + 1) * DIM);
    return { avg: at(0), gem: at(1), cam: at(2) };
  }

  put(entries: Array<{ id: number; features: Record<Pooling, Float32Array> }>): void {
    const block = Buffer.alloc(entries.length * FeatureCache.RECORD_BYTES);
    entries.forEach((e, i) => {
      const at = i * FeatureCache.RECORD_BYTES;
      block.writeUInt32LE(e.id, at);
      const floats = new Float32Array(FeatureCache.FLOATS);
      POOLINGS.forEach((p, j) => floats.set(e.features[p], j * DIM));
      block.set(new Uint8Array(floats.buffer), at + 4);
      this.rows.set(e.id, floats);
    });
    appendFileSync(this.file, block);
  }
}

/**
 * Features of `ids` (any ids the caller can turn into pixels), taken from the cache or computed in batches.
 * Returns one n × 2048 matrix per pooling, rows in the order of `ids`, and how many were computed and how fast.
 */
export async function featuresFor(
  cacheName: string,
  ids: number[],
  pixelsOf: (id: number) => Uint8Array,
  options: { threads?: number; batch?: number; log?: (line: string) => void } = {},
): Promise<{ matrices: Record<Pooling, Float32Array>; computed: number; seconds: number; modelKey: string }> {
  const extractor = await openExtractor({ threads: options.threads });
  const cache = new FeatureCache(cacheName, extractor.modelKey);
  const missing = ids.filter((id) => !cache.has(id));
  const batch = options.batch ?? 16;
  const started = performance.now();
  let lastLog = started;
  for (let i = 0; i < missing.length; i += batch) {
    const chunk = missing.slice(i, i + batch);
    const got = await extractor.run(chunk.map(pixelsOf));
    cache.put(chunk.map((id, j) => ({ id, features: got[j]! })));
    if (options.log && performance.now() - lastLog > 15_000) {
      lastLog = performance.now();
      const rate = (i + chunk.length) / ((lastLog - started) / 1000);
      options.log(`  ${cacheName}: ${i + chunk.length}/${missing.length} embedded, ${rate.toFixed(1)} img/s`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  await extractor.release();
  const matrices = Object.fromEntries(POOLINGS.map((p) => [p, new Float32Array(ids.length * DIM)])) as Record<Pooling, Float32Array>;
  ids.forEach((id, row) => {
    const f = cache.get(id)!;
    for (const p of POOLINGS) matrices[p].set(f[p], row * DIM);
  });
  return { matrices, computed: missing.length, seconds, modelKey: extractor.modelKey };
}

/** Minimum cosine between our vectors of a pooling ('avg' or 'gem') and Loupe's `embedder.embed()` with that pooling. */
export async function checkParity(raws: RawImage[], ours: Float32Array[], pooling: 'avg' | 'gem'): Promise<number> {
  const embedder = await createEmbedder({ device: 'cpu', batchSize: raws.length, pooling });
  try {
    const theirs = await embedder.embed(raws);
    let min = 1;
    theirs.forEach((t, i) => {
      let d = 0;
      for (let k = 0; k < DIM; k++) d += t[k]! * ours[i]![k]!;
      min = Math.min(min, d);
    });
    return min;
  } finally {
    await embedder.dispose();
  }
}
