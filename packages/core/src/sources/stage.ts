// Copies a source into a folder of the shared media store, so that a worker on another machine can ingest it (the
// CLI's `ingest --enqueue`): a zip as it is (the worker checks it, as it checks an upload), a folder's images under
// their relative paths, a manifest's rows with their files beside a new manifest.jsonl (ids, titles and metadata
// kept). Entries the source refuses — a manifest row outside the allowed roots, a file over the size limit, one that
// cannot be read — are not copied but returned, for the caller to report: the job never sees them.
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { openSource } from './index.ts';
import type { RejectedEntry, SourceLimits } from './types.ts';

export interface StagedSource {
  /** What to ingest: the copied zip, the folder, or the new manifest. */
  path: string;
  /** Entries copied (a zip's: the entries it lists). */
  copied: number;
  rejected: RejectedEntry[];
}

const isInside = (key: string) => !isAbsolute(key) && !key.split(/[\\/]/).includes('..');

export async function stageSource(path: string, dir: string, options: { limits?: Partial<SourceLimits>; allowRoots?: readonly string[] } = {}): Promise<StagedSource> {
  const source = await openSource(path, options.limits, options.allowRoots);
  await mkdir(dir, { recursive: true });
  if (source.kind === 'zip') {
    const copy = join(dir, basename(path));
    await copyFile(path, copy);
    return { path: copy, copied: await source.count(), rejected: [] };
  }
  const rejected: RejectedEntry[] = [];
  const rows: string[] = [];
  let copied = 0;
  for await (const entry of source.entries(() => false)) {
    if (!entry.ok) {
      rejected.push({ key: entry.key, reason: entry.reason });
      continue;
    }
    let bytes: Uint8Array;
    try {
      bytes = await entry.read();
    } catch (error) {
      rejected.push({ key: entry.key, reason: (error as Error).message });
      continue;
    }
    // Keys are paths relative to the source (a folder's walk stays inside it); a manifest row naming a file elsewhere
    // (an allowed root) gets a numbered name under outside/. Items keep the titles the original would give them.
    const file = isInside(entry.key) ? entry.key : join('outside', `${String(rows.length + 1).padStart(6, '0')}-${basename(entry.key)}`);
    await mkdir(dirname(join(dir, file)), { recursive: true });
    await writeFile(join(dir, file), bytes);
    copied++;
    if (source.kind === 'manifest')
      rows.push(JSON.stringify({ path: file, ...(entry.externalId ? { externalId: entry.externalId } : {}), title: entry.title ?? basename(entry.key), metadata: entry.metadata ?? {} }));
  }
  if (source.kind === 'folder') return { path: dir, copied, rejected };
  const manifest = join(dir, 'manifest.jsonl');
  await writeFile(manifest, rows.length > 0 ? `${rows.join('\n')}\n` : '');
  return { path: manifest, copied, rejected };
}
