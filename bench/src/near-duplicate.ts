// 2. Near-duplicate retrieval on the committed real photos (tests/fixtures/photos): every photo is edited (crops,
// rotations, mirror, brightness, heavy JPEG/WebP, downscaling, a combination), each edit is a query, and we measure
// recall@1 of finding its original:
//   A. "originals + Fashion-MNIST": the catalog is the 14 originals among the Fashion-MNIST catalog of section 1;
//   B. "originals + other edits": the catalog is the 14 originals plus every edit of the OTHER photos — photo-like
//      distractors, each a near-duplicate of some other original.
// Loupe's own path: embedder.embed() on the encoded bytes, exact cosine search.
//   npm run bench -- --quick|--full --only near-duplicate
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createEmbedder, DEFAULT_POOLING, POOLINGS, type Pooling } from '@loupe/embedding';
import { createExactIndex } from '@loupe/vector-index';
import { readFashionMnist, stratifiedSubset } from '../datasets/fashion-mnist.ts';
import { FMNIST_PER_CLASS, log, meanCi, median, modeFromArgs, REPO_ROOT, round, writeResult } from './common.ts';
import { EDITS, edited } from './edits.ts';
import { DIM, featuresFor, upscaleGray } from './features.ts';

const started = performance.now();
const mode = modeFromArgs();

const photosDir = join(REPO_ROOT, 'tests', 'fixtures', 'photos');
const photos = readdirSync(photosDir)
  .filter((f) => f.endsWith('.jpg'))
  .sort();

log(`near-duplicates: ${photos.length} photos × ${EDITS.length} edits`);
const editedBytes: Uint8Array[][] = [];
for (const p of photos) editedBytes.push(await Promise.all(EDITS.map((e) => edited(join(photosDir, p), e))));

// Distractors for protocol A: the Fashion-MNIST catalog of section 1 (same vectors as embed(); cached features).
const train = readFashionMnist('train');
const fmIds = stratifiedSubset(train, FMNIST_PER_CLASS[mode].train);
const fm = await featuresFor('fmnist-train', fmIds, (id) => upscaleGray(train.image(id).gray, 28), { log, threads: 2, batch: 16 });

/** Originals and edited queries embedded by Loupe's embedder with one pooling. */
async function embedAll(pooling: Pooling) {
  const embedder = await createEmbedder({ device: 'cpu', batchSize: 8, pooling });
  const originals = await embedder.embed(photos.map((p) => join(photosDir, p)));
  const queries: Array<{ photo: number; edit: string; bytes: number; vector: Float32Array }> = [];
  for (let p = 0; p < photos.length; p++) {
    const vectors = await embedder.embed(editedBytes[p]!);
    vectors.forEach((vector, e) => queries.push({ photo: p, edit: EDITS[e]!.name, bytes: editedBytes[p]![e]!.length, vector }));
  }
  await embedder.dispose();
  return { originals, queries };
}

interface Outcome {
  photo: number;
  edit: string;
  rankOfOriginal: number;
  cosineToOriginal: number;
  top1IsOriginal: boolean;
}
function protocol(
  name: string,
  { originals, queries }: Awaited<ReturnType<typeof embedAll>>,
  distractors: (q: Awaited<ReturnType<typeof embedAll>>['queries'][number]) => Float32Array[],
): { name: string; outcomes: Outcome[]; catalogSize: number } {
  const outcomes: Outcome[] = [];
  let catalogSize = 0;
  // One index per distinct distractor set: A shares one, B has one per photo (the query's own edits are left out).
  const cacheKey = new Map<string, ReturnType<typeof createExactIndex>>();
  for (const q of queries) {
    const set = distractors(q);
    const key = name === 'A' ? 'A' : String(q.photo);
    let index = cacheKey.get(key);
    if (!index) {
      index = createExactIndex({ dim: DIM, space: 'cosine', initialCapacity: originals.length + set.length });
      originals.forEach((v, i) => index!.add(i, v));
      set.forEach((v, i) => index!.add(originals.length + i, v));
      cacheKey.set(key, index);
      catalogSize = index.size;
    }
    const hits = index.search(q.vector, { k: index.size });
    const rank = hits.findIndex((h) => h.id === q.photo) + 1;
    outcomes.push({ photo: q.photo, edit: q.edit, rankOfOriginal: rank, cosineToOriginal: round(hits[rank - 1]!.score, 4), top1IsOriginal: rank === 1 });
  }
  for (const index of cacheKey.values()) index.close();
  return { name, outcomes, catalogSize };
}

function summary(p: { name: string; outcomes: Outcome[]; catalogSize: number }) {
  const perEdit = EDITS.map((e) => {
    const os = p.outcomes.filter((o) => o.edit === e.name);
    return {
      edit: e.name,
      description: e.description,
      recallAt1: round(os.filter((o) => o.top1IsOriginal).length / os.length, 4),
      medianCosineToOriginal: round(median(os.map((o) => o.cosineToOriginal)), 4),
      worstRank: Math.max(...os.map((o) => o.rankOfOriginal)),
    };
  });
  return {
    protocol: p.name,
    catalogSize: p.catalogSize,
    queries: p.outcomes.length,
    recallAt1: meanCi(p.outcomes.map((o) => (o.top1IsOriginal ? 1 : 0))),
    recallAt5: round(p.outcomes.filter((o) => o.rankOfOriginal <= 5).length / p.outcomes.length, 4),
    medianRank: median(p.outcomes.map((o) => o.rankOfOriginal)),
    perEdit,
    misses: p.outcomes.filter((o) => !o.top1IsOriginal).map((o) => ({ photo: photos[o.photo], edit: o.edit, rank: o.rankOfOriginal, cosine: o.cosineToOriginal })),
  };
}
// Loupe's default pooling is reported in full; every pooling's recall side by side.
const byPooling: Array<{ pooling: Pooling; A: ReturnType<typeof summary>; B: ReturnType<typeof summary> }> = [];
for (const pooling of [DEFAULT_POOLING, ...POOLINGS.filter((p) => p !== DEFAULT_POOLING)]) {
  const set = await embedAll(pooling);
  const fmVectors = fmIds.map((_, row) => fm.matrices[pooling].subarray(row * DIM, (row + 1) * DIM));
  const A = summary(protocol('A', set, () => fmVectors));
  const B = summary(protocol('B', set, (q) => set.queries.filter((o) => o.photo !== q.photo).map((o) => o.vector)));
  byPooling.push({ pooling, A, B });
  log(`${pooling} pooling: A recall@1 ${A.recallAt1.mean.toFixed(4)}, B recall@1 ${B.recallAt1.mean.toFixed(4)}`);
}
const main = byPooling[0]!;
const results = {
  photos,
  edits: EDITS.map((e) => ({ name: e.name, description: e.description })),
  pooling: main.pooling,
  A: { description: `the ${photos.length} originals + ${fmIds.length} Fashion-MNIST training images`, ...main.A },
  B: { description: `the ${photos.length} originals + every edit of the other ${photos.length - 1} photos`, ...main.B },
  byPooling: byPooling.map((p) => ({
    pooling: p.pooling,
    A: { recallAt1: p.A.recallAt1, recallAt5: p.A.recallAt5, misses: p.A.misses },
    B: { recallAt1: p.B.recallAt1, recallAt5: p.B.recallAt5, misses: p.B.misses },
  })),
};
for (const p of [results.A, results.B]) {
  log(`protocol ${p.protocol} (${p.description}; ${p.catalogSize} items, ${main.pooling} pooling): recall@1 ${p.recallAt1.mean.toFixed(4)} ± ${p.recallAt1.ci95}, recall@5 ${p.recallAt5}`);
  log(`  ${p.perEdit.map((e) => `${e.edit} ${e.recallAt1}`).join(', ')}`);
}
const path = writeResult(mode, 'near-duplicate', {
  settings: { photos: photos.length, edits: EDITS.length, fashionMnistDistractors: fmIds.length, search: 'exact cosine', embed: 'embedder.embed() on encoded bytes, batch 8', poolings: byPooling.map((p) => p.pooling) },
  wallSeconds: round((performance.now() - started) / 1000),
  results,
});
log(`wrote ${path}`);
