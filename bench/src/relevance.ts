// Match strength ("same" / "similar" / "weak") on photos the calibration never saw.
//
// Real photos (the repo's fixtures; in --full also those Debian's opencv-doc and python3-skimage ship) are split by
// scene — photos of one scene (a stereo pair, two frames of one video) stay on one side — into a catalog half and a
// held-out half. The catalog half is ingested through Loupe's own core (which measures the catalog's thresholds from
// its own edits, see packages/core/src/relevance.ts). Then:
//   - every near-duplicate edit of every catalog photo (bench/src/edits.ts — other edits than the calibration's) is a
//     query: recall of "same" = its original comes back as "same";
//   - every held-out photo and its edits is a query that has no original in the catalog: it must get no "same";
//   - precision of "same" = the "same" results that are the query's own original (or a photo of its scene) among
//     all "same" results, over both kinds of query.
// Fashion-MNIST (section 1's cached features): how often a "similar" result shares the query's class, with the
// "similar" threshold derived from that catalog's own pairs the way core derives it.
//   npm run bench -- --quick|--full --only relevance
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLoupe, thresholdsFrom, matchOf, CALIBRATION_SAMPLE } from '@loupe/core';
import { createEmbedder } from '@loupe/embedding';
import { createExactIndex } from '@loupe/vector-index';
import { extractDebianPackage } from '../datasets/debian.ts';
import { readFashionMnist, stratifiedSubset } from '../datasets/fashion-mnist.ts';
import { CACHE_DIR, FMNIST_PER_CLASS, log, modeFromArgs, REPO_ROOT, round, writeResult } from './common.ts';
import { EDITS, edited } from './edits.ts';
import { DIM, featuresFor, upscaleGray } from './features.ts';

const started = performance.now();
const mode = modeFromArgs();

// ── the photos ──────────────────────────────────────────────────────────────────────────────────────────────────
const fixtures = join(REPO_ROOT, 'tests', 'fixtures', 'photos');
const files: string[] = readdirSync(fixtures)
  .filter((f) => f.endsWith('.jpg'))
  .map((f) => join(fixtures, f));
/** Photos of Debian's packages that are photographs (not charts, text, logos or test patterns). */
const DEBIAN_PHOTOS: Record<string, { dir: string; names: string[] }> = {
  'python3-skimage': {
    dir: 'usr/lib/python3/dist-packages/skimage/data',
    names: ['astronaut.png', 'motorcycle_left.png', 'motorcycle_right.png', 'horse.png'],
  },
  'opencv-doc': {
    dir: 'usr/share/doc/opencv-doc/examples/data',
    names: ['Blender_Suzanne1.jpg', 'Blender_Suzanne2.jpg', 'aero1.jpg', 'aero3.jpg', 'aloeL.jpg', 'aloeR.jpg', 'apple.jpg', 'baboon.jpg', 'building.jpg', 'ela_original.jpg', 'fruits.jpg', 'graf1.png', 'graf3.png', 'home.jpg', 'leuvenA.jpg', 'leuvenB.jpg', 'messi5.jpg', 'rubberwhale1.png', 'rubberwhale2.png', 'starry_night.jpg', 'stuff.jpg', 'left.jpg', 'right.jpg'],
  },
};
if (mode === 'full') {
  for (const [pkg, { dir, names }] of Object.entries(DEBIAN_PHOTOS)) {
    const root = extractDebianPackage(pkg, join(CACHE_DIR, 'debian', pkg), log);
    for (const n of names) files.push(join(root, dir, n));
  }
}
/** Photos of one scene share a key: aloeL/aloeR, leuvenA/B, rubberwhale1/2, motorcycle_left/right, left/right … */
const sceneOf = (file: string) =>
  file
    .split('/')
    .pop()!
    .replace(/\.(jpg|png)$/, '')
    .replace(/(_left|_right|_original|[123LRAB])$/, '')
    .replace(/^(left|right)$/, 'stereo');
const scenes = [...new Set(files.map(sceneOf))].sort();
const inCatalog = (f: string) => scenes.indexOf(sceneOf(f)) % 2 === 0;
const catalogFiles = files.filter(inCatalog);
const heldOut = files.filter((f) => !inCatalog(f));
log(`relevance: ${catalogFiles.length} catalog photos, ${heldOut.length} held-out photos, ${EDITS.length} edits each`);

// ── the catalog, through core (its ingest measures the thresholds) ─────────────────────────────────────────────
const embedder = await createEmbedder({ device: 'cpu', batchSize: 8 });
const dataDir = mkdtempSync(join(tmpdir(), 'loupe-bench-relevance-'));
const folder = join(dataDir, 'photos');
mkdirSync(folder);
// jpg copies, so that every photo (PNG ones too) is ingested under a unique name
for (const f of catalogFiles) copyFileSync(f, join(folder, `${sceneOf(f)}-${f.split('/').pop()}`));
const loupe = await openLoupe({ dataDir, embedder });
const t0 = performance.now();
const ingest = await loupe.ingest(folder, { catalog: 'photos' });
const ingestSeconds = round((performance.now() - t0) / 1000, 1);
const calibration = await loupe.relevance.calibration('photos');
if (!calibration) throw new Error('the ingest stored no calibration');
log(`catalog: ${ingest.added} items in ${ingestSeconds} s (with calibration ${String(calibration.details.tookMs)} ms): same ≥ ${calibration.sameScore.toFixed(4)}, similar ≥ ${calibration.similarScore.toFixed(4)}`);

interface Outcome {
  photo: string;
  edit: string;
  inCatalog: boolean;
  topScore: number;
  topMatch: string;
  /** "same" results that are (not) the query's scene. */
  sameRight: number;
  sameWrong: number;
  originalIsSame: boolean;
}
const outcomes: Outcome[] = [];
const sourceNameOf = (f: string) => `${sceneOf(f)}-${f.split('/').pop()}`;
const sceneOfItem = new Map(catalogFiles.map((f) => [sourceNameOf(f), sceneOf(f)]));
for (const file of [...catalogFiles, ...heldOut]) {
  const member = inCatalog(file);
  const original = new Uint8Array(readFileSync(file));
  const queries: Array<{ edit: string; bytes: Uint8Array }> = member ? [] : [{ edit: 'original', bytes: original }];
  for (const e of EDITS) queries.push({ edit: e.name, bytes: await edited(file, e) });
  const responses = await loupe.search(queries.map((q) => q.bytes), { catalog: 'photos', k: 10 });
  for (const r of responses) {
    if (!r.ok) throw r.error;
    const same = r.value.results.filter((x) => x.match === 'same');
    const right = same.filter((x) => sceneOfItem.get(x.item.sourceName) === sceneOf(file)).length;
    outcomes.push({
      photo: file.split('/').pop()!,
      edit: queries[r.index]!.edit,
      inCatalog: member,
      topScore: round(r.value.results[0]?.score ?? 0, 4),
      topMatch: r.value.results[0]?.match ?? 'none',
      sameRight: right,
      sameWrong: same.length - right,
      originalIsSame: same.some((x) => x.item.sourceName === sourceNameOf(file)),
    });
  }
}
await loupe.close();

const positives = outcomes.filter((o) => o.inCatalog);
const negatives = outcomes.filter((o) => !o.inCatalog);
const sameRight = outcomes.reduce((a, o) => a + o.sameRight, 0);
const sameAll = outcomes.reduce((a, o) => a + o.sameRight + o.sameWrong, 0);
const photos = {
  catalogPhotos: catalogFiles.length,
  heldOutPhotos: heldOut.length,
  thresholds: { same: round(calibration.sameScore, 4), similar: round(calibration.similarScore, 4) },
  calibration: calibration.details,
  sameRecall: round(positives.filter((o) => o.originalIsSame).length / positives.length, 4),
  samePrecision: round(sameAll === 0 ? 1 : sameRight / sameAll, 4),
  heldOutWithSame: negatives.filter((o) => o.sameRight + o.sameWrong > 0).length,
  heldOutQueries: negatives.length,
  heldOutTopMatch: Object.fromEntries(['same', 'similar', 'weak'].map((m) => [m, negatives.filter((o) => o.topMatch === m).length])),
  perEdit: EDITS.map((e) => {
    const os = positives.filter((o) => o.edit === e.name);
    return { edit: e.name, recall: round(os.filter((o) => o.originalIsSame).length / os.length, 4) };
  }),
  misses: positives.filter((o) => !o.originalIsSame).map((o) => ({ photo: o.photo, edit: o.edit, topScore: o.topScore })),
  falseSame: outcomes.filter((o) => o.sameWrong > 0).map((o) => ({ photo: o.photo, edit: o.edit, topScore: o.topScore, wrong: o.sameWrong })),
};
for (const x of photos.falseSame) log(`  false "same": ${x.photo} ${x.edit} (top ${x.topScore}, ${x.wrong} wrong)`);
log(`"same": recall ${photos.sameRecall} on ${positives.length} edited copies, precision ${photos.samePrecision}; held-out queries with a "same": ${photos.heldOutWithSame}/${negatives.length}`);

// ── Fashion-MNIST: does "similar" share the query's class? ──────────────────────────────────────────────────────
const train = readFashionMnist('train');
const test = readFashionMnist('test');
const trainIds = stratifiedSubset(train, FMNIST_PER_CLASS[mode].train);
const testIds = stratifiedSubset(test, FMNIST_PER_CLASS[mode].test);
const fmTrain = await featuresFor('fmnist-train', trainIds, (id) => upscaleGray(train.image(id).gray, 28), { log, threads: 2, batch: 16 });
const fmTest = await featuresFor('fmnist-test', testIds, (id) => upscaleGray(test.image(id).gray, 28), { log, threads: 2, batch: 16 });
const pooling = embedder.info().pooling;
const trainVectors = trainIds.map((_, row) => fmTrain.matrices[pooling].subarray(row * DIM, (row + 1) * DIM));
// the same pair sample core takes: evenly spread items, all their pairs
const step = trainVectors.length / Math.min(trainVectors.length, CALIBRATION_SAMPLE.background);
const sample = Array.from({ length: Math.min(trainVectors.length, CALIBRATION_SAMPLE.background) }, (_, i) => trainVectors[Math.floor(i * step)]!);
const pairs: number[] = [];
for (let i = 0; i < sample.length; i++) for (let j = i + 1; j < sample.length; j++) {
  let s = 0;
  for (let d = 0; d < DIM; d++) s += sample[i]![d]! * sample[j]![d]!;
  pairs.push(s);
}
const fmThresholds = thresholdsFrom([], pairs);
const index = createExactIndex({ dim: DIM, space: 'cosine', initialCapacity: trainVectors.length });
trainVectors.forEach((v, i) => index.add(i, v));
const byMatch = { similar: { n: 0, sameClass: 0 }, weak: { n: 0, sameClass: 0 } };
testIds.forEach((id, row) => {
  const q = fmTest.matrices[pooling].subarray(row * DIM, (row + 1) * DIM);
  for (const hit of index.search(q, { k: 10 })) {
    const m = matchOf(hit.score, { same: 1.01, similar: fmThresholds.similar });
    const bucket = m === 'weak' ? byMatch.weak : byMatch.similar;
    bucket.n++;
    if (train.labels[trainIds[hit.id]!] === test.labels[id]) bucket.sameClass++;
  }
});
index.close();
const fashion = {
  catalog: trainIds.length,
  queries: testIds.length,
  similarThreshold: round(fmThresholds.similar, 4),
  similarShareClass: round(byMatch.similar.sameClass / Math.max(1, byMatch.similar.n), 4),
  similarResults: byMatch.similar.n,
  weakShareClass: round(byMatch.weak.sameClass / Math.max(1, byMatch.weak.n), 4),
  weakResults: byMatch.weak.n,
};
log(`Fashion-MNIST: similar ≥ ${fashion.similarThreshold}: ${fashion.similarResults} of the top-10 results, ${fashion.similarShareClass} share the query's class (weak: ${fashion.weakShareClass})`);
await embedder.dispose();

const path = writeResult(mode, 'relevance', {
  settings: { edits: EDITS.map((e) => e.name), k: 10, search: 'core search (HNSW) on the ingested catalog' },
  wallSeconds: round((performance.now() - started) / 1000),
  results: { photos, fashion },
});
log(`wrote ${path}`);
