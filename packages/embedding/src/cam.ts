// Class activation maps (Zhou et al., 2016): for a network that ends in global average pooling + a linear classifier,
// the classifier's weights for class c, applied to the last feature map at each position, show where the evidence
// for c is. Thresholding the upsampled map gives boxes; colouring it gives a heatmap. Pure functions, no I/O: the
// server and the browser entry share them.
import type { Rect } from './types.ts';

export interface ActivationMap {
  /** Row-major values, height × width (the feature map's grid, e.g. 7×7 for a 224×224 input). */
  values: Float32Array;
  width: number;
  height: number;
}

/** cam[p] = Σ_k W[classId, k] · F[k, p] for one image's feature map F of shape [channels, height, width]. */
export function classActivationMap(
  featureMap: Float32Array,
  channels: number,
  height: number,
  width: number,
  classifierWeights: Float32Array,
  classId: number,
): ActivationMap {
  const cells = height * width;
  const values = new Float32Array(cells);
  const row = classId * channels;
  for (let k = 0; k < channels; k++) {
    const w = classifierWeights[row + k]!;
    if (w === 0) continue;
    const base = k * cells;
    for (let p = 0; p < cells; p++) values[p]! += w * featureMap[base + p]!;
  }
  return { values, width, height };
}

/**
 * Bilinear resampling of the map onto an outWidth × outHeight grid that covers the same area (cell centres aligned,
 * as in align_corners=false), then min-max normalised to 0..1.
 */
export function upsampleNormalized(map: ActivationMap, outWidth: number, outHeight: number): Float32Array {
  const out = new Float32Array(outWidth * outHeight);
  const { values, width, height } = map;
  for (let y = 0; y < outHeight; y++) {
    const v = Math.min(Math.max(((y + 0.5) * height) / outHeight - 0.5, 0), height - 1);
    const y0 = Math.floor(v);
    const y1 = Math.min(y0 + 1, height - 1);
    const fy = v - y0;
    for (let x = 0; x < outWidth; x++) {
      const u = Math.min(Math.max(((x + 0.5) * width) / outWidth - 0.5, 0), width - 1);
      const x0 = Math.floor(u);
      const x1 = Math.min(x0 + 1, width - 1);
      const fx = u - x0;
      const top = values[y0 * width + x0]! * (1 - fx) + values[y0 * width + x1]! * fx;
      const bottom = values[y1 * width + x0]! * (1 - fx) + values[y1 * width + x1]! * fx;
      out[y * outWidth + x] = top * (1 - fy) + bottom * fy;
    }
  }
  let min = Infinity;
  let max = -Infinity;
  for (const value of out) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  const range = max - min;
  for (let i = 0; i < out.length; i++) out[i] = range > 0 ? (out[i]! - min) / range : 0;
  return out;
}

export interface Blob extends Rect {
  /** Share of the above-threshold activation mass that lies in this blob (0..1). */
  mass: number;
}

/**
 * Connected regions (4-neighbourhood) of the normalised map above `threshold`, as boxes on the grid, largest mass
 * first. Blobs with less than `minMassShare` of the strongest blob's mass are dropped as noise.
 */
export function blobsAboveThreshold(
  normalized: Float32Array,
  width: number,
  height: number,
  threshold: number,
  minMassShare = 0.2,
): Blob[] {
  const label = new Int32Array(width * height).fill(-1);
  const stack: number[] = [];
  const blobs: Blob[] = [];
  let total = 0;
  for (let start = 0; start < label.length; start++) {
    if (label[start] !== -1 || normalized[start]! < threshold) continue;
    const blob = { x0: width, y0: height, x1: 0, y1: 0, mass: 0 };
    label[start] = blobs.length;
    stack.push(start);
    while (stack.length > 0) {
      const p = stack.pop()!;
      const x = p % width;
      const y = (p - x) / width;
      blob.mass += normalized[p]!;
      blob.x0 = Math.min(blob.x0, x);
      blob.y0 = Math.min(blob.y0, y);
      blob.x1 = Math.max(blob.x1, x + 1);
      blob.y1 = Math.max(blob.y1, y + 1);
      const neighbours = [x > 0 ? p - 1 : -1, x < width - 1 ? p + 1 : -1, y > 0 ? p - width : -1, y < height - 1 ? p + width : -1];
      for (const q of neighbours) {
        if (q >= 0 && label[q] === -1 && normalized[q]! >= threshold) {
          label[q] = blobs.length;
          stack.push(q);
        }
      }
    }
    total += blob.mass;
    blobs.push(blob);
  }
  blobs.sort((a, b) => b.mass - a.mass);
  const strongest = blobs[0]?.mass ?? 0;
  return blobs
    .filter((b) => b.mass >= strongest * minMassShare)
    .map((b) => ({ ...b, mass: total > 0 ? b.mass / total : 0 }));
}

export function intersectionOverUnion(a: Rect, b: Rect): number {
  const iw = Math.max(0, Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0));
  const ih = Math.max(0, Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0));
  const inter = iw * ih;
  const union = (a.x1 - a.x0) * (a.y1 - a.y0) + (b.x1 - b.x0) * (b.y1 - b.y0) - inter;
  return union > 0 ? inter / union : 0;
}

/** Greedy non-maximum suppression: keeps the best-scoring of boxes that overlap more than `iou`. */
export function nonMaximumSuppression<T extends Rect & { score: number }>(boxes: T[], iou: number): T[] {
  const kept: T[] = [];
  for (const box of [...boxes].sort((a, b) => b.score - a.score)) {
    if (kept.every((k) => intersectionOverUnion(k, box) <= iou)) kept.push(box);
  }
  return kept;
}

/** Google's "Turbo" colour map (polynomial fit), value 0..1 → RGB 0..255. */
export function turbo(value: number): [number, number, number] {
  const x = Math.min(Math.max(value, 0), 1);
  const r = 0.13572138 + x * (4.6153926 + x * (-42.66032258 + x * (132.13108234 + x * (-152.94239396 + x * 59.28637943))));
  const g = 0.09140261 + x * (2.19418839 + x * (4.84296658 + x * (-14.18503333 + x * (4.27729857 + x * 2.82956604))));
  const b = 0.1066733 + x * (12.64194608 + x * (-60.58204836 + x * (110.36276771 + x * (-89.90310912 + x * 27.34824973))));
  const byte = (c: number) => Math.round(Math.min(Math.max(c, 0), 1) * 255);
  return [byte(r), byte(g), byte(b)];
}

/**
 * RGBA overlay of a normalised map placed at `region` inside an image of imageWidth × imageHeight, drawn at
 * outWidth × outHeight. Low activations are transparent so the photo shows through.
 */
export function heatmapRGBA(
  map: ActivationMap,
  region: Rect,
  imageWidth: number,
  imageHeight: number,
  outWidth: number,
  outHeight: number,
): Uint8ClampedArray {
  const rw = region.x1 - region.x0;
  const rh = region.y1 - region.y0;
  // Resample at the region's size on the output grid, then paste.
  const gw = Math.max(1, Math.round((rw * outWidth) / imageWidth));
  const gh = Math.max(1, Math.round((rh * outHeight) / imageHeight));
  const grid = upsampleNormalized(map, gw, gh);
  const ox = Math.round((region.x0 * outWidth) / imageWidth);
  const oy = Math.round((region.y0 * outHeight) / imageHeight);
  const rgba = new Uint8ClampedArray(outWidth * outHeight * 4);
  for (let y = 0; y < gh; y++) {
    const ty = oy + y;
    if (ty < 0 || ty >= outHeight) continue;
    for (let x = 0; x < gw; x++) {
      const tx = ox + x;
      if (tx < 0 || tx >= outWidth) continue;
      const v = grid[y * gw + x]!;
      const [r, g, b] = turbo(v);
      const i = (ty * outWidth + tx) * 4;
      rgba[i] = r;
      rgba[i + 1] = g;
      rgba[i + 2] = b;
      rgba[i + 3] = Math.round(255 * Math.min(0.7, v * 0.9));
    }
  }
  return rgba;
}
