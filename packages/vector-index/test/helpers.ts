// Test helpers: seeded random vectors, a naive cosine, temp directories.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rng } from '@loupe/random';

export { rng };


/** n vectors with i.i.d. N(0, 1) components (no structure: the hard case for HNSW). */
export function gaussianVectors(n: number, dim: number, seed: number): Float32Array[] {
  const r = rng(seed);
  const g = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  return Array.from({ length: n }, () => Float32Array.from({ length: dim }, g));
}

export function naiveCosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return d / Math.sqrt(na * nb);
}

/** Brute force in float64 over the raw vectors: ids sorted by cosine, best first. */
export function naiveTopK(
  data: Map<number, ArrayLike<number>>,
  q: ArrayLike<number>,
  k: number,
  filter?: (id: number) => boolean,
) {
  return [...data]
    .filter(([id]) => !filter || filter(id))
    .map(([id, v]) => ({ id, score: naiveCosine(q, v) }))
    .sort((a, b) => b.score - a.score || a.id - b.id)
    .slice(0, k);
}

export async function withTmpDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'loupe-vi-test-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
