// Reading a file a source names, confined: the path must resolve (symbolic links included) inside one of the allowed
// roots, and only a regular file is read, through a size cap checked before and while reading. Refusals are per
// entry and never echo the server's paths or say whether something outside the roots exists.
import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { InvalidSourceError } from '../errors.ts';

/** True when `path` is `root` itself or lies below it (both absolute and normalised). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

const OUTSIDE = 'refused: the path leads outside the folders this source may read';

/**
 * Resolves `path` (relative to `base`, or absolute) inside one of `roots` (real paths), or throws a refusal that
 * says why without naming server paths.
 */
export async function confinedPath(path: string, base: string, roots: readonly string[]): Promise<string> {
  if (path.includes('\0')) throw new InvalidSourceError('refused: the path contains a NUL byte');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) throw new InvalidSourceError('refused: URLs are not read, only files next to the manifest');
  const lexical = resolve(base, path);
  // Checked before touching the disk, so a path elsewhere learns nothing about what exists there.
  if (!roots.some((root) => isInside(root, lexical))) throw new InvalidSourceError(OUTSIDE);
  let real: string;
  try {
    real = await realpath(lexical);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InvalidSourceError(code === 'ENOENT' || code === 'ENOTDIR' ? 'no such file' : `cannot read the file (${code ?? 'error'})`);
  }
  if (!roots.some((root) => isInside(root, real))) throw new InvalidSourceError(OUTSIDE);
  return real;
}

/**
 * Reads a regular file of at most `maxBytes`. Opened non-blocking and without following a final symbolic link, then
 * checked on the open handle, so a FIFO, a device, a socket or a folder is refused without blocking; a file that
 * grows past the cap while being read is cut off.
 */
export async function readCapped(path: string, maxBytes: number): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new InvalidSourceError('refused: a symbolic link');
    if (code === 'ENXIO') throw new InvalidSourceError('refused: not a regular file (a socket or a device)');
    throw new InvalidSourceError(code === 'ENOENT' ? 'no such file' : `cannot read the file (${code ?? 'error'})`);
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw new InvalidSourceError('refused: a folder, not a file');
    if (!info.isFile()) throw new InvalidSourceError('refused: not a regular file (a device, a FIFO or a socket)');
    if (info.size > maxBytes) throw new InvalidSourceError(`refused: the file has ${info.size} bytes; the limit is ${maxBytes}`);
    const chunks: Buffer[] = [];
    let size = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, maxBytes + 1 - size));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, size);
      if (bytesRead === 0) break;
      size += bytesRead;
      if (size > maxBytes) throw new InvalidSourceError(`refused: the file grew past the limit of ${maxBytes} bytes while being read`);
      chunks.push(chunk.subarray(0, bytesRead));
    }
    return new Uint8Array(Buffer.concat(chunks, size));
  } finally {
    await handle.close();
  }
}
