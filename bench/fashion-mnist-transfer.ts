// Transfer learning on Fashion-MNIST: a head trained on the frozen ResNet-50 features of an ingested training subset
// (labels from the manifest's "label" column), evaluated on an ingested test subset, next to kNN over the index.
//
//   npx tsx bench/fashion-mnist-prepare.ts --train-per-class 500 --test-per-class 100
//   LOUPE_DEVICE=cpu LOUPE_DATA_DIR=.cache/fmnist-run/data npx loupe ingest .cache/fashion-mnist-png/train/manifest.csv --catalog fmnist-train
//   LOUPE_DEVICE=cpu LOUPE_DATA_DIR=.cache/fmnist-run/data npx loupe ingest .cache/fashion-mnist-png/test/manifest.csv --catalog fmnist-test
//   npx tsx bench/fashion-mnist-transfer.ts --data-dir .cache/fmnist-run/data [--hidden 256] [--curve 500,1000]
//
// Writes bench/results/transfer-learning.json and prints the table for BENCHMARKS.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { benchmarkInternals, labelOf, openLoupe } from '@loupe/core';
import type { Store } from '@loupe/db';
import { exportHeadOnnx, openHeadSession, trainHead } from '@loupe/heads';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string', default: '.cache/fmnist-run/data' },
    train: { type: 'string', default: 'fmnist-train' },
    test: { type: 'string', default: 'fmnist-test' },
    field: { type: 'string', default: 'label' },
    hidden: { type: 'string', default: '0' },
    k: { type: 'string', default: '10' },
    out: { type: 'string', default: 'bench/results/transfer-learning.json' },
    /** Also train on the first n per class of the catalog (a learning curve), e.g. 500,1000. */
    curve: { type: 'string', default: '' },
    /** The vectors to train on: 'gem' (Loupe's default) or 'avg' (the items must have been indexed with it). */
    pooling: { type: 'string', default: 'gem' },
  },
});
if (values.pooling !== 'gem' && values.pooling !== 'avg') throw new Error(`--pooling must be gem or avg, got ${values.pooling}`);

const loupe = await openLoupe({ dataDir: resolve(values['data-dir']!), embedding: { device: 'cpu', pooling: values.pooling } });
const say = (line: string) => process.stdout.write(line + '\n');
try {
  const hidden = Number(values.hidden);
  const trained = await loupe.heads.train({
    catalog: values.train!,
    field: values.field!,
    seed: 1,
    hidden,
    activate: false,
    onProgress: (p) => {
      if (p.phase === 'training' && p.epoch % 5 === 0) say(`  epoch ${p.epoch}: loss ${p.loss.toFixed(4)}, validation accuracy ${p.validationAccuracy.toFixed(4)}`);
    },
  });
  say(`trained v${trained.head.version} on ${trained.metrics.examples} examples in ${(trained.tookMs / 1000).toFixed(1)} s (${trained.metrics.epochs} epochs)`);

  // The test split: stored vectors and labels of the test catalog.
  const testCatalog = (await benchmarkInternals(loupe).store.catalogs.getBySlug(values.test!))!;
  const trainCatalog = (await benchmarkInternals(loupe).store.catalogs.getBySlug(values.train!))!;
  const truth = new Map<number, string>();
  let cursor: number | null = null;
  do {
    const page: Awaited<ReturnType<Store['items']['list']>> = await benchmarkInternals(loupe).store.items.list({ catalogId: testCatalog.id, limit: 1000, cursor });
    for (const item of page.items) {
      const label = labelOf(item.metadata, values.field!);
      if (label !== undefined) truth.set(item.id, label);
    }
    cursor = page.nextCursor;
  } while (cursor !== null);
  const vectors: Float32Array[] = [];
  const labels: string[] = [];
  for await (const rows of benchmarkInternals(loupe).store.embeddings.streamAfter({ modelId: loupe.modelId, after: 0, catalogId: testCatalog.id })) {
    for (const r of rows) {
      const label = truth.get(r.itemId);
      if (label === undefined) continue;
      vectors.push(r.vector);
      labels.push(label);
    }
  }

  const head = await benchmarkInternals(loupe).store.heads.get(trained.head.id);
  const session = await openHeadSession(head!.onnx);
  const started = performance.now();
  const predictions = await session.predict(vectors, { topK: 1 });
  const headMs = performance.now() - started;
  await session.dispose();
  const headAccuracy = predictions.filter((p, i) => p[0]!.label === labels[i]).length / labels.length;

  // kNN over the index (HNSW, the training catalog only): majority of the k nearest, ties to the nearer.
  const k = Number(values.k);
  const labelOfTrain = new Map<number, string>();
  cursor = null;
  do {
    const page: Awaited<ReturnType<Store['items']['list']>> = await benchmarkInternals(loupe).store.items.list({ catalogId: trainCatalog.id, limit: 1000, cursor });
    for (const item of page.items) {
      const label = labelOf(item.metadata, values.field!);
      if (label !== undefined) labelOfTrain.set(item.id, label);
    }
    cursor = page.nextCursor;
  } while (cursor !== null);
  const index = await benchmarkInternals(loupe).index();
  await index.catchUp();
  const trainIds = new Set(labelOfTrain.keys());
  let knnCorrect = 0;
  const knnStarted = performance.now();
  for (const [i, v] of vectors.entries()) {
    const hits = index.search(v, { k, ids: trainIds, catalogIds: [trainCatalog.id] });
    const votes = new Map<string, { n: number; s: number }>();
    for (const h of hits) {
      const l = labelOfTrain.get(h.id)!;
      const e = votes.get(l) ?? { n: 0, s: 0 };
      e.n++;
      e.s += h.score;
      votes.set(l, e);
    }
    const best = [...votes].sort((a, b) => b[1].n - a[1].n || b[1].s - a[1].s)[0]?.[0];
    if (best === labels[i]) knnCorrect++;
  }
  const knnMs = performance.now() - knnStarted;
  const knnAccuracy = knnCorrect / labels.length;

  /** Majority vote of the k nearest among `ids` in the index (ties to the larger summed similarity). */
  const knnAccuracyAmong = (ids: Set<number>) => {
    let correct = 0;
    for (const [i, v] of vectors.entries()) {
      const votes = new Map<string, { n: number; s: number }>();
      for (const h of index.search(v, { k, ids, catalogIds: [trainCatalog.id] })) {
        const e = votes.get(labelOfTrain.get(h.id)!) ?? { n: 0, s: 0 };
        e.n++;
        e.s += h.score;
        votes.set(labelOfTrain.get(h.id)!, e);
      }
      if ([...votes].sort((a, b) => b[1].n - a[1].n || b[1].s - a[1].s)[0]?.[0] === labels[i]) correct++;
    }
    return correct / labels.length;
  };

  // A learning curve: heads trained (same settings) on the first n per class of the stored training vectors.
  const curve: Array<{ perClass: number; trainExamples: number; validationAccuracy: number; testAccuracy: { head: number; knn: number }; trainingSeconds: number }> = [];
  const sizes = values.curve ? values.curve.split(',').map(Number) : [];
  if (sizes.length > 0) {
    const trainVectors = new Map<number, Float32Array>();
    for await (const rows of benchmarkInternals(loupe).store.embeddings.streamAfter({ modelId: loupe.modelId, after: 0, catalogId: trainCatalog.id })) for (const r of rows) trainVectors.set(r.itemId, r.vector);
    const ordered = [...labelOfTrain.keys()].filter((id) => trainVectors.has(id)).sort((a, b) => a - b);
    for (const perClass of sizes) {
      const taken = new Map<string, number>();
      const ids = ordered.filter((id) => {
        const l = labelOfTrain.get(id)!;
        const n = taken.get(l) ?? 0;
        taken.set(l, n + 1);
        return n < perClass;
      });
      const t0 = performance.now();
      const h = await trainHead({ vectors: ids.map((id) => trainVectors.get(id)!), labels: ids.map((id) => labelOfTrain.get(id)!) }, { seed: 1, hidden, knn: false });
      const seconds = (performance.now() - t0) / 1000;
      const s = await openHeadSession(exportHeadOnnx(h.model));
      const p = await s.predict(vectors, { topK: 1 });
      await s.dispose();
      const row = {
        perClass,
        trainExamples: ids.length,
        validationAccuracy: Number(h.report.validation.accuracy.toFixed(4)),
        testAccuracy: { head: Number((p.filter((x, i) => x[0]!.label === labels[i]).length / labels.length).toFixed(4)), knn: Number(knnAccuracyAmong(new Set(ids)).toFixed(4)) },
        trainingSeconds: Number(seconds.toFixed(1)),
      };
      curve.push(row);
      say(`curve ${perClass}/class: ${JSON.stringify(row)}`);
    }
  }

  const result = {
    benchmark: 'transfer-learning/fashion-mnist',
    date: new Date().toISOString(),
    backbone: loupe.modelId,
    head: hidden > 0 ? `MLP 2048-${hidden}-10` : 'softmax regression 2048-10',
    trainExamples: trained.metrics.examples,
    testExamples: labels.length,
    epochs: trained.metrics.epochs,
    trainingSeconds: Number((trained.metrics.trainingMs / 1000).toFixed(1)),
    validationAccuracy: Number(trained.validationAccuracy.toFixed(4)),
    testAccuracy: { head: Number(headAccuracy.toFixed(4)), knn: Number(knnAccuracy.toFixed(4)), k },
    headMsPerImage: Number((headMs / labels.length).toFixed(3)),
    knnMsPerImage: Number((knnMs / labels.length).toFixed(3)),
    curve,
  };
  mkdirSync(resolve('bench/results'), { recursive: true });
  writeFileSync(resolve(values.out!), JSON.stringify(result, null, 2) + '\n');
  say(JSON.stringify(result, null, 2));
} finally {
  await loupe.close();
}
