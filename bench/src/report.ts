// Generates BENCHMARKS.md (tables) and the charts (Vega-Lite → SVG, rendered in Node without a browser) from the
// result files alone, so every figure can be regenerated: `npm run bench -- --full --report-only`.
//   --full  → BENCHMARKS.md at the repository root, charts in bench/charts/ (both committed)
//   --quick → bench/results/quick/BENCHMARKS.md and bench/results/quick/charts/ (ignored by git)
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { BENCH_DIR, commandFor, log, readResult, REPO_ROOT, resultsDir, round, type Machine, type Mode, type ResultFile, type Spread } from './common.ts';
import { modeFromArgs } from './common.ts';

const mode: Mode = modeFromArgs();
const outMd = mode === 'full' ? join(REPO_ROOT, 'BENCHMARKS.md') : join(resultsDir(mode), 'BENCHMARKS.md');
const chartDir = mode === 'full' ? join(BENCH_DIR, 'charts') : join(resultsDir(mode), 'charts');
mkdirSync(chartDir, { recursive: true });
const mdDir = join(outMd, '..');

// ---------- result shapes (as the sections write them) ----------
interface CI {
  mean: number;
  ci95: number;
}
interface RetrievalMetrics {
  precisionAt10: CI;
  mapAt10: CI;
  top1Accuracy: CI;
  vote10Accuracy: CI;
  buildMs: number;
  msPerQuery: number;
}
interface Retrieval {
  parityMinCosine: number;
  variants: Array<{
    name: string;
    description: string;
    dim: number;
    fitMs: number;
    mapAt10VsAvg?: CI;
    exact: RetrievalMetrics;
    hnsw: RetrievalMetrics & { recallAt10VsExact: number };
  }>;
  hnswLoss: Array<{ name: string; precisionAt10: number; mapAt10: number; top1Accuracy: number }>;
  worstHnswLoss: number;
  hnswWithin1Percent: boolean;
  best: { name: string; mapAt10Gain: number; pairedGain?: CI | null; clearlyWins: boolean };
  heads?: { byPooling: Array<{ pooling: string; testAccuracy: CI; epochs: number; trainMs: number }>; gemVsAvg: CI };
}
interface NearDupProtocol {
  protocol: string;
  description: string;
  catalogSize: number;
  queries: number;
  recallAt1: CI;
  recallAt5: number;
  medianRank: number;
  perEdit: Array<{ edit: string; description: string; recallAt1: number; medianCosineToOriginal: number; worstRank: number }>;
  misses: Array<{ photo: string; edit: string; rank: number; cosine: number }>;
}
interface NearDup {
  photos: string[];
  A: NearDupProtocol;
  B: NearDupProtocol;
  pooling?: string;
  byPooling?: Array<{ pooling: string; A: { recallAt1: CI; recallAt5: number }; B: { recallAt1: CI; recallAt5: number } }>;
}
interface Speed {
  rows: Array<{ precision: string; layout: string; workers: number; batch: number; raw: number; embed: number; embedRatio: number; cliIngest: number | null; cliRatio: number | null }>;
  cli: Array<{ precision: string; layout: string; workers: number; batch: number; imagesPerSecond: number; runs: number[]; processSeconds: number; ratioToCeiling: number; stagesMsPerImage?: Record<string, number> }>;
  ceilings: Record<string, number>;
  int8IngestToFp32Ceiling: number;
  embeddingResult: string;
}
interface EmbeddingFile {
  rows: Array<{ precision: string; workers: number; batch: number; rawSpread?: { min: number; max: number }; endToEndSpread?: { min: number; max: number } }>;
}
interface IndexRow {
  ef: number;
  recallAt10: number;
  qpsWall: number;
  qpsCpu: number;
  msPerQueryCpu: number;
  speedupVsExactCpu: number;
}
interface IndexSize {
  name: string;
  real: boolean;
  data: string;
  n: number;
  dim: number;
  queries: number;
  M: number;
  efConstruction: number;
  buildSeconds: number;
  buildPerCpuSec: number;
  buildPerWallSec: number;
  snapshotMiB: number;
  exact: { msPerQueryWall: number; msPerQueryCpu: number; qpsCpu: number };
  rows: IndexRow[];
  bestAtRecall98: IndexRow | null;
  loadAverage: number;
}
interface IndexResults {
  sizes: IndexSize[];
  goal: { text: string; met: boolean; best: IndexRow | null } | null;
}
interface QueryTime {
  p50: number;
  p95: number;
  cpuMean?: number;
}
interface GrowthRow {
  items: number;
  added: number;
  storeInsertsPerSecond: number;
  storeInsertsPerCpuSecond?: number;
  indexAddsPerSecond: number;
  indexAddsPerCpuSecond?: number;
  cumulativeIngestSeconds: number;
  rssAboveBaseMiB: number;
  snapshotMiB: number;
  databaseMiB: number;
  query: { hnswMs: QueryTime; searchByVectorMs: QueryTime; exactMs: QueryTime };
}
interface Http {
  baseline: {
    inferenceMs: number;
    hnswMs: number;
    loupeSearchMs: number;
    before?: { inferenceMs: number; hnswMs: number; loupeSearchMs: number };
    after?: { inferenceMs: number; hnswMs: number; loupeSearchMs: number };
  };
  levels: Array<{
    connections: number;
    seconds: number;
    requests: number;
    throughputRps: number;
    latencyMs: { p50: number; p95: number; p99: number; max: number; mean: number };
    errors: number;
    timeouts: number;
    non2xx: number;
    rssMiB: number;
    overheadP50: number;
  }>;
  overhead: number;
  overheadGoalMet: boolean;
  errors: number;
  serverRssMiB: { before: number; after: number };
}

interface Soak {
  ok: boolean;
  kinds: Array<{
    name: string;
    what: string;
    hostile: boolean;
    expected: string;
    requests: number;
    statuses: Record<string, number>;
    warmUp?: Record<string, number>;
    busy503: number;
    unexpected: number;
    latencyMs: { p50: number; p99: number; max: number } | null;
  }>;
  overall: {
    requests: number;
    throughputRps: number;
    latencyMs: { p50: number; p99: number; max: number } | null;
    serverErrors: number;
    busy503: number;
    rateLimited429: number;
    hostileAnswered2xx: number;
    unexpected: number;
    connectionErrors: number;
    timeouts: number;
  };
  ingest: { photos: number; status: string; added: number; failed: number; seconds: number; doneDuringLoad: boolean; storedDuringLoad: number };
  healthAfter: number;
  serverRssMiB: { beforeLoad: number; peak: number; atLoadEnd: number; final: number };
  rssTimeline: Array<{ second: number; rssMiB: number }>;
  warmUpUnexpected?: number;
  unexpectedSamples: string[];
}

// ---------- charts ----------
async function chart(name: string, spec: Record<string, unknown>): Promise<string> {
  const full = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', config: { font: 'sans-serif', view: { stroke: null }, legend: { labelLimit: 360 } }, ...spec } as TopLevelSpec;
  const view = new vega.View(vega.parse(compile(full).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  const file = join(chartDir, `${name}.svg`);
  writeFileSync(file, `${svg}\n`);
  return relative(mdDir, file);
}

/** Horizontal bars of recall@1 (0–1), one row per `row`, a bar per `series` side by side. */
const recallBars = (name: string, title: string, values: Array<{ row: string; series: string; recall: number }>) =>
  chart(name, {
    title,
    data: { values },
    mark: 'bar',
    width: 360,
    height: { step: 9 },
    encoding: {
      y: { field: 'row', type: 'nominal', sort: null, title: null },
      yOffset: { field: 'series' },
      x: { field: 'recall', type: 'quantitative', title: 'recall@1', scale: { domain: [0, 1] } },
      color: { field: 'series', title: null, legend: { orient: 'bottom' } },
    },
  });

// ---------- markdown helpers ----------
const table = (head: string[], rows: Array<Array<string | number>>, align?: string[]): string =>
  [`| ${head.join(' | ')} |`, `|${(align ?? head.map((_, i) => (i === 0 ? ':--' : '--:'))).map((a) => (a === ':--' ? ':---' : a === '--:' ? '---:' : a)).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
const f = (x: number | null | undefined, d = 3) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(d));
const pct = (x: number | null | undefined, d = 0) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(d)}%`);
const ci = (c: CI, d = 3) => `${c.mean.toFixed(d)} ± ${c.ci95.toFixed(d)}`;
const yes = (b: boolean) => (b ? '**met**' : '**not met**');
const cmd = (section: string) => `\`${commandFor(section, mode)}\``;
const when = (r: ResultFile<unknown>) => `${r.date.slice(0, 16).replace('T', ' ')} UTC, load average ${r.machine.loadAverage1m} at start, ${r.wallSeconds} s`;

const parts: string[] = [];
const verdicts: string[] = [];
let machineInfo: Machine | undefined;
const sectionsFound: string[] = [];
/** Each section's own wall time, for the run-time line when no suite file recorded the section's run. */
const resultSeconds = new Map<string, { seconds: number; date: string }>();

function load<T>(name: string): ResultFile<T> | undefined {
  const r = readResult<T>(mode, name);
  if (r) {
    sectionsFound.push(name);
    resultSeconds.set(name, { seconds: r.wallSeconds, date: r.date });
    machineInfo ??= r.machine;
  }
  return r;
}

// 1. Retrieval
const retrieval = load<Retrieval>('retrieval');
if (retrieval) {
  const r = retrieval.results;
  const s = retrieval.settings as { catalog: { size: number; perClass: number }; queries: { size: number; perClass: number }; hnsw: { M: number; efConstruction: number; efSearch: number }; pcaFitSample: number };
  const base = r.variants[0]!;
  const rows = r.variants.map((v) => [
    v.name === 'gem' ? `**${v.name}** (Loupe's default)` : v.name === 'avg' ? `${v.name} (\`LOUPE_POOLING=avg\`)` : v.name,
    v.dim,
    ci(v.exact.precisionAt10),
    ci(v.exact.mapAt10),
    v.mapAt10VsAvg ? `${v.mapAt10VsAvg.mean >= 0 ? '+' : ''}${ci(v.mapAt10VsAvg)}` : '—',
    ci(v.exact.top1Accuracy),
    f(v.exact.vote10Accuracy.mean),
    f(v.hnsw.precisionAt10.mean),
    f(v.hnsw.mapAt10.mean),
    f(v.hnsw.top1Accuracy.mean),
    f(v.hnsw.recallAt10VsExact),
  ]);
  const img = await chart('retrieval', {
    title: `Fashion-MNIST retrieval, mAP@10 (catalog ${s.catalog.size}, ${s.queries.size} queries)`,
    data: { values: r.variants.flatMap((v) => [
      { variant: v.name, search: 'exact', mAP: v.exact.mapAt10.mean, lo: v.exact.mapAt10.mean - v.exact.mapAt10.ci95, hi: v.exact.mapAt10.mean + v.exact.mapAt10.ci95 },
      { variant: v.name, search: 'HNSW (defaults)', mAP: v.hnsw.mapAt10.mean, lo: v.hnsw.mapAt10.mean - v.hnsw.mapAt10.ci95, hi: v.hnsw.mapAt10.mean + v.hnsw.mapAt10.ci95 },
    ]) },
    width: 420,
    height: { step: 11 },
    encoding: { y: { field: 'variant', type: 'nominal', sort: null, title: null }, yOffset: { field: 'search' }, color: { field: 'search', title: 'search' } },
    layer: [
      { mark: 'bar', encoding: { x: { field: 'mAP', type: 'quantitative', title: 'mAP@10', scale: { domain: [0, 1] } } } },
      { mark: { type: 'rule', color: 'black' }, encoding: { x: { field: 'lo', type: 'quantitative' }, x2: { field: 'hi' } } },
    ],
  });
  const loss = r.worstHnswLoss;
  verdicts.push(`Retrieval: HNSW at the defaults loses at most ${f(loss, 4)} (absolute) against exact on any metric and variant — goal ≤ 1%: ${yes(r.hnswWithin1Percent)}.`);
  verdicts.push(
    r.best.name === 'avg'
      ? 'Retrieval: no post-processing variant beat the average-pooled vector on mAP@10.'
      : `Retrieval: best variant by mAP@10 is \`${r.best.name}\` (${r.best.mapAt10Gain >= 0 ? '+' : ''}${f(r.best.mapAt10Gain, 4)} over the average-pooled vector${r.best.pairedGain ? `, paired 95% interval ±${f(r.best.pairedGain.ci95, 4)}` : ''}) — ${r.best.clearlyWins ? 'a clear win (the paired interval excludes 0)' : 'within noise, not a clear win'}${r.best.name === 'gem' ? '; GeM is Loupe’s default vector' : ''}.`,
  );
  parts.push(`## 1. Retrieval quality on Fashion-MNIST

${cmd('retrieval')} — ${when(retrieval)}

Catalog: the first ${s.catalog.perClass} images of each class of the **training** split (${s.catalog.size} items); queries: the first
${s.queries.perClass} of each class of the **test** split (${s.queries.size}). 28×28 greyscale, upscaled to 224×224 by Loupe's own resize;
vectors from the same ONNX model (the \`avg\` and \`gem\` vectors equal \`embedder.embed()\` with that pooling on the raw picture: min cosine
${f(r.parityMinCosine, 6)}). Relevant = same class. P@10 = share of the 10 results of the query's class; mAP@10 = mean of
Σᵢ P@i·relᵢ / 10; top-1 = 1-NN accuracy; vote = 10-NN majority accuracy. ± is the 95% interval over queries. HNSW:
M ${s.hnsw.M}, efConstruction ${s.hnsw.efConstruction}, efSearch ${s.hnsw.efSearch} (the defaults). Post-processing is fitted on the catalog only
(PCA on ${s.pcaFitSample} catalog vectors); "pcaw" = PCA whitening, "half" = eigenvalues^-1/4, GeM p = 3, "cam" = feature map
pooled with the top-1 class activation map as weights.

${table(['variant', 'dim', 'P@10 exact', 'mAP@10 exact', 'Δ mAP@10 vs avg (paired)', 'top-1 exact', 'vote exact', 'P@10 HNSW', 'mAP@10 HNSW', 'top-1 HNSW', 'HNSW recall@10 vs exact'], rows)}

![mAP@10 per variant](${img})

HNSW's largest loss against exact over all variants and metrics: **${f(loss, 4)}** (goal ≤ 0.01: ${yes(r.hnswWithin1Percent)}).
Best variant by exact mAP@10: **${r.best.name}** (${r.best.mapAt10Gain >= 0 ? '+' : ''}${f(r.best.mapAt10Gain, 4)} vs \`avg\` ${f(base.exact.mapAt10.mean, 4)};
${r.best.pairedGain ? `paired per-query difference ${ci(r.best.pairedGain, 4)}; ` : ''}${r.best.clearlyWins ? 'the paired interval excludes 0 — a clear win' : 'the paired interval includes 0 — not a clear win'}).
${
  r.heads
    ? `
**The pooling under a transfer-learning head.** A softmax head (\`@loupe/heads\` defaults, seed 1) trained on the
catalog's vectors of each pooling, tested on the query vectors:

${table(
  ['pooling', 'head test accuracy', 'epochs', 'training'],
  r.heads.byPooling.map((h) => [h.pooling, ci(h.testAccuracy), h.epochs, `${f(h.trainMs / 1000, 1)} s`]),
)}

GeM minus avg, paired per query: ${ci(r.heads.gemVsAvg, 4)}.
`
    : ''
}
${(retrieval.notes ?? []).map((n) => `- ${n}`).join('\n')}
`);
}

// 2. Near-duplicates
const nd = load<NearDup>('near-duplicate');
if (nd) {
  const r = nd.results;
  const edits = r.A.perEdit.map((e, i) => [e.edit, e.description, f(e.recallAt1, 2), f(r.B.perEdit[i]!.recallAt1, 2), f(e.medianCosineToOriginal, 3), r.B.perEdit[i]!.worstRank]);
  const img = await recallBars(
    'near-duplicate',
    'Near-duplicate recall@1 per edit',
    [r.A, r.B].flatMap((p) => p.perEdit.map((e) => ({ row: e.edit, series: `${p.protocol}: ${p.protocol === 'A' ? 'Fashion-MNIST distractors' : 'other photos’ edits'}`, recall: e.recallAt1 }))),
  );
  verdicts.push(`Near-duplicates: recall@1 ${f(r.A.recallAt1.mean, 3)} among Fashion-MNIST distractors, ${f(r.B.recallAt1.mean, 3)} among the other photos' edits.`);
  parts.push(`## 2. Near-duplicate retrieval on real photos

${cmd('near-duplicate')} — ${when(nd)}

Each of the ${r.photos.length} committed photos (\`tests/fixtures/photos\`) is edited ${r.A.perEdit.length} ways; each edit is a query, through
\`embedder.embed()\` on the encoded bytes and exact cosine search; a hit is the original ranked first.

| protocol | catalog | queries | recall@1 | recall@5 | median rank of the original |
|:--|--:|--:|--:|--:|--:|
| A: ${r.A.description} | ${r.A.catalogSize} | ${r.A.queries} | ${ci(r.A.recallAt1)} | ${f(r.A.recallAt5)} | ${r.A.medianRank} |
| B: ${r.B.description} | ${r.B.catalogSize} (per query) | ${r.B.queries} | ${ci(r.B.recallAt1)} | ${f(r.B.recallAt5)} | ${r.B.medianRank} |

${table(['edit', 'what', 'recall@1 (A)', 'recall@1 (B)', 'median cosine to original', 'worst rank (B)'], edits, [':--', ':--', '--:', '--:', '--:', '--:'])}

![near-duplicate recall per edit](${img})

${
  r.byPooling
    ? `The same queries with each pooling (the tables above use ${r.pooling ?? 'the default'}):

${table(
  ['pooling', 'recall@1 (A)', 'recall@5 (A)', 'recall@1 (B)', 'recall@5 (B)'],
  r.byPooling.map((p) => [p.pooling, ci(p.A.recallAt1), f(p.A.recallAt5), ci(p.B.recallAt1), f(p.B.recallAt5)]),
)}
`
    : ''
}
${r.B.misses.length ? `Misses in B: ${r.B.misses.map((m) => `${m.photo} ${m.edit} (rank ${m.rank})`).join(', ')}.` : 'No misses in B.'}
`);
}

// 2b. Match strength
interface Relevance {
  photos: {
    catalogPhotos: number;
    heldOutPhotos: number;
    thresholds: { same: number; similar: number };
    sameRecall: number;
    samePrecision: number;
    heldOutWithSame: number;
    heldOutQueries: number;
    heldOutTopMatch: Record<string, number>;
    perEdit: Array<{ edit: string; recall: number }>;
    misses: Array<{ photo: string; edit: string; topScore: number }>;
  };
  fashion: { catalog: number; queries: number; similarThreshold: number; similarShareClass: number; similarResults: number; weakShareClass: number; weakResults: number };
}
const rel = load<Relevance>('relevance');
if (rel) {
  const { photos: p, fashion: fm } = rel.results;
  verdicts.push(`Match strength: "same" recall ${f(p.sameRecall, 3)} and precision ${f(p.samePrecision, 3)} on held-out edits; ${p.heldOutWithSame} of ${p.heldOutQueries} out-of-catalog queries got a "same".`);
  parts.push(`## 2b. Match strength: "same", "similar", "weak"

${cmd('relevance')} — ${when(rel)}

Each catalog measures its own thresholds when it is ingested (\`packages/core/src/relevance.ts\`): "same" from edited
copies of its items (other edits than the ones below), "similar" from pairs of its items. Here ${p.catalogPhotos} real
photos form the catalog and ${p.heldOutPhotos} others (split by scene, so a stereo pair stays on one side) are held out;
every edit of the near-duplicate benchmark is a query. The catalog chose **same ≥ ${f(p.thresholds.same, 4)}** and
**similar ≥ ${f(p.thresholds.similar, 4)}**. A cosine "same" is then checked geometrically against the item's original
(ORB + RANSAC homography inliers, \`packages/core/src/verify-same.ts\`): a photo of a similar scene that is not the
same photo becomes "similar", and so may an edit too deformed to match (it is then listed among the misses).

| measure | value | target |
|:--|--:|--:|
| recall of "same" (the edited copy's original comes back as "same") | ${f(p.sameRecall, 3)} | ≥ 0.95 |
| precision of "same" (same results that are the query's own photo or scene) | ${f(p.samePrecision, 3)} | ≥ 0.98 |
| held-out queries (not in the catalog) given any "same" | ${p.heldOutWithSame} of ${p.heldOutQueries} | 0 |
| held-out queries whose best result is similar / weak | ${p.heldOutTopMatch.similar ?? 0} / ${p.heldOutTopMatch.weak ?? 0} | |

${table(['edit', 'recall of "same"'], p.perEdit.map((e) => [e.edit, f(e.recall, 2)]), [':--', '--:'])}

${p.misses.length ? `Missed: ${p.misses.map((m) => `${m.photo} ${m.edit} (${m.topScore})`).join(', ')}.` : 'No edited copy was missed.'}

Fashion-MNIST (${fm.catalog} training images as the catalog, ${fm.queries} test images as queries, top 10 each): the
catalog's own pairs put "similar" at ≥ ${f(fm.similarThreshold, 4)}; **${pct(fm.similarShareClass)}** of the ${fm.similarResults}
"similar" results share the query's class, against ${pct(fm.weakShareClass)} of the ${fm.weakResults} "weak" ones.
`);
}

// 2c. Search by object
interface Objects {
  catalogPhotos: number;
  queries: number;
  recallAt1: { wholeImage: number; byObject: number };
  pastedObjectDetected: number;
  perLabel: Array<{ label: string; queries: number; wholeImage: number; byObject: number }>;
  detectMsPerPhoto: { median: number; min: number; max: number };
  ingest: { objectsOff: { imagesPerSecond: number }; objectsOn: { imagesPerSecond: number } };
  misses: Array<{ source: string; label: string; background: string; detected: boolean }>;
}
const objects = load<Objects>('objects');
if (objects) {
  const o = objects.results;
  const found = o.queries - o.misses.filter((m) => !m.detected).length;
  const img = await recallBars(
    'objects',
    'Pasted objects: source item first (of the queries per class)',
    o.perLabel.flatMap((l) => [
      { row: l.label, series: 'whole image', recall: l.wholeImage / l.queries },
      { row: l.label, series: 'by object', recall: l.byObject / l.queries },
    ]),
  );
  verdicts.push(`Search by object: recall@1 ${f(o.recallAt1.byObject, 3)} against ${f(o.recallAt1.wholeImage, 3)} for whole-image search on ${o.queries} pasted objects.`);
  parts.push(`## 2c. Search by object

${cmd('objects')} — ${when(objects)}

The ${o.catalogPhotos} committed photos are the catalog, ingested with objects. Each hand-labelled object (\`tests/fixtures/photos/boxes.json\`,
not the detector's boxes) covering at least 2% of its photo is cut out and pasted, 30–50% of the width, at a random
place, into another catalog photo: ${o.queries} queries. Found = the source item is the first result.

| search | recall@1 |
|:--|--:|
| whole image (the composite's vector) | ${f(o.recallAt1.wholeImage, 3)} |
| **by object** (\`search --objects\`: the query object covering the paste, IoU ≥ 0.3) | **${f(o.recallAt1.byObject, 3)}** |

The detector found an object over the paste in ${pct(o.pastedObjectDetected)} of the queries; given that, object search
found the source in ${o.queries ? `${o.queries - o.misses.length} of ${found}` : '—'}. The misses are mostly classes COCO does not have (rocket, pagoda, butterfly,
squirrel): CenterNet does not box them, so there is no object to search with (a drawn region still matches the items' objects).

${table(['object', 'queries', 'whole image', 'by object'], o.perLabel.map((l) => [l.label, l.queries, l.wholeImage, l.byObject]), [':--', '--:', '--:', '--:'])}

![recall@1 per object class, whole image vs by object](${img})

Cost, same run: detection (CenterNet + the fused crop pass, CPU) takes **${f(o.detectMsPerPhoto.median, 0)} ms** per photo (median; ${f(o.detectMsPerPhoto.min, 0)}–${f(o.detectMsPerPhoto.max, 0)});
ingest of the same photos runs at **${f(o.ingest.objectsOff.imagesPerSecond, 2)}** images/s with objects off and **${f(o.ingest.objectsOn.imagesPerSecond, 2)}** with
objects on (a catalog created with \`--objects off\`, \`ingest --no-objects\` or \`LOUPE_OBJECTS=off\` when throughput matters more than search by object).
`);
}

// 2d. How an object's vector is made
type ObjectVariant = 'crop' | 'map7-overlap' | 'map7-centre' | 'map14-overlap' | 'map14-centre' | 'masked-crop';
interface ObjectVectors {
  catalogPhotos: number;
  catalogObjects: number;
  queries: number;
  pastedObjectDetected: number;
  recallAt1: Record<ObjectVariant | 'wholeImage', number>;
  givenDetected: Record<ObjectVariant, { queries: number; recallAt1: number; medianMargin: number }>;
  msPerPhoto: Record<'detect' | 'wholePass' | 'cropPass' | 'pool7' | 'pass448AndPool14' | 'segmentation' | 'maskedCropPass', Spread>;
  variantMsPerPhoto: Record<ObjectVariant, number>;
  perLabel: Array<{ label: string; queries: number; detected: number; wholeImage: number } & Record<ObjectVariant, number>>;
}
const objectVectors = load<ObjectVectors>('object-vectors');
if (objectVectors) {
  const o = objectVectors.results;
  const ways: Array<[ObjectVariant, string, string]> = [
    ['crop', "**crop pass** (today): the crop's own 224×224 pass, GeM", "one batched pass over the candidates' crops, which fusion's labels need anyway"],
    ['map7-overlap', "the photo's own 7×7 map, GeM over the cells the box overlaps, weighted by overlap", 'pooling only (JavaScript)'],
    ['map7-centre', "the photo's own 7×7 map, GeM over the cells whose centre is in the box", 'pooling only (JavaScript)'],
    ['map14-overlap', 'a 14×14 map (the photo at 448×448), cells weighted by overlap', 'a 448×448 pass of the photo + pooling'],
    ['map14-centre', 'a 14×14 map (the photo at 448×448), cells whose centre is in the box', 'a 448×448 pass of the photo + pooling'],
    ['masked-crop', "masked crop: the crop pass with the pixels outside the object's mask set to ImageNet's mean colour", 'masks (a 448×448 pass per object + GrabCut) + a pass over the masked crops'],
  ];
  const g = o.givenDetected.crop.queries;
  const compared = (v: ObjectVariant) => {
    const d = o.givenDetected[v].recallAt1 - o.givenDetected.crop.recallAt1;
    return Math.abs(d) < 1e-9 ? 'as many as' : d < 0 ? 'fewer than' : 'more than';
  };
  const maskedLosses = o.perLabel.filter((l) => l['masked-crop'] < l.crop).map((l) => `${l.label} (${l['masked-crop']} of ${l.crop})`);
  verdicts.push(
    `Object vectors: crop pass recall@1 ${f(o.recallAt1.crop, 3)} (${f(o.variantMsPerPhoto.crop, 0)} ms/photo, shared with fusion), pooling the photo's 7×7 map ${f(o.recallAt1['map7-overlap'], 3)} (${f(o.variantMsPerPhoto['map7-overlap'], 0)} ms), masked crop ${f(o.recallAt1['masked-crop'], 3)} (+${f(o.variantMsPerPhoto['masked-crop'], 0)} ms): the crop pass stays.`,
  );
  parts.push(`## 2d. How an object's vector is made

${cmd('object-vectors')} — ${when(objectVectors)}

§2c's ${o.queries} pasted objects (the same seed, the same pastes), searched in memory. Each of the ${o.catalogPhotos} catalog photos and each
composite is detected once (CenterNet + the fused crop pass, as ingest does; ${o.catalogObjects} objects in the catalog); every detected
object then gets one vector per way below, made the same way for the catalog's objects and for the query object (the
detected object over the paste, IoU ≥ 0.3), and the search is exact, each item scored by its best object. Found = the
source item first. *Margin*: the source item's score minus the best other item's (median over the ${g} queries with an
object over the paste; larger separates better). *ms per photo*: the median, over all ${o.msPerPhoto.detect.n} photos analysed (catalog,
composites), of the work that makes the objects' vectors on top of CenterNet and the whole-image pass.

${table(
  ['object vector', 'work it adds per photo', 'ms per photo', 'recall@1', `given an object over the paste (${g})`, 'margin'],
  [
    ['whole image, no objects (baseline)', '—', '—', f(o.recallAt1.wholeImage, 3), '—', '—'],
    ...ways.map(([v, what, work]) => [what, work, f(o.variantMsPerPhoto[v], 0), f(o.recallAt1[v], 3), f(o.givenDetected[v].recallAt1, 3), f(o.givenDetected[v].medianMargin, 3)]),
  ],
  [':--', ':--', '--:', '--:', '--:', '--:'],
)}

Same run, per photo (median; min–max): detection ${f(o.msPerPhoto.detect.median, 0)} ms (${f(o.msPerPhoto.detect.min, 0)}–${f(o.msPerPhoto.detect.max, 0)}), of which the crop pass ${f(o.msPerPhoto.cropPass.median, 0)} ms
(${f(o.msPerPhoto.cropPass.min, 0)}–${f(o.msPerPhoto.cropPass.max, 0)}); the whole-image pass ${f(o.msPerPhoto.wholePass.median, 0)} ms; masks ${f(o.msPerPhoto.segmentation.median, 0)} ms (${f(o.msPerPhoto.segmentation.min, 0)}–${f(o.msPerPhoto.segmentation.max, 0)}) and the masked crops' pass
${f(o.msPerPhoto.maskedCropPass.median, 0)} ms. Masks and the masked pass grow with the number of objects; the crop pass with the number of candidates
(down to score 0.15, at most 40), as fusion crops them all.

${table(['object', 'queries', 'detected', 'whole image', ...ways.map(([v]) => v)], o.perLabel.map((l) => [l.label, l.queries, l.detected, l.wholeImage, ...ways.map(([v]) => l[v])]), [':--', ...Array(3 + ways.length).fill('--:')])}

**Conclusion (this run): the crop pass stays.** It finds the most (${f(o.givenDetected.crop.recallAt1, 3)} of the queries with an object
over the paste) with the widest margin, and its pass is not extra: fusion runs it over the same crops for the labels,
and the vectors come out of that pass. Pooling the photo's own 7×7 map costs nothing (${f(o.variantMsPerPhoto['map7-overlap'], 0)} ms) but finds less
(${f(o.givenDetected['map7-overlap'].recallAt1, 3)}): a cell is a seventh of the photo's side, so a box's cells carry what lies around the object.
At 14×14 it finds ${compared('map14-overlap')} the crop pass (margin ${f(o.givenDetected['map14-overlap'].medianMargin, 3)}), and the 448×448 pass costs more than the crop pass
itself (${f(o.variantMsPerPhoto['map14-overlap'], 0)} against ${f(o.variantMsPerPhoto.crop, 0)} ms). The masked crop adds masks and a second pass (${f(o.variantMsPerPhoto['masked-crop'], 0)} ms per photo) and finds
${compared('masked-crop')} the crop pass (${f(o.givenDetected['masked-crop'].recallAt1, 3)}${maskedLosses.length ? `; it loses ${maskedLosses.join(', ')}, why was not examined` : ''}), so masking is not
kept for vectors. Caveats: ${g} queries with an object over the paste (one query is ${f(100 / Math.max(1, g), 1)} points); the margins of
different ways come from different vector spaces and compare only roughly; the times are wall-clock on a shared
2-core machine (load average above).
`);
}

// 3. Speed
const speed = load<Speed>('speed');
if (speed) {
  const r = speed.results;
  let spreads: EmbeddingFile | undefined;
  try {
    spreads = JSON.parse(readFileSync(join(REPO_ROOT, r.embeddingResult), 'utf8')) as EmbeddingFile;
  } catch {
    spreads = undefined;
  }
  type Row = Speed['rows'][number];
  const range = (x: Row, k: 'rawSpread' | 'endToEndSpread') => {
    const s = spreads?.rows.find((y) => y.precision === x.precision && y.workers === x.workers && y.batch === x.batch)?.[k];
    return s ? ` (${s.min.toFixed(1)}–${s.max.toFixed(1)})` : '';
  };
  const cliRange = (x: Row) => {
    const c = r.cli.find((y) => y.precision === x.precision && y.workers === x.workers && y.batch === x.batch);
    return c && c.runs.length > 1 ? ` (${Math.min(...c.runs).toFixed(1)}–${Math.max(...c.runs).toFixed(1)})` : '';
  };
  const rows = r.rows.map((x) => [x.precision, x.layout, x.batch, `${x.raw.toFixed(1)}${range(x, 'rawSpread')}`, `${x.embed.toFixed(1)}${range(x, 'endToEndSpread')}`, pct(x.embedRatio), x.cliIngest === null ? '—' : `${x.cliIngest.toFixed(1)}${cliRange(x)}`, pct(x.cliRatio)]);
  const config = (x: Row) => `${x.precision}, ${x.layout}, batch ${x.batch}`;
  const img = await chart('speed', {
    title: 'Images per second: raw session.run vs embed() vs CLI ingest',
    data: { values: r.rows.flatMap((x) => [
      { config: config(x), path: '1 raw session.run', rate: x.raw },
      { config: config(x), path: '2 embed() from JPEG', rate: x.embed },
      ...(x.cliIngest !== null ? [{ config: config(x), path: '3 loupe ingest (CLI)', rate: x.cliIngest }] : []),
    ]) },
    mark: 'bar',
    width: 380,
    height: { step: 10 },
    encoding: {
      y: { field: 'config', type: 'nominal', sort: null, title: null },
      yOffset: { field: 'path' },
      x: { field: 'rate', type: 'quantitative', title: 'images / second' },
      color: { field: 'path', title: null, legend: { orient: 'bottom', columns: 1 } },
    },
  });
  const pooled = (p: string) => r.cli.find((x) => x.precision === p && x.workers > 0);
  const inline = (p: string) => r.cli.find((x) => x.precision === p && x.workers === 0);
  const bestRatio = Math.max(...r.cli.map((x) => x.ratioToCeiling));
  verdicts.push(
    `Speed: the CLI's ingest reaches at best ${pct(bestRatio)} of its precision's raw ceiling (goal ≥ 85%: ${yes(bestRatio >= 0.85)}); ` +
      `int8 ingest is ${f(r.int8IngestToFp32Ceiling, 2)}× the raw fp32 ceiling (goal ≥ 1.5×: ${yes(r.int8IngestToFp32Ceiling >= 1.5)}); ` +
      `the inference pool ingests ${['fp32', 'int8'].map((p) => `${p} ${f((pooled(p)?.imagesPerSecond ?? NaN) / (inline(p)?.imagesPerSecond ?? NaN), 2)}×`).join(', ')} as fast as one session on the main thread.`,
  );
  parts.push(`## 3. Embedding speed

${cmd('speed')} — ${when(speed)}

Two layouts of the CPU, for the fp32 and the int8 model: **1 session × 2 threads** on the main thread (\`--workers 0
--threads 2\`), and the **inference pool**, 2 worker threads with a session of 1 thread each (the default here,
\`packages/embedding/src/inference-pool.ts\`). Raw = \`session.run\` on ready 224×224 tensors, the pool with a batch per
worker in flight; a precision's **ceiling** is its best raw rate at batch ${r.rows.find((x) => x.cliIngest !== null)?.batch ?? 8}: fp32 ${f(r.ceilings.fp32 ?? NaN, 1)}, int8
${f(r.ceilings.int8 ?? NaN, 1)} images/s. embed() = \`embedder.embed(paths)\` from the JPEG test photos (read, decode,
resize, inference, normalise; \`packages/embedding/bench/embed-bench.ts\`); CLI ingest = \`loupe ingest <folder> --json
--precision P --workers W --threads T --batch-size 8\` with \`LOUPE_OBJECTS=off\` on distinct JPEGs made from the photos
(hash, decode, inference, CAM boxes, thumbnail, database writes, index add; rate over the ingest's own \`tookMs\`, i.e.
without process start and model load). Medians, (min–max) over the repeats; ratios are to the precision's ceiling.

${table(['precision', 'layout', 'batch', 'raw (img/s)', 'embed() (img/s)', 'embed / ceiling', 'CLI ingest (img/s)', 'CLI / ceiling'], rows)}

int8 ingest at its best is **${f(r.int8IngestToFp32Ceiling, 2)}×** the raw fp32 ceiling (goal ≥ 1.5×).

![throughput vs raw](${img})

Why a pool of threads: onnxruntime-node's \`session.run\` holds the JavaScript thread that calls it for the whole
forward pass (no timer fires during it), and two sessions awaited together from one thread do not overlap. In worker
threads, two sessions of one thread each run at the same time, and the main thread stays free to decode, write the
database and answer queries.

**Where the time goes**: the ingest's own stage timers (\`stagesMs\` in \`loupe ingest --json\`), per image, from the
median run of each row above: wall time spent in each stage, summed over items. Stages overlap (the network works
while earlier items are stored, and a batch is decoded while others run), so a row adds up to more than the wall time
per image; inference counts from a batch's hand-over to its outputs, a wait for a free worker included.

${table(['precision', 'layout', 'wall / image', 'prepare (read, hash, probe)', 'decode + resize', 'inference', 'files (original + thumbnail)', 'database', 'index'], r.cli.filter((c) => c.stagesMsPerImage).map((c) => { const s = c.stagesMsPerImage!; return [c.precision, c.layout, `${f(1000 / c.imagesPerSecond, 1)} ms`, ...['prepare', 'decode', 'inference', 'files', 'database', 'index'].map((k) => `${f(s[k] ?? NaN, 1)} ms`)]; }))}

Read it as: inference per image against the wall time per image says how much of the ingest the network is; the
stages besides it are work on the same two cores.
`);
}

// 4. Index
const idx = load<IndexResults>('index');
if (idx) {
  const r = idx.results;
  const s = idx.settings as { oneMillion: string };
  const tables = r.sizes
    .map(
      (z) => `**${z.n.toLocaleString('en')} × ${z.dim}, ${z.real ? 'real' : 'synthetic'}** — ${z.data}; ${z.queries} queries. Build (M ${z.M}, efConstruction ${z.efConstruction}): ${z.buildSeconds} s wall, ${z.buildPerCpuSec} vectors/CPU-s; snapshot ${z.snapshotMiB} MiB. Exact scan: ${f(z.exact.msPerQueryCpu, 2)} CPU ms/query (${z.exact.qpsCpu} q/CPU-s).

${table(['ef', 'recall@10', 'queries/CPU-s', 'queries/s (wall)', 'CPU ms/query', 'speed-up vs exact'], z.rows.map((x) => [x.ef, f(x.recallAt10, 4), x.qpsCpu, x.qpsWall, f(x.msPerQueryCpu, 3), `${x.speedupVsExactCpu}×`]))}
`,
    )
    .join('\n');
  const img = await chart('index', {
    title: 'HNSW: recall@10 vs queries per CPU-second (points: ef; squares: exact scan)',
    data: { values: r.sizes.flatMap((z) => [
      ...z.rows.map((x) => ({ data: `${z.n.toLocaleString('en')} ${z.real ? 'real' : 'synthetic'}`, qps: x.qpsCpu, recall: x.recallAt10, ef: `ef ${x.ef}`, kind: 'HNSW' })),
      { data: `${z.n.toLocaleString('en')} ${z.real ? 'real' : 'synthetic'}`, qps: z.exact.qpsCpu, recall: 1, ef: 'exact', kind: 'exact' },
    ]) },
    width: 420,
    height: 260,
    encoding: {
      x: { field: 'qps', type: 'quantitative', scale: { type: 'log' }, title: 'queries per CPU-second (log)' },
      y: { field: 'recall', type: 'quantitative', scale: { zero: false }, title: 'recall@10 vs exact' },
      color: { field: 'data', type: 'nominal', title: 'vectors' },
    },
    layer: [
      { transform: [{ filter: "datum.kind === 'HNSW'" }], mark: { type: 'line', point: true } },
      { transform: [{ filter: "datum.kind === 'exact'" }], mark: { type: 'square', size: 80 } },
      { transform: [{ filter: "datum.kind === 'HNSW'" }], mark: { type: 'text', dx: 4, dy: -7, fontSize: 9, align: 'left' }, encoding: { text: { field: 'ef' } } },
    ],
  });
  const big = r.sizes.find((z) => z.n === 100_000);
  if (r.goal)
    verdicts.push(
      `Index: at 100k × 2048 (synthetic) the fastest ef with recall@10 ≥ 0.98 is ${r.goal.best ? `ef ${r.goal.best.ef}: recall ${f(r.goal.best.recallAt10, 4)} at ${r.goal.best.speedupVsExactCpu}× the exact scan's speed` : 'none'} — goal ≥ 50×: ${yes(r.goal.met)}.`,
    );
  parts.push(`## 4. Index: HNSW vs exact

${cmd('index')} — ${when(idx)}

Runs \`packages/vector-index/bench/index-bench.ts\` per size: exact ground truth, then HNSW at the default M / efConstruction over
an ef sweep. Speeds are per CPU-second of the benchmark process (the steadier figure on a shared machine; wall-clock q/s
also listed). ${big ? `Goal at 100k: recall@10 ≥ 0.98 at ≥ 50× exact — ${r.goal ? yes(r.goal.met) : '—'}.` : ''}

${tables}
![recall vs QPS](${img})

1M vectors: ${s.oneMillion}.
`);
}

// 5. HTTP
const http = load<Http>('http');
if (http) {
  const r = http.results;
  const s = http.settings as { catalog: { items: number }; durationSeconds: number };
  const rows = r.levels.map((l) => [l.connections, l.requests, f(l.throughputRps, 2), l.latencyMs.p50, l.latencyMs.p95, l.latencyMs.p99, l.latencyMs.max, l.errors + l.non2xx, l.timeouts, l.rssMiB, `${l.overheadP50}×`]);
  const img = await chart('http', {
    title: 'POST /api/v1/search latency under load',
    data: { values: r.levels.flatMap((l) => (['p50', 'p95', 'p99'] as const).map((p) => ({ clients: `${l.connections} client${l.connections > 1 ? 's' : ''}`, percentile: p, ms: l.latencyMs[p] }))) },
    mark: 'bar',
    width: 360,
    height: { step: 12 },
    encoding: {
      y: { field: 'clients', type: 'nominal', sort: null, title: null },
      yOffset: { field: 'percentile' },
      x: { field: 'ms', type: 'quantitative', title: 'latency (ms)' },
      color: { field: 'percentile', title: null },
    },
  });
  const p50 = r.levels[0]?.latencyMs.p50 ?? Number.NaN;
  const vs = (b?: { inferenceMs: number; hnswMs: number }) => (b ? round(p50 / (b.inferenceMs + b.hnswMs), 2) : undefined);
  const ratios = [vs(r.baseline.before), vs(r.baseline.after)].filter((x): x is number => x !== undefined);
  const spreadText = ratios.length === 2 ? ` (${ratios[0]}× against the in-process time measured before the runs, ${ratios[1]}× against the one measured after)` : '';
  verdicts.push(
    `HTTP: p50 at 1 client is ${r.overhead}× (inference + HNSW in-process)${spreadText} — goal ≤ 1.3×: ${yes(r.overheadGoalMet && ratios.every((x) => x <= 1.3))}; errors ${r.errors} (${r.errors === 0 ? 'goal met' : 'NOT 0'}).`,
  );
  parts.push(`## 5. The HTTP service under load

${cmd('http')} — ${when(http)}

\`next start\` on 127.0.0.1 (\`apps/web/test/server.ts\`), a data directory holding ${s.catalog.items} items; autocannon posts the 14 test photos in
turn to \`/api/v1/search\` (k = 10) with 1, 4 and 8 connections for ${s.durationSeconds} s each. In-process on the same data (mean of the
medians measured before the server started and after it stopped${r.baseline.before && r.baseline.after ? `: inference ${r.baseline.before.inferenceMs} / ${r.baseline.after.inferenceMs} ms` : ''}):
inference (one image: classes + vector + CAM boxes) p50 **${r.baseline.inferenceMs} ms**, HNSW query **${r.baseline.hnswMs} ms**,
\`loupe.search()\` (adds the database hydration, and the geometric check of a "same" result, §2b) ${r.baseline.loupeSearchMs} ms. Overhead = HTTP p50 / (inference + HNSW)${spreadText}; a ratio
below 1 only means the machine's load moved between the two measurements. Every query here is a photo of the catalog,
so each one's results hold a "same" (the photo itself), which the check reads, decodes and matches against the query:
that is most of the gap between \`loupe.search()\` and inference + HNSW, and of the HTTP overhead.

${table(['clients', 'requests', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'errors', 'timeouts', 'server RSS MiB', 'p50 / in-process'], rows)}

Server RSS (process tree): ${r.serverRssMiB.before} MiB after warm-up, ${r.serverRssMiB.after} MiB after the runs.

![latency percentiles](${img})

${(http.notes ?? []).map((n) => `- ${n}`).join('\n')}
`);
}

// 5b. Soak: hostile traffic during an ingest
const soak = load<Soak>('soak');
if (soak) {
  const r = soak.results;
  const s = soak.settings as { durationSeconds: number; connections: number; catalog: { items: number }; ingest: { photos: number } };
  const o = r.overall;
  const ms = (l: { p50: number; p99: number } | null, p: 'p50' | 'p99') => (l ? l[p] : '—');
  const codes = (c: Record<string, number> | undefined) =>
    Object.entries(c ?? {})
      .map(([code, n]) => `${code} × ${n}`)
      .join(', ') || '—';
  const rows = r.kinds.map((k) => [
    `${k.name}${k.hostile ? '' : ' (good)'}`,
    k.requests,
    codes(k.statuses),
    codes(k.warmUp),
    k.expected,
    ms(k.latencyMs, 'p50'),
    ms(k.latencyMs, 'p99'),
    k.unexpected === 0 ? '0' : `**${k.unexpected}**`,
  ]);
  const img = await chart('soak', {
    title: `Server RSS during the soak (${s.connections} clients, ${s.durationSeconds} s, then the ingest's end)`,
    width: 480,
    height: 180,
    layer: [
      { data: { values: r.rssTimeline }, mark: 'line', encoding: { x: { field: 'second', type: 'quantitative', title: 'seconds since the load began' }, y: { field: 'rssMiB', type: 'quantitative', title: 'RSS (MiB, process tree)' } } },
      { data: { values: [{ second: s.durationSeconds }] }, mark: { type: 'rule', strokeDash: [4, 4] }, encoding: { x: { field: 'second', type: 'quantitative' } } },
    ],
  });
  const ing = r.ingest;
  verdicts.push(
    `Soak: ${o.requests} requests from ${s.connections} clients in ${s.durationSeconds} s of mixed good and hostile traffic during an ingest (${ing.added} of ${ing.photos} photos stored, ${ing.status}): ` +
      `5xx other than 503 BUSY ${o.serverErrors}, hostile answered 2xx ${o.hostileAnswered2xx}, connection errors ${o.connectionErrors}; server RSS peak ${r.serverRssMiB.peak} MiB, final ${r.serverRssMiB.final} MiB; health ${r.healthAfter} — ${r.ok ? '**ok**' : '**FAILED**'}.`,
  );
  parts.push(`## 5b. Hostile traffic during an ingest (soak)

${cmd('soak')} — ${when(soak)}

The built app with its defaults (per-IP query rate limit, bounded query queue, public pixel budget), a catalog of the ${s.catalog.items} test
photos; its worker ingests an upload of ${s.ingest.photos} photos (objects on) while ${s.connections} autocannon connections cycle for ${s.durationSeconds} s through a
schedule of good searches and hostile requests (each connection from its own place in it), after a warm-up that sends
each hostile request and one good search of each kind once (checked, not timed). Goal: no 5xx other than
503 BUSY, every hostile request answered 4xx, no connection errors, the ingest done, \`/api/v1/health\` 200 afterwards —
${r.ok ? '**met**' : '**not met**'}.

${table(['kind', 'requests', 'statuses', 'warm-up', 'expected', 'p50 ms', 'p99 ms', 'unexpected'], rows, [':--', '--:', ':--', ':--', ':--', '--:', '--:', '--:'])}

Overall: ${o.requests} answers (${o.throughputRps}/s), p50 ${ms(o.latencyMs, 'p50')} ms, p99 ${ms(o.latencyMs, 'p99')} ms; 5xx other than 503 BUSY: **${o.serverErrors}**;
hostile requests answered 2xx: **${o.hostileAnswered2xx}**; 503 BUSY ${o.busy503}, 429 ${o.rateLimited429} (counted, not failures); connection
errors ${o.connectionErrors}, timeouts ${o.timeouts}.

Ingest: ${ing.status}, ${ing.added} of ${ing.photos} photos stored (${ing.failed} failed), ${ing.storedDuringLoad} of them while the load ran; it ended ${ing.seconds} s
after the load began${ing.doneDuringLoad ? ' (within the load)' : ' (after the load)'}. Server RSS (process tree, sampled every 250 ms): ${r.serverRssMiB.beforeLoad} MiB
after warm-up, peak **${r.serverRssMiB.peak} MiB**, ${r.serverRssMiB.atLoadEnd} MiB when the load ended, ${r.serverRssMiB.final} MiB at the end (ingest done).
Health afterwards: ${r.healthAfter}.${r.unexpectedSamples.length ? `\n\nUnexpected answers (first ${r.unexpectedSamples.length}):\n\n${r.unexpectedSamples.map((u) => `- \`${u.replace(/`/g, "'")}\``).join('\n')}` : ''}

${table(['kind', 'what'], r.kinds.map((k) => [k.name, k.what]), [':--', ':--'])}

![server RSS during the soak](${img})

${(soak.notes ?? []).map((n) => `- ${n}`).join('\n')}
`);
}

// 6. Growth
const growth = load<{ rows: GrowthRow[] }>('growth');
if (growth) {
  const rows = growth.results.rows;
  const q = (t: QueryTime, d: number) => `${f(t.p50, d)} (${f(t.p95, d)})${t.cpuMean !== undefined ? ` · ${f(t.cpuMean, d)}` : ''}`;
  const trows = rows.map((x) => [
    x.items.toLocaleString('en'),
    `${x.storeInsertsPerSecond}${x.storeInsertsPerCpuSecond ? ` · ${x.storeInsertsPerCpuSecond}` : ''}`,
    `${x.indexAddsPerSecond}${x.indexAddsPerCpuSecond ? ` · ${x.indexAddsPerCpuSecond}` : ''}`,
    x.cumulativeIngestSeconds,
    x.rssAboveBaseMiB,
    x.snapshotMiB,
    x.databaseMiB,
    q(x.query.hnswMs, 2),
    q(x.query.searchByVectorMs, 2),
    q(x.query.exactMs, 1),
  ]);
  const cpuOr = (t: QueryTime) => t.cpuMean ?? t.p50;
  const logScale = { type: 'log' };
  const line = (title: string, values: Array<Record<string, unknown>>, yTitle: string) => ({
    title,
    width: 230,
    height: 200,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'items', type: 'quantitative', scale: logScale, title: 'items (log)' },
      y: { field: 'value', type: 'quantitative', scale: logScale, title: yTitle },
      color: { field: 'series', title: null, legend: { orient: 'bottom', columns: 1, labelLimit: 320 } },
    },
  });
  const img = await chart('growth', {
    title: 'Growth (log–log)',
    hconcat: [
      line('ingest (store + index)', rows.map((x) => ({ items: x.items, value: x.cumulativeIngestSeconds, series: 'cumulative seconds' })), 'seconds (log)'),
      line(
        'memory',
        rows.flatMap((x) => [
          { items: x.items, value: Math.max(x.rssAboveBaseMiB, 0.1), series: 'process RSS above base' },
          { items: x.items, value: x.snapshotMiB, series: 'index snapshot' },
          { items: x.items, value: x.databaseMiB, series: 'SQLite file' },
        ]),
        'MiB (log)',
      ),
      line(
        'query time (CPU per query)',
        rows.flatMap((x) => [
          { items: x.items, value: cpuOr(x.query.hnswMs), series: 'HNSW' },
          { items: x.items, value: cpuOr(x.query.searchByVectorMs), series: 'searchByVector (HNSW + DB)' },
          { items: x.items, value: cpuOr(x.query.exactMs), series: 'exact scan' },
        ]),
        'CPU ms (log)',
      ),
    ],
    resolve: { scale: { color: 'independent' } },
  });
  const first = rows[0];
  const last = rows[rows.length - 1];
  if (first && last && last !== first)
    verdicts.push(
      `Growth ${first.items.toLocaleString('en')} → ${last.items.toLocaleString('en')} items (synthetic vectors): HNSW query ${f(cpuOr(first.query.hnswMs), 2)} → ${f(cpuOr(last.query.hnswMs), 2)} CPU ms, ` +
        `exact scan ${f(cpuOr(first.query.exactMs), 1)} → ${f(cpuOr(last.query.exactMs), 1)} CPU ms; index snapshot ${first.snapshotMiB} → ${last.snapshotMiB} MiB; ` +
        `ingest through the store + index ${last.cumulativeIngestSeconds} s in all (${last.storeInsertsPerSecond} inserts/s at the last step).`,
    );
  parts.push(`## 6. Growth

${cmd('growth')} — ${when(growth)}

One catalog grows through the checkpoints; each step's new items go through the store + index path of an ingest (one
SQLite transaction per item, then the HNSW index catches up from the change log). **Synthetic** 2048-d vectors
(clustered, shaped like pooled CNN features): embedding 100k images would take hours here, and embedding speed is
section 3. Rates: per wall second · per CPU second. Query columns: wall p50 (p95) · mean CPU ms per query; "searchByVector"
= Loupe's whole search by vector (HNSW + database hydration). The chart plots CPU time (steadier under load).

${table(['items', 'inserts/s', 'index adds/s', 'cumulative ingest s', 'RSS above base MiB', 'snapshot MiB', 'SQLite MiB', 'HNSW ms', 'searchByVector ms', 'exact ms'], trows)}

![growth](${img})
`);
}

// ---------- assemble ----------
// Section run times: from the latest suite*.json that ran each section (a full run, or runs with --only).
const sectionTimes = new Map<string, { seconds: number; date: string }>();
for (const file of readdirSync(resultsDir(mode)).filter((x) => /^suite.*\.json$/.test(x))) {
  try {
    const suite = JSON.parse(readFileSync(join(resultsDir(mode), file), 'utf8')) as { date: string; sections: Array<{ section: string; seconds: number; status: number | null }> };
    for (const sec of suite.sections) {
      const seen = sectionTimes.get(sec.section);
      if (sec.status === 0 && (!seen || seen.date < suite.date)) sectionTimes.set(sec.section, { seconds: sec.seconds, date: suite.date });
    }
  } catch {
    // not a suite file
  }
}
for (const [section, own] of resultSeconds) if (!sectionTimes.has(section)) sectionTimes.set(section, own);
const totalSeconds = [...sectionTimes.values()].reduce((a, b) => a + b.seconds, 0);
const m = machineInfo;
const header = `# Benchmarks

Generated by \`npm run bench -- --${mode}\` (bench/src/report.ts) from \`${relative(REPO_ROOT, resultsDir(mode))}/*.json\`; regenerate the text and charts alone
with \`npm run bench -- --${mode} --report-only\`. Each section names the command that reruns it.
${m ? `
Machine: ${m.cores} × ${m.cpu}, ${m.memoryGiB} GiB RAM, ${m.os}, Node ${m.node}; ${Object.entries(m.libraries)
  .filter(([, v]) => v)
  .map(([k, v]) => `${k} ${v}`)
  .join(', ')}; commit ${m.git.commit ?? '?'}${m.git.dirty ? ' (with uncommitted changes)' : ''}.
` : ''}
**Caveat.** These numbers come from a 2-core virtual machine, sometimes shared with other jobs (the load average at
each section's start is printed next to it; a section run on a loaded machine says so by that number): wall-clock
speeds swing by up to 2× or more between runs.
Quality figures (precision, recall, mAP) do not depend on load; CPU-time figures vary less than wall-clock ones.
${sectionTimes.size ? `\nRun time: ${round(totalSeconds / 60, 1)} min in all (${[...sectionTimes].map(([k, v]) => `${k} ${round(v.seconds / 60, 1)}`).join(', ')} min).\n` : ''}
## Summary

${verdicts.map((v) => `- ${v}`).join('\n')}
`;
// Hand-written sections (transfer learning, by its own script) live between markers and survive regeneration.
const kept = (() => {
  try {
    return [...readFileSync(outMd, 'utf8').matchAll(/<!-- keep:(\w[\w-]*) -->[\s\S]*?<!-- \/keep:\1 -->/g)].map((x) => x[0]);
  } catch {
    return [];
  }
})();
writeFileSync(outMd, `${header}\n${parts.join('\n')}${kept.length ? `\n${kept.join('\n\n')}\n` : ''}`);
log(`report: ${relative(REPO_ROOT, outMd)} (${sectionsFound.join(', ') || 'no results yet'}), charts in ${relative(REPO_ROOT, chartDir)}/`);
