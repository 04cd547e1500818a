// Pure-JS preprocessing for environments without sharp (the browser entry): region crop, alpha flattening on white,
// and an area-averaging resize (for downscaling; bilinear when upscaling) to the model's input size.
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

/** Resizes `region` of an RGB(A) image to size × size RGB (stretching, as the server does). */
export function resizeToSquareRGB(image: RawImage, region: Rect, size: number): Uint8Array {
  const { data, width, channels } = image;
  const rw = region.x1 - region.x0;
  const rh = region.y1 - region.y0;
  const out = new Uint8Array(size * size * 3);
  const pixel = (x: number, y: number, c: number) => {
    const i = ((region.y0 + y) * width + region.x0 + x) * channels;
    if (channels === 3) return data[i + c]!;
    const a = data[i + 3]! / 255;
    return data[i + c]! * a + 255 * (1 - a);
  };
  const scaleX = rw / size;
  const scaleY = rh / size;
  for (let oy = 0; oy < size; oy++) {
    for (let ox = 0; ox < size; ox++) {
      const o = (oy * size + ox) * 3;
      if (scaleX >= 1 && scaleY >= 1) {
        // Area average over the source rectangle this output pixel covers, with fractional edge weights.
        const sx0 = ox * scaleX;
        const sx1 = sx0 + scaleX;
        const sy0 = oy * scaleY;
        const sy1 = sy0 + scaleY;
        let r = 0;
        let g = 0;
        let b = 0;
        let total = 0;
        for (let y = Math.floor(sy0); y < Math.min(Math.ceil(sy1), rh); y++) {
          const wy = Math.min(sy1, y + 1) - Math.max(sy0, y);
          for (let x = Math.floor(sx0); x < Math.min(Math.ceil(sx1), rw); x++) {
            const w = wy * (Math.min(sx1, x + 1) - Math.max(sx0, x));
            r += pixel(x, y, 0) * w;
            g += pixel(x, y, 1) * w;
            b += pixel(x, y, 2) * w;
            total += w;
          }
        }
        out[o] = Math.round(r / total);
        out[o + 1] = Math.round(g / total);
        out[o + 2] = Math.round(b / total);
      } else {
        const u = Math.min(Math.max((ox + 0.5) * scaleX - 0.5, 0), rw - 1);
        const v = Math.min(Math.max((oy + 0.5) * scaleY - 0.5, 0), rh - 1);
        const x0 = Math.floor(u);
        const y0 = Math.floor(v);
        const x1 = Math.min(x0 + 1, rw - 1);
        const y1 = Math.min(y0 + 1, rh - 1);
        const fx = u - x0;
        const fy = v - y0;
        for (let c = 0; c < 3; c++) {
          const top = pixel(x0, y0, c) * (1 - fx) + pixel(x1, y0, c) * fx;
          const bottom = pixel(x0, y1, c) * (1 - fx) + pixel(x1, y1, c) * fx;
          out[o + c] = Math.round(top * (1 - fy) + bottom * fy);
        }
      }
    }
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
