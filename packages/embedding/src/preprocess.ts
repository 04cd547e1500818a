// The last preprocessing step, shared by server and browser: region crop, alpha flattening on white, and an
// area-averaging resize (bilinear when upscaling) to the model's square input.
import { InvalidInputError } from './errors.ts';
import type { RawImage, Rect } from './types.ts';

export function validateRawImage(image: RawImage): void {
  const { width, height, channels, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1)
    throw new InvalidInputError(`raw image size ${width}×${height} is not a positive integer size`);
  if (channels !== 3 && channels !== 4) throw new InvalidInputError(`raw image must have 3 (RGB) or 4 (RGBA) channels, got ${String(channels)}`);
  if (data.length !== width * height * channels)
    throw new InvalidInputError(`raw image data has ${data.length} bytes, expected ${width}×${height}×${channels} = ${width * height * channels}`);
}

/** Clamps a requested region to the image and rounds it to whole pixels; throws if nothing is left. */
export function clampRegion(region: Rect | undefined, width: number, height: number): Rect {
  if (!region) return { x0: 0, y0: 0, x1: width, y1: height };
  const values = [region.x0, region.y0, region.x1, region.y1];
  if (!values.every(Number.isFinite)) throw new InvalidInputError(`region ${JSON.stringify(region)} has non-finite coordinates`);
  const x0 = Math.max(0, Math.floor(Math.min(region.x0, region.x1)));
  const y0 = Math.max(0, Math.floor(Math.min(region.y0, region.y1)));
  const x1 = Math.min(width, Math.ceil(Math.max(region.x0, region.x1)));
  const y1 = Math.min(height, Math.ceil(Math.max(region.y0, region.y1)));
  if (x1 - x0 < 4 || y1 - y0 < 4)
    throw new InvalidInputError(`region ${JSON.stringify(region)} leaves less than 4×4 pixels inside the ${width}×${height} image`);
  return { x0, y0, x1, y1 };
}

interface AxisTaps {
  /** For each output position, the first source index and the weights of consecutive source positions. */
  first: Int32Array;
  weights: Float32Array[];
}

/**
 * Resampling weights along one axis. Downscaling averages the source interval each output pixel covers (area
 * averaging, fractional at the edges); upscaling interpolates linearly between the two nearest source pixels.
 */
function axisTaps(source: number, target: number): AxisTaps {
  const scale = source / target;
  const first = new Int32Array(target);
  const weights: Float32Array[] = [];
  for (let o = 0; o < target; o++) {
    if (scale >= 1) {
      const s0 = o * scale;
      const s1 = s0 + scale;
      const i0 = Math.floor(s0);
      const i1 = Math.min(Math.ceil(s1), source);
      const w = new Float32Array(i1 - i0);
      for (let i = i0; i < i1; i++) w[i - i0] = (Math.min(s1, i + 1) - Math.max(s0, i)) / scale;
      first[o] = i0;
      weights.push(w);
    } else {
      const u = Math.min(Math.max((o + 0.5) * scale - 0.5, 0), source - 1);
      const i0 = Math.floor(u);
      const f = u - i0;
      first[o] = i0;
      weights.push(i0 + 1 < source ? Float32Array.of(1 - f, f) : Float32Array.of(1));
    }
  }
  return { first, weights };
}

/**
 * Resizes `region` of an RGB or RGBA image (alpha flattened on white) to size × size RGB, stretching as the model
 * expects. Separable: a horizontal pass into floats, then a vertical pass. The server (after sharp decodes) and the
 * browser both use this, so the same picture gives the same model input on both.
 */
export function resizeToSquareRGB(image: RawImage, region: Rect, size: number): Uint8Array {
  const { data, width, channels } = image;
  const rw = region.x1 - region.x0;
  const rh = region.y1 - region.y0;
  const xs = axisTaps(rw, size);
  const ys = axisTaps(rh, size);
  // Horizontal pass over the rows the region spans: rh × size × 3 floats. (The channel test is hoisted out of the
  // inner loops, and the vertical pass walks rows, not columns: same arithmetic in the same order, ~2× faster.)
  const rows = new Float32Array(rh * size * 3);
  for (let y = 0; y < rh; y++) {
    const rowStart = ((region.y0 + y) * width + region.x0) * channels;
    for (let ox = 0; ox < size; ox++) {
      const w = xs.weights[ox]!;
      let r = 0;
      let g = 0;
      let b = 0;
      let i = rowStart + xs.first[ox]! * channels;
      if (channels === 4) {
        for (let k = 0; k < w.length; k++, i += 4) {
          const wk = w[k]!;
          const a = data[i + 3]! / 255;
          const white = 255 * (1 - a);
          r += (data[i]! * a + white) * wk;
          g += (data[i + 1]! * a + white) * wk;
          b += (data[i + 2]! * a + white) * wk;
        }
      } else {
        for (let k = 0; k < w.length; k++, i += 3) {
          const wk = w[k]!;
          r += data[i]! * wk;
          g += data[i + 1]! * wk;
          b += data[i + 2]! * wk;
        }
      }
      const o = (y * size + ox) * 3;
      rows[o] = r;
      rows[o + 1] = g;
      rows[o + 2] = b;
    }
  }
  // Vertical pass: each output row is the weighted sum of its source rows, accumulated in float64 tap by tap.
  const line = size * 3;
  const out = new Uint8Array(size * line);
  const sum = new Float64Array(line);
  for (let oy = 0; oy < size; oy++) {
    const w = ys.weights[oy]!;
    const y0 = ys.first[oy]!;
    sum.fill(0);
    for (let k = 0; k < w.length; k++) {
      const wk = w[k]!;
      const from = (y0 + k) * line;
      for (let j = 0; j < line; j++) sum[j]! += rows[from + j]! * wk;
    }
    const at = oy * line;
    for (let j = 0; j < line; j++) out[at + j] = Math.min(255, Math.max(0, Math.round(sum[j]!)));
  }
  return out;
}

/** Packs 8-bit RGB images (each size × size × 3, HWC) into one float32 NHWC batch. */
export function toNHWCBatch(images: Uint8Array[], size: number): Float32Array {
  const per = size * size * 3;
  const batch = new Float32Array(images.length * per);
  images.forEach((pixels, n) => {
    if (pixels.length !== per) throw new InvalidInputError(`preprocessed image has ${pixels.length} values, expected ${per}`);
    batch.set(pixels, n * per);
  });
  return batch;
}
