// 1. Retrieval quality on Fashion-MNIST: a catalog from the training split, queries from the test split (both
// class-balanced: the first N images of each class), Loupe's ResNet-50 vectors, exact search and HNSW at the
// default settings. Precision@10, mAP@10, top-1 kNN accuracy (and 10-NN vote accuracy), for Loupe's vector and for
// feature post-processing variants: centring, PCA, PCA whitening (fitted on the catalog), GeM and CAM-weighted pooling.
//   npm run bench -- --quick|--full --only retrieval
import { trainHead } from '@loupe/heads';
import { createExactIndex, createVectorIndex, HNSW_DEFAULTS, type VectorIndex } from '@loupe/vector-index';
import { FASHION_MNIST_CLASSES, readFashionMnist, stratifiedSubset } from '../datasets/fashion-mnist.ts';
import { clock, FMNIST_PER_CLASS, log, meanCi, modeFromArgs, parseFlag, round, since, writeResult } from './common.ts';
import { checkParity, DIM, featuresFor, upscaleGray, type Pooling } from './features.ts';
import { applyPca, centre, fitPca, meanRow, type Pca } from './linalg.ts';

const started = performance.now();
const argv = process.argv.slice(2);
const mode = modeFromArgs(argv);
const trainPerClass = Number(parseFlag(argv, 'catalog-per-class') ?? FMNIST_PER_CLASS[mode].train);
const testPerClass = Number(parseFlag(argv, 'queries-per-class') ?? FMNIST_PER_CLASS[mode].test);
const K = 10;
/** PCA is fitted on at most this many catalog vectors (seeded sample). */
const PCA_FIT_MAX = 4000;

const train = readFashionMnist('train', { log });
const test = readFashionMnist('test', { log });
const catIds = stratifiedSubset(train, trainPerClass);
const queryIds = stratifiedSubset(test, testPerClass);
const catLabels = Uint8Array.from(catIds, (i) => train.labels[i]!);
const qLabels = Uint8Array.from(queryIds, (i) => test.labels[i]!);
const n = catIds.length;
const nq = queryIds.length;
log(`retrieval: Fashion-MNIST, catalog ${n} training images (${trainPerClass}/class), ${nq} test queries (${testPerClass}/class)`);

const progress = { log: (l: string) => log(l), threads: 2, batch: 16 };
const cat = await featuresFor('fmnist-train', catIds, (id) => upscaleGray(train.image(id).gray, 28), progress);
const qry = await featuresFor('fmnist-test', queryIds, (id) => upscaleGray(test.image(id).gray, 28), progress);
const computed = cat.computed + qry.computed;
log(`features: ${computed} embedded now, ${n + nq - computed} from the cache (.cache/bench/features)`);
const parityIds = catIds.slice(0, 8);
const parityOf = (pooling: 'avg' | 'gem') =>
  checkParity(
    parityIds.map((i) => train.image(i).rgb),
    parityIds.map((_, row) => cat.matrices[pooling].subarray(row * DIM, (row + 1) * DIM)),
    pooling,
  );
const parity = Math.min(await parityOf('avg'), await parityOf('gem'));
log(`parity with embedder.embed() on raw 28×28 RGB (avg and GeM pooling): min cosine ${parity.toFixed(6)}`);
if (parity < 0.999) throw new Error(`the benchmark's features differ from Loupe's embed() (min cosine ${parity})`);

interface Variant {
  name: string;
  pooling: Pooling;
  post: 'none' | 'centre' | { pca: number; power: number };
  description: string;
}
const variants: Variant[] = [
  { name: 'avg', pooling: 'avg', post: 'none', description: 'global average pooling, L2-normalised (LOUPE_POOLING=avg; the default before GeM)' },
  { name: 'avg+centre', pooling: 'avg', post: 'centre', description: 'minus the catalog mean, re-normalised' },
  { name: 'avg+pca256', pooling: 'avg', post: { pca: 256, power: 0 }, description: 'PCA to 256 dims (no whitening)' },
  { name: 'avg+pcaw128', pooling: 'avg', post: { pca: 128, power: 1 }, description: 'PCA whitening to 128 dims' },
  { name: 'avg+pcaw256', pooling: 'avg', post: { pca: 256, power: 1 }, description: 'PCA whitening to 256 dims' },
  { name: 'avg+pcaw256-half', pooling: 'avg', post: { pca: 256, power: 0.5 }, description: 'PCA to 256 dims, half whitening (λ^-1/4)' },
  ...(n > 1200 ? [{ name: 'avg+pcaw512', pooling: 'avg', post: { pca: 512, power: 1 }, description: 'PCA whitening to 512 dims' } as Variant] : []),
  { name: 'gem', pooling: 'gem', post: 'none', description: "GeM pooling (p = 3) of the last feature map — Loupe's default vector" },
  { name: 'gem+pcaw256', pooling: 'gem', post: { pca: 256, power: 1 }, description: 'GeM, PCA whitening to 256 dims' },
  { name: 'cam', pooling: 'cam', post: 'none', description: 'feature map pooled with the top-1 class activation map as weights' },
  { name: 'cam+pcaw256', pooling: 'cam', post: { pca: 256, power: 1 }, description: 'CAM-weighted pooling, PCA whitening to 256 dims' },
];

interface Metrics {
  precisionAt10: { mean: number; ci95: number };
  mapAt10: { mean: number; ci95: number };
  top1Accuracy: { mean: number; ci95: number };
  vote10Accuracy: { mean: number; ci95: number };
  buildMs: number;
  msPerQuery: number;
}

const perQueryAp = new Map<string, number[]>();

function score(lists: number[][], keep?: string): Omit<Metrics, 'buildMs' | 'msPerQuery'> {
  const p10: number[] = [];
  const ap10: number[] = [];
  const top1: number[] = [];
  const vote: number[] = [];
  lists.forEach((ids, q) => {
    const want = qLabels[q]!;
    let hits = 0;
    let ap = 0;
    const votes = new Array<number>(10).fill(0);
    ids.slice(0, K).forEach((id, rank) => {
      const l = catLabels[id]!;
      votes[l]!++;
      if (l === want) {
        hits++;
        ap += hits / (rank + 1);
      }
    });
    p10.push(hits / K);
    ap10.push(ap / K); // every class has ≥ K relevant catalog items, so min(K, R) = K
    top1.push(ids[0] !== undefined && catLabels[ids[0]] === want ? 1 : 0);
    // majority of the 10 neighbours; ties go to the class of the nearer neighbour
    let best = -1;
    for (const id of ids.slice(0, K)) {
      const l = catLabels[id]!;
      if (best < 0 || votes[l]! > votes[best]!) best = l;
    }
    vote.push(best === want ? 1 : 0);
  });
  if (keep) perQueryAp.set(keep, ap10);
  return { precisionAt10: meanCi(p10), mapAt10: meanCi(ap10), top1Accuracy: meanCi(top1), vote10Accuracy: meanCi(vote) };
}

function runIndex(index: VectorIndex, catalog: Float32Array, queries: Float32Array, dim: number): { lists: number[][]; buildMs: number; msPerQuery: number } {
  let c = clock();
  for (let i = 0; i < n; i++) index.add(i, catalog.subarray(i * dim, (i + 1) * dim));
  const buildMs = since(c).wallMs;
  c = clock();
  const lists: number[][] = [];
  for (let q = 0; q < nq; q++) lists.push(index.search(queries.subarray(q * dim, (q + 1) * dim), { k: K }).map((h) => h.id));
  const msPerQuery = since(c).wallMs / nq;
  index.close();
  return { lists, buildMs, msPerQuery };
}

const pcaSample = (count: number) => Math.min(count, PCA_FIT_MAX);
const pcaFits = new Map<Pooling, Pca>();
/** The PCA of a pooling's catalog vectors, truncated to d components (one fit per pooling, at the largest d used). */
function pcaFor(pooling: Pooling, catalog: Float32Array, d: number): Pca {
  let fit = pcaFits.get(pooling);
  if (!fit) {
    const largest = Math.max(...variants.filter((x) => x.pooling === pooling && typeof x.post === 'object').map((x) => (x.post as { pca: number }).pca));
    const take = pcaSample(n);
    const step = n / take;
    const sample = new Float32Array(take * DIM);
    for (let i = 0; i < take; i++) sample.set(catalog.subarray(Math.floor(i * step) * DIM, (Math.floor(i * step) + 1) * DIM), i * DIM);
    fit = fitPca(sample, take, DIM, Math.min(largest, take - 1));
    pcaFits.set(pooling, fit);
  }
  const keep = Math.min(d, fit.d);
  return { ...fit, d: keep, components: fit.components.subarray(0, keep * DIM), eigenvalues: fit.eigenvalues.subarray(0, keep) };
}

const rows: Array<{
  name: string;
  description: string;
  dim: number;
  fitMs: number;
  /** exact mAP@10 minus the plain vector's, per query (paired), mean ± 95% interval */
  mapAt10VsAvg?: { mean: number; ci95: number };
  exact: Metrics;
  hnsw: Metrics & { recallAt10VsExact: number };
}> = [];
for (const v of variants) {
  const c = clock();
  let catalog = cat.matrices[v.pooling];
  let queries = qry.matrices[v.pooling];
  let dim = DIM;
  if (v.post === 'centre') {
    const m = meanRow(catalog, n, DIM);
    catalog = centre(catalog, n, DIM, m);
    queries = centre(queries, nq, DIM, m);
  } else if (v.post !== 'none') {
    // fitted on (a seeded sample of) the catalog only, once per pooling at the largest size any variant needs;
    // queries are transformed with the catalog's statistics
    const pca = pcaFor(v.pooling, catalog, Math.min(v.post.pca, pcaSample(n) - 1));
    catalog = applyPca(catalog, n, pca, { power: v.post.power });
    queries = applyPca(queries, nq, pca, { power: v.post.power });
    dim = pca.d;
  }
  const fitMs = since(c).wallMs;
  const exact = runIndex(createExactIndex({ dim, space: 'cosine', initialCapacity: n }), catalog, queries, dim);
  const hnsw = runIndex(createVectorIndex({ dim, space: 'cosine', initialCapacity: n }), catalog, queries, dim);
  let overlap = 0;
  hnsw.lists.forEach((l, q) => {
    const want = new Set(exact.lists[q]);
    overlap += l.filter((id) => want.has(id)).length;
  });
  const row = {
    name: v.name,
    description: v.description,
    dim,
    fitMs: round(fitMs),
    exact: { ...score(exact.lists, v.name), buildMs: round(exact.buildMs), msPerQuery: round(exact.msPerQuery, 3) },
    hnsw: { ...score(hnsw.lists), buildMs: round(hnsw.buildMs), msPerQuery: round(hnsw.msPerQuery, 3), recallAt10VsExact: round(overlap / (nq * K), 4) },
  };
  const baseAp = perQueryAp.get('avg');
  const mine = perQueryAp.get(v.name);
  const paired = baseAp && mine && v.name !== 'avg' ? meanCi(mine.map((a, q) => a - baseAp[q]!)) : undefined;
  rows.push(paired ? { ...row, mapAt10VsAvg: paired } : row);
  log(
    `${v.name.padEnd(17)} dim ${String(dim).padStart(4)}  exact P@10 ${row.exact.precisionAt10.mean.toFixed(4)} mAP@10 ${row.exact.mapAt10.mean.toFixed(4)} ` +
      `top-1 ${row.exact.top1Accuracy.mean.toFixed(4)} | HNSW P@10 ${row.hnsw.precisionAt10.mean.toFixed(4)} mAP@10 ${row.hnsw.mapAt10.mean.toFixed(4)} ` +
      `top-1 ${row.hnsw.top1Accuracy.mean.toFixed(4)} recall@10 ${row.hnsw.recallAt10VsExact.toFixed(3)}`,
  );
}

// Transfer learning by pooling: a softmax head (@loupe/heads defaults, seed 1) trained on the catalog's vectors of
// each pooling, tested on the query vectors — the pooling is also what a catalog's own classifier learns from.
const headRows: Array<{ pooling: Pooling; testAccuracy: { mean: number; ci95: number }; epochs: number; trainMs: number }> = [];
const headCorrect = new Map<Pooling, number[]>();
for (const pooling of ['avg', 'gem'] as const) {
  const c = clock();
  const rowsOf = (m: Float32Array, count: number) => Array.from({ length: count }, (_, i) => m.subarray(i * DIM, (i + 1) * DIM));
  const trained = await trainHead({ vectors: rowsOf(cat.matrices[pooling], n), labels: Array.from(catLabels, (l) => FASHION_MNIST_CLASSES[l]!) }, { seed: 1, knn: false });
  const trainMs = since(c).wallMs;
  const correct = trained.predict(rowsOf(qry.matrices[pooling], nq)).map((p, q) => {
    let top = 0;
    for (let k = 1; k < p.length; k++) if (p[k]! > p[top]!) top = k;
    return trained.model.classes[top] === FASHION_MNIST_CLASSES[qLabels[q]!] ? 1 : 0;
  });
  headCorrect.set(pooling, correct);
  headRows.push({ pooling, testAccuracy: meanCi(correct), epochs: trained.report.epochs, trainMs: round(trainMs) });
  log(`head on ${pooling.padEnd(3)} vectors: test accuracy ${meanCi(correct).mean.toFixed(4)} (${trained.report.epochs} epochs, ${(trainMs / 1000).toFixed(1)} s)`);
}
const headGemVsAvg = meanCi(headCorrect.get('gem')!.map((x, q) => x - headCorrect.get('avg')![q]!));

const base = rows[0]!;
const best = rows.reduce((a, b) => (b.exact.mapAt10.mean > a.exact.mapAt10.mean ? b : a));
const hnswLoss = rows.map((r) => ({
  name: r.name,
  precisionAt10: round(r.exact.precisionAt10.mean - r.hnsw.precisionAt10.mean, 4),
  mapAt10: round(r.exact.mapAt10.mean - r.hnsw.mapAt10.mean, 4),
  top1Accuracy: round(r.exact.top1Accuracy.mean - r.hnsw.top1Accuracy.mean, 4),
}));
const worstLoss = Math.max(...hnswLoss.flatMap((l) => [l.precisionAt10, l.mapAt10, l.top1Accuracy]));
const bestGain = round(best.exact.mapAt10.mean - base.exact.mapAt10.mean, 4);
// "Clearly wins": the paired 95% interval of its per-query mAP@10 gain over Loupe's vector excludes zero.
const clearlyWins = best !== base && best.mapAt10VsAvg !== undefined && best.mapAt10VsAvg.mean - best.mapAt10VsAvg.ci95 > 0;

const path = writeResult(mode, 'retrieval', {
  settings: {
    dataset: 'Fashion-MNIST (Debian dataset-fashion-mnist), 28×28 greyscale upscaled to 224×224 by Loupe’s resize',
    classes: FASHION_MNIST_CLASSES,
    catalog: { split: 'train', perClass: trainPerClass, size: n },
    queries: { split: 'test', perClass: testPerClass, size: nq },
    k: K,
    hnsw: { M: HNSW_DEFAULTS.M, efConstruction: HNSW_DEFAULTS.efConstruction, efSearch: HNSW_DEFAULTS.efSearch },
    pcaFitSample: Math.min(n, PCA_FIT_MAX),
    metrics:
      'precision@10 = share of the 10 results with the query’s class; mAP@10 = mean over queries of Σ_{i≤10} P@i·rel_i / 10; ' +
      'top-1 accuracy = the nearest item has the query’s class; 10-NN vote = the majority class of the 10 nearest; ±95% CI over queries',
  },
  notes: [
    `features from one ONNX Runtime pass per batch of the same model file; the avg and gem vectors equal embedder.embed() with that pooling on the raw picture (min cosine ${parity.toFixed(6)} on 8 images)`,
    `${computed} of ${n + nq} images embedded in this run${computed > 0 ? ` (${round(computed / (cat.seconds + qry.seconds), 1)} img/s, batch 16, 2 threads)` : ''}, the rest from the feature cache`,
  ],
  wallSeconds: round((performance.now() - started) / 1000),
  results: {
    parityMinCosine: parity,
    variants: rows,
    hnswLoss,
    worstHnswLoss: worstLoss,
    hnswWithin1Percent: worstLoss <= 0.01,
    heads: { byPooling: headRows, gemVsAvg: headGemVsAvg },
    best: { name: best.name, mapAt10Gain: bestGain, pairedGain: best.mapAt10VsAvg ?? null, clearlyWins },
  },
});
log(`HNSW vs exact: worst loss ${worstLoss.toFixed(4)} (${worstLoss <= 0.01 ? 'within' : 'MORE than'} 1%)`);
log(`best variant by mAP@10: ${best.name} (${bestGain >= 0 ? '+' : ''}${bestGain} vs avg${clearlyWins ? ', clearly better' : ''})`);
log(`wrote ${path}`);
