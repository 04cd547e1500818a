// Opens the right source for a path: a folder, a zip file (by its bytes), or a manifest (.jsonl, .ndjson, .csv).
import { open, stat } from 'node:fs/promises';
import { InvalidSourceError } from '../errors.ts';
import { folderSource } from './folder.ts';
import { manifestSource } from './manifest.ts';
import type { IngestSource, SourceLimits } from './types.ts';
import { zipSource } from './zip.ts';

async function startsWithZipMagic(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4), 0, 4, 0);
    return bytesRead === 4 && buffer.readUInt32LE(0) === 0x04034b50;
  } finally {
    await handle.close();
  }
}

export async function openSource(path: string, limits: Partial<SourceLimits> = {}): Promise<IngestSource> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new InvalidSourceError(`${path}: no such file or folder`);
  }
  if (info.isDirectory()) return folderSource(path);
  if (!info.isFile()) throw new InvalidSourceError(`${path} is neither a file nor a folder`);
  if (await startsWithZipMagic(path)) return zipSource(path, limits);
  if (/\.(jsonl|ndjson|csv)$/i.test(path)) return manifestSource(path);
  throw new InvalidSourceError(`${path}: expected a folder, a zip file, or a manifest (.jsonl, .ndjson, .csv)`);
}

/** Reopens the source a job was created for, from the identity stored with the job. */
export async function reopenSource(identity: string, limits: Partial<SourceLimits> = {}): Promise<IngestSource> {
  const match = /^(folder|zip|manifest):(.+?)(?::\d+:\d+)?$/.exec(identity);
  if (!match) throw new InvalidSourceError(`unknown source identity ${identity}`);
  const [, kind, path] = match as unknown as [string, 'folder' | 'zip' | 'manifest', string];
  const source = kind === 'folder' ? await folderSource(path) : kind === 'zip' ? await zipSource(path, limits) : await manifestSource(path);
  if (source.identity !== identity) throw new InvalidSourceError(`the source of this job changed since it was queued: ${path}`);
  return source;
}

export { folderSource } from './folder.ts';
export { manifestSource } from './manifest.ts';
export { zipSource, unsafeEntryReason } from './zip.ts';
export { DEFAULT_SOURCE_LIMITS, IMAGE_EXTENSIONS, type IngestSource, type SourceEntry, type SourceItem, type SourceLimits } from './types.ts';
