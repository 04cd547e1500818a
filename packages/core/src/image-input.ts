// What an image input names: a whole image, or a region of one (`{ source, region }`).
import type { ImageInput, ImageSource } from '@loupe/embedding';

/** A query that names a region of its image (a crop, or an object the user picked). */
export function isRegion(image: ImageInput): boolean {
  return typeof image === 'object' && !(image instanceof Uint8Array) && 'region' in image && image.region !== undefined;
}

/** The image itself when the input names a region of it: boxes (and so masks) are in the whole image's pixels. */
export function sourceOf(image: ImageInput): ImageSource {
  return typeof image === 'object' && !(image instanceof Uint8Array) && 'source' in image ? image.source : image;
}
