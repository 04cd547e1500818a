// COCO's uncompressed run-length encoding, exactly as pycocotools reads it (`mask.frPyObjects` / `decode`): the mask is
// read column by column (Fortran order), counts alternate zeros and ones and always start with a run of zeros — 0
// when the first pixel is inside. `size` is [height, width].
import { SegmentationError } from './errors.ts';

export interface Rle {
  size: [number, number];
  counts: number[];
}

/** A binary mask, row-major, one byte per pixel: non-zero = inside. */
export interface BinaryMask {
  data: Uint8Array;
  width: number;
  height: number;
}

/** A box-local mask placed in a larger frame: `data` covers x0 ≤ x < x0 + width, y0 ≤ y < y0 + height. */
export interface PlacedMask extends BinaryMask {
  x0: number;
  y0: number;
}

function checkSize(height: number, width: number): void {
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 1 || width < 1)
    throw new SegmentationError('INVALID_MASK', `mask size must be positive integers, got ${height}×${width} (h×w)`);
}

/** RLE of a row-major mask of `height` × `width` pixels (non-zero = inside). */
export function encodeRle(mask: Uint8Array, height: number, width: number): Rle {
  checkSize(height, width);
  if (!(mask instanceof Uint8Array) || mask.length !== height * width)
    throw new SegmentationError('INVALID_MASK', `mask must be a Uint8Array of ${height}×${width} = ${height * width} bytes, got ${mask?.length ?? typeof mask}`);
  return encodePlaced({ data: mask, width, height, x0: 0, y0: 0 }, height, width);
}

/**
 * RLE over a whole `height` × `width` frame of a mask that covers only part of it (an object's box): the frame is
 * never materialised, so a 12-megapixel photo with many objects costs only each box's bytes.
 */
export function encodePlaced(mask: PlacedMask, height: number, width: number): Rle {
  checkSize(height, width);
  const { data, x0, y0 } = mask;
  if (x0 < 0 || y0 < 0 || x0 + mask.width > width || y0 + mask.height > height || data.length !== mask.width * mask.height)
    throw new SegmentationError('INVALID_MASK', `a ${mask.width}×${mask.height} mask at (${x0}, ${y0}) does not fit a ${width}×${height} frame`);
  const counts: number[] = [];
  let current = 0; // the value of the run being counted; COCO starts with zeros
  let run = 0;
  const push = (value: number, length: number) => {
    if (length === 0) return;
    if (value === current) run += length;
    else {
      counts.push(run);
      current = value;
      run = length;
    }
  };
  for (let x = 0; x < width; x++) {
    const inside = x >= x0 && x < x0 + mask.width;
    if (!inside) {
      push(0, height);
      continue;
    }
    push(0, y0);
    for (let y = 0; y < mask.height; y++) push(data[y * mask.width + (x - x0)] ? 1 : 0, 1);
    push(0, height - y0 - mask.height);
  }
  counts.push(run);
  return { size: [height, width], counts };
}

/** The row-major mask (0/1 bytes) an RLE describes; throws INVALID_RLE when the counts do not cover the frame. */
export function decodeRle(rle: Rle): BinaryMask {
  if (!rle || typeof rle !== 'object' || !Array.isArray(rle.size) || rle.size.length !== 2 || !Array.isArray(rle.counts))
    throw new SegmentationError('INVALID_RLE', 'an RLE is {"size": [height, width], "counts": [..]}');
  const [height, width] = rle.size;
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 1 || width < 1)
    throw new SegmentationError('INVALID_RLE', `RLE size must be positive integers, got ${JSON.stringify(rle.size)}`);
  const total = height * width;
  const data = new Uint8Array(total);
  let at = 0;
  for (let i = 0; i < rle.counts.length; i++) {
    const count = rle.counts[i]!;
    if (!Number.isInteger(count) || count < 0) throw new SegmentationError('INVALID_RLE', `count ${i} is ${count}, not a non-negative integer`);
    if (at + count > total) throw new SegmentationError('INVALID_RLE', `counts cover more than the ${height}×${width} frame`);
    if (i % 2 === 1) {
      for (let p = at; p < at + count; p++) data[(p % height) * width + Math.floor(p / height)] = 1;
    }
    at += count;
  }
  if (at !== total) throw new SegmentationError('INVALID_RLE', `counts cover ${at} pixels, the ${height}×${width} frame has ${total}`);
  return { data, width, height };
}

/** Pixels inside. */
export function maskArea(mask: BinaryMask): number {
  let n = 0;
  for (const v of mask.data) if (v) n++;
  return n;
}

/** Intersection over union of two masks of the same size (1 when both are empty). */
export function maskIoU(a: BinaryMask, b: BinaryMask): number {
  if (a.width !== b.width || a.height !== b.height)
    throw new SegmentationError('INVALID_MASK', `masks differ in size: ${a.width}×${a.height} vs ${b.width}×${b.height}`);
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.data.length; i++) {
    const x = a.data[i] ? 1 : 0;
    const y = b.data[i] ? 1 : 0;
    inter += x & y;
    union += x | y;
  }
  return union === 0 ? 1 : inter / union;
}
