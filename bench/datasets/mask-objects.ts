// Objects with exact masks, cut from real photos of single objects on plain backgrounds by colour thresholds (checked
// by eye: `tsx bench/src/masks.ts --sheet` renders them), for the mask benchmark and the segmentation tests. Each
// photo's rule keeps the pixels that differ from its background, then connected components: the largest one for a
// single-object photo (holes filled), every whole component of some size for the sweets. (opencv-doc's orange.jpg was
// tried and left out: its shadowed side is as dark as the cloth, so no colour rule outlines it exactly.)
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const FIXTURES = fileURLToPath(new URL('../../tests/fixtures/', import.meta.url));

export interface MaskedObject {
  /** e.g. 'apple', 'smartie-3'. */
  name: string;
  /** The class the benchmark groups by: 'apple', 'sweet'. */
  className: string;
  /** The object's tight crop, RGB. */
  rgb: { data: Uint8Array; width: number; height: number; channels: 3 };
  /** Its exact mask over the crop, row-major 0/1. */
  mask: Uint8Array;
  /** Which photo it came from (so tuning and held-out sets never share a photo), and where the crop lies in it. */
  photo: string;
  x0: number;
  y0: number;
  photoWidth: number;
  photoHeight: number;
}

interface Source {
  photo: string;
  className: string;
  /** Is this pixel part of an object? */
  inside: (r: number, g: number, b: number) => boolean;
  /** 'one': the largest component; 'many': every component of at least minArea pixels. */
  take: 'one' | 'many';
  minArea?: number;
  /** Cut thin strips (a pencil behind the object) off: erode by this radius, keep the largest part, grow it back. */
  open?: number;
}

const saturation = (r: number, g: number, b: number) => {
  const max = Math.max(r, g, b);
  return max === 0 ? 0 : (max - Math.min(r, g, b)) / max;
};

export const OBJECT_SOURCES: Source[] = [
  // A red apple on a green-grey cloth and a dark table: red above green by a ratio, which holds on its shadowed base too;
  // the yellow pencil under it has far more green than any part of the apple but its highlights (holes, filled).
  { photo: 'objects/apple.jpg', className: 'apple', inside: (r, g, b) => r > 1.12 * g && r - g > 8 && g < 135 && b < 110, take: 'one', open: 9 },
  // Sweets on white paper: coloured (saturated) or dark (the brown ones); grey shadows are neither.
  { photo: 'objects/smarties.png', className: 'sweet', inside: (r, g, b) => saturation(r, g, b) > 0.35 || Math.max(r, g, b) < 90, take: 'many', minArea: 400 },
];

/** A disc fills π/4 ≈ 0.79 of its box, two touching discs about 0.5. */
const MIN_FILL = 0.65;

/** Connected components (4-neighbour) of a 0/1 mask: label per pixel (0 = none) and each label's pixel count. */
function components(mask: Uint8Array, width: number, height: number): { labels: Int32Array; sizes: number[] } {
  const labels = new Int32Array(width * height);
  const sizes = [0];
  const stack: number[] = [];
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || labels[start]) continue;
    const label = sizes.length;
    let size = 0;
    labels[start] = label;
    stack.push(start);
    while (stack.length > 0) {
      const p = stack.pop()!;
      size++;
      const x = p % width;
      const y = (p - x) / width;
      for (const q of [x > 0 ? p - 1 : -1, x < width - 1 ? p + 1 : -1, y > 0 ? p - width : -1, y < height - 1 ? p + width : -1])
        if (q >= 0 && mask[q] && !labels[q]) {
          labels[q] = label;
          stack.push(q);
        }
    }
    sizes.push(size);
  }
  return { labels, sizes };
}

/** Square min (erode) or max (dilate) filter of a 0/1 mask, radius r, separable. */
function morph(mask: Uint8Array, width: number, height: number, r: number, op: 'erode' | 'dilate'): Uint8Array {
  const pick = op === 'erode' ? Math.min : Math.max;
  const pass = (src: Uint8Array, horizontal: boolean) => {
    const out = new Uint8Array(src.length);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        let v = op === 'erode' ? 1 : 0;
        for (let d = -r; d <= r; d++) {
          const xx = horizontal ? x + d : x;
          const yy = horizontal ? y : y + d;
          const inside = xx >= 0 && xx < width && yy >= 0 && yy < height;
          v = pick(v, inside ? src[yy * width + xx]! : 0);
        }
        out[y * width + x] = v;
      }
    return out;
  };
  return pass(pass(mask, true), false);
}

/** Fills holes: background not connected to the border becomes object. */
function fillHoles(mask: Uint8Array, width: number, height: number): Uint8Array {
  const inverse = mask.map((v) => (v ? 0 : 1));
  const { labels } = components(inverse, width, height);
  const outside = new Set<number>();
  for (let x = 0; x < width; x++) outside.add(labels[x]!).add(labels[(height - 1) * width + x]!);
  for (let y = 0; y < height; y++) outside.add(labels[y * width]!).add(labels[y * width + width - 1]!);
  return mask.map((v, i) => (v || !outside.has(labels[i]!) ? 1 : 0));
}

/** Every object of every source photo, each cropped tight to its mask. */
export async function loadMaskedObjects(): Promise<MaskedObject[]> {
  const out: MaskedObject[] = [];
  for (const source of OBJECT_SOURCES) out.push(...(await objectsOf(source)));
  return out;
}

async function objectsOf(source: Source): Promise<MaskedObject[]> {
  const out: MaskedObject[] = [];
  {
    const { data, info } = await sharp(FIXTURES + source.photo).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const { width, height } = info;
    let raw = new Uint8Array(width * height);
    for (let i = 0; i < raw.length; i++) raw[i] = source.inside(data[i * 3]!, data[i * 3 + 1]!, data[i * 3 + 2]!) ? 1 : 0;
    if (source.open) {
      const eroded = morph(raw, width, height, source.open, 'erode');
      const core = components(eroded, width, height);
      const biggest = core.sizes.indexOf(Math.max(...core.sizes.slice(1)));
      const grown = morph(Uint8Array.from(core.labels, (l) => (l === biggest ? 1 : 0)), width, height, source.open, 'dilate');
      raw = raw.map((v, i) => v & grown[i]!);
    }
    const { labels, sizes } = components(raw, width, height);
    const largest = sizes.indexOf(Math.max(...sizes.slice(1)));
    // Of many, only whole, single ones: not cut by the photo's edge, and round enough not to be two touching.
    const edge = new Set<number>();
    for (let x = 0; x < width; x++) edge.add(labels[x]!).add(labels[(height - 1) * width + x]!);
    for (let y = 0; y < height; y++) edge.add(labels[y * width]!).add(labels[y * width + width - 1]!);
    const keep = sizes.map((size, label) => label > 0 && (source.take === 'one' ? label === largest : size >= (source.minArea ?? 0) && !edge.has(label)));
    let n = 0;
    for (const [label, kept] of keep.entries()) {
      if (!kept) continue;
      let x0 = width, y0 = height, x1 = 0, y1 = 0;
      for (let p = 0; p < labels.length; p++)
        if (labels[p] === label) {
          const x = p % width;
          const y = (p - x) / width;
          x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x + 1); y1 = Math.max(y1, y + 1);
        }
      const w = x1 - x0;
      const h = y1 - y0;
      if (source.take === 'many' && sizes[label]! / (w * h) < MIN_FILL) continue;
      let mask: Uint8Array = new Uint8Array(w * h);
      const rgb = new Uint8Array(w * h * 3);
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          const p = (y + y0) * width + x + x0;
          mask[y * w + x] = labels[p] === label ? 1 : 0;
          rgb.set(data.subarray(p * 3, p * 3 + 3), (y * w + x) * 3);
        }
      mask = fillHoles(mask, w, h);
      const name = source.take === 'one' ? source.className : `${source.className}-${++n}`;
      out.push({ name, className: source.className, rgb: { data: rgb, width: w, height: h, channels: 3 }, mask, photo: source.photo, x0, y0, photoWidth: width, photoHeight: height });
    }
  }
  return out;
}

// `tsx bench/datasets/mask-objects.ts --write-masks`: writes each single-object photo's exact mask next to it
// (`objects/apple.mask.png`), which the segmentation package's tests read.
if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--write-masks')) {
  for (const source of OBJECT_SOURCES.filter((s) => s.take === 'one')) {
    const [object] = await objectsOf(source);
    const full = new Uint8Array(object!.photoWidth * object!.photoHeight);
    for (let y = 0; y < object!.rgb.height; y++)
      for (let x = 0; x < object!.rgb.width; x++) full[(y + object!.y0) * object!.photoWidth + x + object!.x0] = object!.mask[y * object!.rgb.width + x]! ? 255 : 0;
    const path = FIXTURES + source.photo.replace(/\.\w+$/, '.mask.png');
    await sharp(Buffer.from(full), { raw: { width: object!.photoWidth, height: object!.photoHeight, channels: 1 } }).png().toFile(path);
    console.log(`wrote ${path}`);
  }
}
