// Recall of HNSW at the default settings against the exact index, on unstructured random data (the hard case:
// real image features have far lower intrinsic dimension). The lead adds a real-feature recall test in core.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createExactIndex, createVectorIndex, HNSW_DEFAULTS } from '../src/index.ts';
import { gaussianVectors } from './helpers.ts';

it('recall@10 vs exact on 5,000 random 256-d vectors is >= 0.98 at the defaults', (t) => {
  const dim = 256;
  const k = 10;
  const data = gaussianVectors(5000, dim, 1);
  const queries = gaussianVectors(200, dim, 2);
  const hnsw = createVectorIndex({ dim, space: 'cosine' });
  const exact = createExactIndex({ dim, space: 'cosine' });
  data.forEach((v, i) => {
    hnsw.add(i, v);
    exact.add(i, v);
  });
  let found = 0;
  for (const q of queries) {
    const truth = new Set(exact.search(q, { k }).map((h) => h.id));
    for (const h of hnsw.search(q, { k })) if (truth.has(h.id)) found++;
  }
  const recall = found / (queries.length * k);
  t.diagnostic(`recall@10 = ${recall}`);
  assert.ok(
    recall >= 0.98,
    `recall@10 ${recall} at M=${HNSW_DEFAULTS.M}, efC=${HNSW_DEFAULTS.efConstruction}, ef=${HNSW_DEFAULTS.efSearch}`,
  );
  hnsw.close();
  exact.close();
});
