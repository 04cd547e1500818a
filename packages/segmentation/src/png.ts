import sharp from 'sharp';
import type { BinaryMask } from './rle.ts';

/** A mask as a greyscale PNG (255 = object, 0 = background), for people who want files. */
export async function maskPng(mask: BinaryMask): Promise<Uint8Array> {
  const grey = new Uint8Array(mask.data.length);
  for (let i = 0; i < grey.length; i++) grey[i] = mask.data[i] ? 255 : 0;
  const png = await sharp(Buffer.from(grey.buffer), { raw: { width: mask.width, height: mask.height, channels: 1 } }).png().toBuffer();
  return new Uint8Array(png);
}
