// Shared by core's tests: temporary data directories and folders of real photos.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createContext } from '../src/context.ts';
import { facade } from '../src/loupe.ts';
import type { LoupeOptions } from '../src/types.ts';

export const FIXTURES = fileURLToPath(new URL('../../../tests/fixtures/', import.meta.url));
export const PHOTOS = join(FIXTURES, 'photos');
export const PHOTO_FILES = readdirSync(PHOTOS).filter((f) => f.endsWith('.jpg')).sort();

export function tempDir(prefix = 'loupe-core-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A folder holding copies of the given fixture files (paths relative to tests/fixtures), under new names if given. */
export function folderOf(files: Array<string | [from: string, to: string]>): string {
  const dir = tempDir('loupe-src-');
  for (const f of files) {
    const [from, to] = Array.isArray(f) ? f : [f, f.split('/').pop()!];
    mkdirSync(join(dir, to, '..'), { recursive: true });
    copyFileSync(join(FIXTURES, from), join(dir, to));
  }
  return dir;
}

/**
 * A Loupe with its internals in view (store, image storage, index) — for tests that check what the use cases wrote.
 * Apps get only the facade (`openLoupe`).
 */
export async function openWithInternals(options: LoupeOptions) {
  const ctx = await createContext(options);
  return Object.assign(facade(ctx), { store: ctx.store, storage: ctx.storage, index: ctx.index });
}
