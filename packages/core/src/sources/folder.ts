// A folder, walked recursively in sorted order; files with image extensions are entries.
import { readdir, realpath } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { readCapped } from './confined.ts';
import { DEFAULT_SOURCE_LIMITS, isImageName, type IngestSource, type SourceItem, type SourceLimits } from './types.ts';

async function walk(root: string, dir: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const full = join(dir, e.name);
    // Symbolic links are not followed: a catalog folder should not reach outside itself.
    if (e.isDirectory()) await walk(root, full, out);
    else if (e.isFile() && isImageName(e.name)) out.push(relative(root, full).split(sep).join('/'));
  }
}

export async function folderSource(path: string, limits: Partial<SourceLimits> = {}): Promise<IngestSource> {
  const root = await realpath(path);
  const maxBytes = limits.maxEntryBytes ?? DEFAULT_SOURCE_LIMITS.maxEntryBytes;
  let listing: string[] | undefined;
  const list = async () => {
    if (!listing) {
      listing = [];
      await walk(root, root, listing);
    }
    return listing;
  };
  return {
    kind: 'folder',
    identity: `folder:${root}`,
    count: async () => (await list()).length,
    async *entries(skip): AsyncGenerator<SourceItem> {
      for (const key of await list()) {
        if (skip(key)) continue;
        yield { ok: true, key, read: () => readCapped(join(root, key), maxBytes) };
      }
    },
  };
}
