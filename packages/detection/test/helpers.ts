// Shared by the package's tests: fixture paths and the hand-labelled object boxes.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../../../tests/fixtures/', import.meta.url));
export const PHOTOS = `${FIXTURES}photos/`;

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}
