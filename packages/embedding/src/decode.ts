// Decoding with sharp (libvips): sniff the real format from the bytes, check the pixel count from the header before
// decoding, apply EXIF orientation, flatten alpha on white, convert any colour space / bit depth to 8-bit sRGB, crop
// the requested region, and stretch to the model's square input.
import { readFile } from 'node:fs/promises';
import sharp, { type Metadata, type OutputInfo, type Sharp } from 'sharp';
import { CorruptImageError, ImageTooLargeError, InvalidInputError, UnsupportedImageError } from './errors.ts';
import { clampRegion, resizeToSquareRGB, validateRawImage } from './preprocess.ts';
import type { ImageInput, ImageSource, RawImage, Rect } from './types.ts';

/** Formats we accept, by sharp's sniffed name. SVG, PDF and others are refused: they can reference other files. */
const ACCEPTED_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'avif', 'tiff']);
export const ACCEPTED_FORMAT_NAMES = 'JPEG, PNG, WebP, GIF, AVIF, TIFF';
export const DEFAULT_MAX_PIXELS = 100_000_000;

export interface DecodedImage {
  /** size × size × 3 RGB, HWC. */
  pixels: Uint8Array;
  /** Original size after EXIF orientation. */
  width: number;
  height: number;
  /** The part of the image the pixels show. */
  region: Rect;
  format: string;
}

function isRaw(source: ImageSource): source is RawImage {
  return typeof source === 'object' && !(source instanceof Uint8Array) && 'data' in source;
}

export function splitInput(input: ImageInput): { source: ImageSource; region?: Rect } {
  if (typeof input === 'object' && !(input instanceof Uint8Array) && 'source' in input) return input;
  return { source: input };
}

/** A short name for an input in messages: the path, or what kind of value it was. */
export function describeInput(input: ImageInput): string {
  const { source } = splitInput(input);
  if (typeof source === 'string') return source;
  if (source instanceof Uint8Array) return `<${source.byteLength} bytes>`;
  return `<raw ${source.width}×${source.height}>`;
}

async function readSource(source: string | Uint8Array): Promise<Uint8Array> {
  if (typeof source !== 'string') return source;
  try {
    return await readFile(source);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : String(code ?? error);
    throw new InvalidInputError(`cannot read ${source}: ${why}`);
  }
}

export interface ProbedImage {
  format: string;
  width: number;
  height: number;
}

/** Reads only the header: real format, oriented size; refuses unsupported formats and too many pixels. */
export async function probeImage(bytes: Uint8Array, maxPixels = DEFAULT_MAX_PIXELS): Promise<ProbedImage> {
  if (bytes.byteLength === 0) throw new CorruptImageError('empty file (0 bytes)');
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    const message = (error as Error).message;
    if (/unsupported image format/i.test(message))
      throw new UnsupportedImageError(`not a supported image: the bytes are none of ${ACCEPTED_FORMAT_NAMES}`, { cause: error });
    throw new CorruptImageError(`cannot read the image header: ${message.split("\n")[0]}`, { cause: error });
  }
  const format = meta.format === 'heif' && meta.compression === 'av1' ? 'avif' : String(meta.format);
  if (!ACCEPTED_FORMATS.has(format))
    throw new UnsupportedImageError(`unsupported image format "${format}": accepted are ${ACCEPTED_FORMAT_NAMES}`);
  if (!meta.width || !meta.height) throw new CorruptImageError(`the ${format} header has no image size`);
  const swap = (meta.orientation ?? 1) >= 5;
  const width = swap ? meta.height : meta.width;
  const height = swap ? meta.width : meta.height;
  if (width * height > maxPixels)
    throw new ImageTooLargeError(
      `image too large: ${width}×${height} = ${(width * height / 1e6).toFixed(1)} megapixels exceeds the limit of ${(maxPixels / 1e6).toFixed(1)} megapixels`,
      width,
      height,
      maxPixels,
    );
  return { format, width, height };
}

/** An image decoded at full resolution: 8-bit pixels of `region` (the whole image when none was asked for). */
export interface DecodedRGB {
  /** The pixels of `region`, row-major; RGB from encoded bytes, RGB or RGBA as given for raw input. */
  rgb: RawImage;
  /** Original size after EXIF orientation. */
  width: number;
  height: number;
  region: Rect;
  format: string;
}

/**
 * Decodes one input at full resolution (EXIF orientation, alpha flattened on white, 8-bit sRGB), with the same checks
 * and errors as `decodeImage`. For callers that cut several crops out of one decode (the detector's boxes).
 */
export async function decodeRGB(input: ImageInput, maxPixels = DEFAULT_MAX_PIXELS): Promise<DecodedRGB> {
  const { source, region: requested } = splitInput(input);
  if (isRaw(source)) {
    validateRawImage(source);
    const region = clampRegion(requested, source.width, source.height);
    if (!requested) return { rgb: source, width: source.width, height: source.height, region, format: 'raw' };
    const { channels } = source;
    const w = region.x1 - region.x0;
    const data = new Uint8Array(w * (region.y1 - region.y0) * channels);
    for (let y = region.y0; y < region.y1; y++)
      data.set(source.data.subarray((y * source.width + region.x0) * channels, (y * source.width + region.x1) * channels), (y - region.y0) * w * channels);
    return { rgb: { data, width: w, height: region.y1 - region.y0, channels }, width: source.width, height: source.height, region, format: 'raw' };
  }
  const bytes = await readSource(source);
  const { width, height, format } = await probeImage(bytes, maxPixels);
  // failOn 'truncated' rejects cut-off files but tolerates the harmless warnings many real JPEGs carry.
  let pipeline: Sharp = sharp(bytes, { limitInputPixels: maxPixels, failOn: 'truncated', pages: 1 }).rotate();
  const region = clampRegion(requested, width, height);
  if (requested) pipeline = pipeline.extract({ left: region.x0, top: region.y0, width: region.x1 - region.x0, height: region.y1 - region.y0 });
  let decoded: { data: Buffer; info: OutputInfo };
  try {
    decoded = await pipeline
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw new CorruptImageError(`cannot decode the ${format} image: ${(error as Error).message.split('\n')[0]}`, { cause: error });
  }
  const { data, info } = decoded;
  if (info.channels !== 3 || data.length !== info.width * info.height * 3)
    throw new CorruptImageError(`decoded to ${info.channels} channels, ${data.length} bytes; expected RGB`);
  return { rgb: { data, width: info.width, height: info.height, channels: 3 }, width, height, region, format };
}

/** Decodes one input into the model's size × size RGB input. */
export async function decodeImage(input: ImageInput, size: number, maxPixels = DEFAULT_MAX_PIXELS): Promise<DecodedImage> {
  const { source, region: requested } = splitInput(input);
  if (isRaw(source)) {
    // Already decoded pixels (RGB or RGBA) go straight to the shared resize, exactly as in the browser entry.
    validateRawImage(source);
    const region = clampRegion(requested, source.width, source.height);
    return { pixels: resizeToSquareRGB(source, region, size), width: source.width, height: source.height, region, format: 'raw' };
  }
  // sharp decodes, orients and converts to 8-bit sRGB; the resize is the shared JS one so that the browser entry,
  // which gets its pixels from a canvas, feeds the model exactly the same input.
  const { rgb, width, height, region, format } = await decodeRGB(input, maxPixels);
  const pixels = resizeToSquareRGB(rgb, { x0: 0, y0: 0, x1: rgb.width, y1: rgb.height }, size);
  return { pixels, width, height, region, format };
}
