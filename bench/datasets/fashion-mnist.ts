// Fashion-MNIST (Zalando Research, MIT licence; Debian package `dataset-fashion-mnist`): 60,000 training and 10,000
// test images, 28×28 greyscale, 10 clothing classes. A reusable loader: fetches the Debian package into a gitignored
// cache folder on first use (never committed), parses the gzipped idx files, and hands out labelled images as raw
// greyscale, raw RGB (what `embedder.embed([{ data, width, height, channels: 3 }])` takes) or PNG bytes.
//
//   import { loadFashionMnist, FASHION_MNIST_CLASSES } from '../datasets/fashion-mnist.ts';
//   const train = await loadFashionMnist('train');             // { count, labels, pixels, … }
//   const { label, rgb } = train.image(0);                      // rgb: { data, width: 28, height: 28, channels: 3 }
//   const png = await train.png(0);                             // Uint8Array, a 28×28 greyscale PNG
//   for (const img of train.each({ offset: 0, limit: 1000 })) …          // labelled images in order
//   stratifiedSubset(train, 100)                                // the first 100 indices of each class
//
// Where the files come from, first match wins:
//   1. the folder in LOUPE_FASHION_MNIST_DIR (the four *-ubyte.gz files);
//   2. an installed package (`apt-get install dataset-fashion-mnist`): /usr/share/datasets/fashion-mnist;
//   3. the cache: <repo>/.cache/datasets/fashion-mnist, filled by `apt-get download dataset-fashion-mnist` +
//      `dpkg-deb -x` (runs `apt-get update` once if the download fails for want of a package list).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import sharp from 'sharp';
import { extractDebianPackage } from './debian.ts';

export const FASHION_MNIST_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;

/** The same names (kept for callers written against the first version of this module). */
export const FASHION_MNIST_LABELS = FASHION_MNIST_CLASSES;

export const FASHION_MNIST_SIZE = 28;
const PIXELS = FASHION_MNIST_SIZE * FASHION_MNIST_SIZE;
const PACKAGE = 'dataset-fashion-mnist';
const PACKAGE_DIR = join('usr', 'share', 'datasets', 'fashion-mnist');
const FILES = {
  train: { images: 'train-images-idx3-ubyte.gz', labels: 'train-labels-idx1-ubyte.gz', count: 60_000 },
  test: { images: 't10k-images-idx3-ubyte.gz', labels: 't10k-labels-idx1-ubyte.gz', count: 10_000 },
} as const;

export type Split = keyof typeof FILES;

/** The repository's gitignored cache folder for data sets. */
export const DEFAULT_CACHE_DIR = fileURLToPath(new URL('../../.cache/datasets/', import.meta.url));

export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 3;
}

export interface LabelledImage {
  /** Position in the split. */
  index: number;
  /** Class number 0–9. */
  label: number;
  className: (typeof FASHION_MNIST_CLASSES)[number];
  /** 28×28 greyscale, row-major; 0 = black background, 255 = brightest. A view into the split's buffer. */
  gray: Uint8Array;
  /** The same picture as raw RGB (grey replicated), for the embedder's raw input. */
  rgb: RgbImage;
}

export interface FashionMnistSplit {
  split: Split;
  count: number;
  width: number;
  height: number;
  rows: number;
  cols: number;
  /** count × 784 greyscale bytes. */
  pixels: Uint8Array;
  /** The same bytes as `pixels`. */
  images: Uint8Array;
  /** count labels, 0–9. */
  labels: Uint8Array;
  image(index: number): LabelledImage;
  /** A PNG (greyscale, 28×28) of one image. */
  png(index: number): Promise<Uint8Array>;
  /** Labelled images in split order, from `offset` (default 0), at most `limit`. */
  each(range?: { offset?: number; limit?: number }): Generator<LabelledImage>;
}

function hasFiles(dir: string): boolean {
  return Object.values(FILES).every((f) => existsSync(join(dir, f.images)) && existsSync(join(dir, f.labels)));
}

/**
 * Returns a folder holding the four idx .gz files, fetching the Debian package into `cacheDir` when needed.
 * Throws with the manual fix when neither an installed copy nor `apt-get` is available.
 */
export function ensureFashionMnist(options: { cacheDir?: string; env?: NodeJS.ProcessEnv; log?: (line: string) => void } = {}): string {
  const env = options.env ?? process.env;
  const fromEnv = env.LOUPE_FASHION_MNIST_DIR;
  if (fromEnv) {
    if (!hasFiles(fromEnv)) throw new Error(`LOUPE_FASHION_MNIST_DIR=${fromEnv} lacks the Fashion-MNIST idx .gz files`);
    return fromEnv;
  }
  const system = join('/', PACKAGE_DIR);
  if (hasFiles(system)) return system;
  const root = join(options.cacheDir ?? DEFAULT_CACHE_DIR, 'fashion-mnist');
  const dir = join(root, PACKAGE_DIR);
  if (hasFiles(dir)) return dir;

  try {
    extractDebianPackage(PACKAGE, root, options.log);
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new Error(
      `Fashion-MNIST is not available (${detail}). On Debian/Ubuntu: apt-get install ${PACKAGE}; elsewhere put the four ` +
        `*-ubyte.gz files from the Fashion-MNIST release in a folder and set LOUPE_FASHION_MNIST_DIR to it.`,
    );
  }
  if (!hasFiles(dir)) throw new Error(`${PACKAGE} was unpacked into ${root} but its idx files are missing`);
  return dir;
}

function readIdx(file: string, magic: number, expectDims: number): { dims: number[]; body: Uint8Array } {
  const bytes = gunzipSync(readFileSync(file));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const got = view.getUint32(0, false);
  if (got !== magic) throw new Error(`${file}: idx magic ${got}, expected ${magic}`);
  const dims = Array.from({ length: expectDims }, (_, i) => view.getUint32(4 + 4 * i, false));
  const offset = 4 + 4 * expectDims;
  const body = new Uint8Array(bytes.buffer, bytes.byteOffset + offset, bytes.byteLength - offset);
  const want = dims.reduce((a, b) => a * b, 1);
  if (body.length !== want) throw new Error(`${file}: ${body.length} data bytes, expected ${want}`);
  return { dims, body };
}

/** Greyscale (one channel) → RGB (three equal channels). */
export function grayToRgb(gray: Uint8Array, width = FASHION_MNIST_SIZE, height = FASHION_MNIST_SIZE): RgbImage {
  const data = new Uint8Array(gray.length * 3);
  for (let i = 0; i < gray.length; i++) {
    const v = gray[i]!;
    data[3 * i] = v;
    data[3 * i + 1] = v;
    data[3 * i + 2] = v;
  }
  return { data, width, height, channels: 3 };
}

const cache = new Map<Split, FashionMnistSplit>();

/** Loads one split (parsed once per process). */
export async function loadFashionMnist(split: Split, options: { cacheDir?: string; log?: (line: string) => void } = {}): Promise<FashionMnistSplit> {
  return readFashionMnist(split, options);
}

/** The synchronous form of loadFashionMnist (the files are small: 30 MB gzipped in all). */
export function readFashionMnist(split: Split, options: { cacheDir?: string; log?: (line: string) => void } = {}): FashionMnistSplit {
  const hit = cache.get(split);
  if (hit) return hit;
  const dir = ensureFashionMnist(options);
  const spec = FILES[split];
  const images = readIdx(join(dir, spec.images), 2051, 3);
  const labels = readIdx(join(dir, spec.labels), 2049, 1);
  const [count, rows, cols] = images.dims as [number, number, number];
  if (rows !== FASHION_MNIST_SIZE || cols !== FASHION_MNIST_SIZE) throw new Error(`unexpected image size ${rows}×${cols}`);
  if (count !== spec.count || labels.dims[0] !== count) throw new Error(`unexpected counts: ${count} images, ${labels.dims[0]} labels`);
  const pixels = images.body;
  const labelBytes = labels.body;
  for (const l of labelBytes) if (l > 9) throw new Error(`label ${l} out of range`);

  const image = (index: number): LabelledImage => {
    if (!Number.isInteger(index) || index < 0 || index >= count) throw new RangeError(`image ${index} outside 0…${count - 1}`);
    const gray = pixels.subarray(index * PIXELS, (index + 1) * PIXELS);
    const label = labelBytes[index]!;
    return { index, label, className: FASHION_MNIST_CLASSES[label]!, gray, rgb: grayToRgb(gray) };
  };
  const result: FashionMnistSplit = {
    split,
    count,
    width: FASHION_MNIST_SIZE,
    height: FASHION_MNIST_SIZE,
    rows: FASHION_MNIST_SIZE,
    cols: FASHION_MNIST_SIZE,
    pixels,
    images: pixels,
    labels: labelBytes,
    image,
    async png(index) {
      const { gray } = image(index);
      const out = await sharp(Buffer.from(gray), { raw: { width: FASHION_MNIST_SIZE, height: FASHION_MNIST_SIZE, channels: 1 } })
        .png()
        .toBuffer();
      return new Uint8Array(out);
    },
    *each(range: { offset?: number; limit?: number } = {}) {
      const offset = range.offset ?? 0;
      const end = Math.min(count, offset + (range.limit ?? count));
      for (let i = offset; i < end; i++) yield image(i);
    },
  };
  cache.set(split, result);
  return result;
}

/**
 * The first `perClass` images of each class, in split order (ascending indices): a class-balanced subset that is the
 * same on every run. Throws if a class has fewer images.
 */
export function stratifiedSubset(data: Pick<FashionMnistSplit, 'labels'>, perClass: number): number[] {
  const taken = new Array<number>(FASHION_MNIST_CLASSES.length).fill(0);
  const chosen: number[] = [];
  for (let i = 0; i < data.labels.length && chosen.length < perClass * taken.length; i++) {
    const l = data.labels[i]!;
    if (taken[l]! < perClass) {
      taken[l]!++;
      chosen.push(i);
    }
  }
  if (chosen.length < perClass * taken.length) throw new RangeError(`fewer than ${perClass} images in some class`);
  return chosen;
}
