// Fills a Loupe data directory with items whose vectors are given (real cached features or synthetic ones) through
// the store + index path the ingest uses — one database transaction per item (item + embedding + change-log event),
// then the index catches up from the change log — without decoding or embedding any image.
import { createHash } from 'node:crypto';
import { benchmarkInternals, type Loupe } from '@loupe/core';
import { rng } from './common.ts';

export async function insertVectors(
  loupe: Loupe,
  catalog: string,
  count: number,
  vectorOf: (i: number) => Float32Array,
  options: { firstId?: number; title?: (i: number) => string; metadata?: (i: number) => Record<string, string> } = {},
): Promise<{ ms: number }> {
  const { catalog: c } = await benchmarkInternals(loupe).store.catalogs.ensure({ slug: catalog });
  const first = options.firstId ?? 0;
  const started = performance.now();
  for (let i = first; i < first + count; i++) {
    const contentHash = createHash('sha256').update(`loupe-bench/${catalog}/${i}`).digest('hex');
    await benchmarkInternals(loupe).store.items.insert({
      catalogId: c.id,
      title: options.title?.(i) ?? `item ${i}`,
      ...(options.metadata ? { metadata: options.metadata(i) } : {}),
      contentHash,
      storedFile: `bench/${catalog}/${i}.png`,
      width: 28,
      height: 28,
      mimeType: 'image/png',
      sizeBytes: 1,
      sourceName: `${catalog}/${i}`,
      analysis: { modelId: loupe.modelId, vector: vectorOf(i), predictions: [], boxes: [] },
    });
  }
  return { ms: performance.now() - started };
}

/**
 * Synthetic vectors shaped like pooled CNN features (the vector-index benchmark's generator): `clusters` centres
 * relu(N(0, I)), a point = relu(centre + noise·N(0, I)). Deterministic per (seed, i).
 */
export function syntheticVectors(dim: number, options: { clusters?: number; noise?: number; seed?: number } = {}): (i: number) => Float32Array {
  const clusters = options.clusters ?? 100;
  const noise = options.noise ?? 0.6;
  const seed = options.seed ?? 1;
  const gaussian = (r: () => number) => () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const g = gaussian(rng(seed));
  const centres = Array.from({ length: clusters }, () => Float32Array.from({ length: dim }, () => Math.max(0, g())));
  return (i: number) => {
    const r = rng(seed * 1_000_003 + i + 1);
    const gi = gaussian(r);
    const c = centres[Math.floor(r() * clusters)]!;
    const v = new Float32Array(dim);
    for (let k = 0; k < dim; k++) v[k] = Math.max(0, c[k]! + noise * gi());
    return v;
  };
}
