// In-browser mode: the query's classes, boxes and vector are computed here with onnxruntime-web (WebAssembly) on the
// same model the server uses (its fp16 variant), and only the vector goes to the server. The model files are fetched
// once and kept with the Cache API (keyed by the model's manifest, so a new model replaces the old files).
import type { BrowserEmbedder } from '@loupe/embedding/browser';
import { ApiError, type Rect } from './api';

const MODEL_BASE = '/api/v1/model/';
const CACHE_PREFIX = 'loupe-model-';
/** The browser decodes the whole image; refuse what would not fit in memory (the server's default pixel limit). */
const MAX_PIXELS = 100_000_000;

export type Progress = (message: string) => void;

interface Manifest {
  id: string;
  files?: Record<string, { bytes: number; sha256: string }>;
}

let embedderPromise: Promise<BrowserEmbedder> | undefined;
let activeThreads = 1;

async function fetchWithProgress(url: string, label: string, onProgress?: Progress): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`cannot download ${label}: HTTP ${response.status}`);
  const total = Number(response.headers.get('content-length') ?? 0);
  if (!response.body || !total) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const bytes = new Uint8Array(total);
  let received = 0;
  let lastReport = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (received + value.byteLength > total) throw new Error(`${label} is larger than announced`);
    bytes.set(value, received);
    received += value.byteLength;
    if (onProgress && (received - lastReport > total / 50 || received === total)) {
      lastReport = received;
      onProgress(
        `Downloading ${label}: ${(received / 1e6).toFixed(1)} of ${(total / 1e6).toFixed(1)} MB (${Math.floor((100 * received) / total)}%)`,
      );
    }
  }
  return received === total ? bytes : bytes.subarray(0, received);
}

/** Bytes of a model file, from the Cache API when this model version was fetched before. */
async function modelFile(name: string, version: string, label: string, onProgress?: Progress): Promise<Uint8Array> {
  const url = MODEL_BASE + name;
  const cacheName = CACHE_PREFIX + version;
  const cache = typeof caches === 'undefined' ? undefined : await caches.open(cacheName).catch(() => undefined);
  const hit = await cache?.match(url);
  if (hit) return new Uint8Array(await hit.arrayBuffer());
  const bytes = await fetchWithProgress(url, label, onProgress);
  await cache
    ?.put(url, new Response(bytes as BodyInit, { headers: { 'content-type': 'application/octet-stream' } }))
    .catch(() => undefined);
  return bytes;
}

async function dropOldCaches(keep: string) {
  if (typeof caches === 'undefined') return;
  for (const name of await caches.keys()) if (name.startsWith(CACHE_PREFIX) && name !== keep) await caches.delete(name);
}

/** Loads (once) the browser embedder: model from the cache or the server, wasm runtime from /ort/. */
export function loadBrowserEmbedder(onProgress?: Progress): Promise<BrowserEmbedder> {
  embedderPromise ??= (async () => {
    onProgress?.('Loading the model…');
    const manifestResponse = await fetch(MODEL_BASE + 'manifest.json', { cache: 'no-cache' });
    if (!manifestResponse.ok)
      throw new Error(`the model is not available on this server (HTTP ${manifestResponse.status})`);
    const manifest = (await manifestResponse.json()) as Manifest;
    // The vector must be pooled as the server's are (LOUPE_POOLING): the health check says how.
    const health = await fetch('/api/v1/health', { cache: 'no-store' });
    if (!health.ok)
      throw new Error(`the server is not ready to search yet (HTTP ${health.status}); try again in a moment`);
    const { pooling } = (await health.json()) as { pooling: 'gem' | 'avg' };
    const fp16 = manifest.files?.['resnet50.fp16.onnx']?.sha256 ?? '';
    const version = `${manifest.id}-${fp16.slice(0, 16)}`;
    await dropOldCaches(CACHE_PREFIX + version);
    const [model, labelBytes, classifier] = await Promise.all([
      modelFile('model.onnx', version, 'the model', onProgress),
      modelFile('labels.json', version, 'the labels'),
      modelFile('classifier.bin', version, 'the classifier'),
    ]);
    const labels = JSON.parse(new TextDecoder().decode(labelBytes)) as string[];
    // classifier.bin is the head's weights [classes × 2048] followed by its bias; boxes need the weights.
    const weights = new Float32Array(classifier.slice().buffer, 0, labels.length * 2048);
    onProgress?.('Starting the WebAssembly runtime…');
    const { createBrowserEmbedder } = await import('@loupe/embedding/browser');
    // WebAssembly threads need cross-origin isolation (the app sends COOP/COEP headers); otherwise one thread.
    const threads = self.crossOriginIsolated ? Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1)) : 1;
    activeThreads = threads;
    return createBrowserEmbedder({
      model,
      labels,
      classifierWeights: weights,
      pooling,
      wasmPaths: '/ort/',
      threads,
    });
  })();
  embedderPromise.catch(() => (embedderPromise = undefined));
  return embedderPromise;
}

/** Decodes an image file with the browser's own decoder (EXIF orientation applied) into RGBA pixels. */
export async function decodeInBrowser(
  file: Blob,
): Promise<{ data: Uint8ClampedArray; width: number; height: number; channels: 4 }> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    throw new ApiError(
      0,
      'UNDECODABLE',
      'your browser cannot decode this file as an image: it is corrupt or not an image format the browser supports',
    );
  }
  try {
    const { width, height } = bitmap;
    if (width * height > MAX_PIXELS)
      throw new ApiError(
        0,
        'IMAGE_TOO_LARGE',
        `the image has ${width}×${height} pixels, more than the limit of ${MAX_PIXELS / 1e6} megapixels`,
      );
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) throw new Error('this browser has no 2D canvas');
    context.drawImage(bitmap, 0, 0);
    const image = context.getImageData(0, 0, width, height);
    return { data: image.data, width, height, channels: 4 };
  } finally {
    bitmap.close();
  }
}

export async function analyzeInBrowser(file: Blob, region: Rect | null, onProgress?: Progress) {
  const [embedder, pixels] = await Promise.all([loadBrowserEmbedder(onProgress), decodeInBrowser(file)]);
  onProgress?.('Analysing the image in your browser…');
  const started = performance.now();
  const [analysis] = await embedder.analyze([{ source: pixels, region: region ?? undefined }], { topK: 5 });
  if (!analysis) throw new Error('the browser model returned nothing');
  return {
    analysis,
    ms: Math.round(performance.now() - started),
    provider: embedder.info().provider,
    /** The vector's model id (network + pooling), sent with it so the server can refuse a mismatch. */
    model: embedder.info().modelId,
    threads: activeThreads,
  };
}
