// Opens the right source for a path: a folder, a zip file (by its bytes), or a manifest (.jsonl, .ndjson, .csv).
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
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

/**
 * Opens a folder, a zip or a manifest. A manifest's rows may name files below its own folder, and below
 * `allowRoots` when the caller (the CLI's `--allow-root`) says so; uploads never widen it. Messages name the
 * source by its base name only: they reach HTTP clients, who must not learn server paths.
 */
export async function openSource(path: string, limits: Partial<SourceLimits> = {}, allowRoots: readonly string[] = []): Promise<IngestSource> {
  const name = basename(path);
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new InvalidSourceError(`${name}: no such file or folder`);
  }
  if (info.isDirectory()) return folderSource(path, limits);
  if (!info.isFile()) throw new InvalidSourceError(`${name} is neither a file nor a folder`);
  if (await startsWithZipMagic(path)) return zipSource(path, limits);
  if (/\.(jsonl|ndjson|csv)$/i.test(path)) return manifestSource(path, { limits, allowRoots });
  throw new InvalidSourceError(`${name}: expected a folder, a zip file, or a manifest (.jsonl, .ndjson, .csv)`);
}

function parseIdentity(identity: string): { kind: 'folder' | 'zip' | 'manifest'; path: string } | undefined {
  const match = /^(folder|zip|manifest):(.+?)(?::\d+:\d+)?$/.exec(identity);
  return match ? { kind: match[1] as 'folder' | 'zip' | 'manifest', path: match[2]! } : undefined;
}

/** The file or folder a job's source identity names. */
export function sourcePathOf(identity: string): string | undefined {
  return parseIdentity(identity)?.path;
}

/** Reopens the source a job was created for, from the identity stored with the job. */
export async function reopenSource(identity: string, limits: Partial<SourceLimits> = {}): Promise<IngestSource> {
  const parsed = parseIdentity(identity);
  if (!parsed) throw new InvalidSourceError('unknown source identity');
  const { kind, path } = parsed;
  // A queued manifest reads below its own folder only: a wider --allow-root is for a CLI run, not for the queue.
  const source = kind === 'folder' ? await folderSource(path, limits) : kind === 'zip' ? await zipSource(path, limits) : await manifestSource(path, { limits });
  if (source.identity !== identity) throw new InvalidSourceError(`the source of this job changed since it was queued: ${basename(path)}`);
  return source;
}

export { folderSource } from './folder.ts';
export { manifestSource } from './manifest.ts';
export { zipSource, unsafeEntryReason } from './zip.ts';
export { DEFAULT_SOURCE_LIMITS, ENTRY_LIMITS, entryFieldProblem, IMAGE_EXTENSIONS, type IngestSource, type RejectedEntry, type SourceEntry, type SourceItem, type SourceLimits } from './types.ts';
