// Benchmark: HNSW build rate, queries/s and recall@10 against exact search, on SYNTHETIC clustered vectors shaped
// like pooled CNN features (non-negative, 2048-d). Not a test. Real-feature numbers come from the core package.
//
//   npm run bench -w @loupe/vector-index                      # defaults: 10k × 2048, ef 16…256
//   npx tsx bench/index-bench.ts --m 16,32,48 --efc 100,200,400 --out /some/file.json
//   npx tsx bench/index-bench.ts --data gaussian --n 5000 --dim 256          # the unstructured worst case
//   npx tsx bench/index-bench.ts --vectors data.f32 --query-vectors queries.f32 --label "real: …"   # given vectors
// A vectors file is float32 rows after an 8-byte header (u32 count, u32 dim, little-endian); --n and --queries then
// cap the rows used. The suite's index section (bench/src/hnsw.ts) feeds it real Fashion-MNIST features this way.
//
// Prints a table and writes JSON (default bench/results/index.json in this package).
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createExactIndex, createVectorIndex, HNSW_DEFAULTS, loadVectorIndex, type SearchHit } from '../src/index.ts';
import { gaussian, rng } from '@loupe/random';

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '10000' },
    dim: { type: 'string', default: '2048' },
    queries: { type: 'string', default: '200' },
    data: { type: 'string', default: 'clustered' },
    clusters: { type: 'string', default: '100' },
    noise: { type: 'string', default: '0.6' },
    k: { type: 'string', default: '10' },
    m: { type: 'string', default: String(HNSW_DEFAULTS.M) },
    efc: { type: 'string', default: String(HNSW_DEFAULTS.efConstruction) },
    ef: { type: 'string', default: '16,32,64,128,160,256' },
    seed: { type: 'string', default: '1' },
    vectors: { type: 'string' },
    'query-vectors': { type: 'string' },
    label: { type: 'string' },
    out: { type: 'string' },
  },
});
if (args.data !== 'clustered' && args.data !== 'gaussian') throw new Error('--data must be clustered or gaussian');
const clustered = args.data === 'clustered';
const ints = (s: string): number[] => s.split(',').map((x) => Number.parseInt(x, 10));
function readVectors(file: string, limit: number): Float32Array[] {
  const bytes = readFileSync(file);
  const count = bytes.readUInt32LE(0);
  const d = bytes.readUInt32LE(4);
  if (bytes.byteLength !== 8 + count * d * 4) throw new Error(`${file}: size does not match its header (${count} × ${d})`);
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset + 8, bytes.byteOffset + bytes.byteLength));
  return Array.from({ length: Math.min(count, limit) }, (_, i) => all.subarray(i * d, (i + 1) * d));
}
const fromFile = args.vectors !== undefined;
if (fromFile !== (args['query-vectors'] !== undefined)) throw new Error('--vectors and --query-vectors go together');
const fileData = fromFile ? readVectors(args.vectors!, Number(args.n)) : undefined;
const fileQueries = fromFile ? readVectors(args['query-vectors']!, Number(args.queries)) : undefined;
const n = fileData ? fileData.length : Number(args.n);
const dim = fileData ? fileData[0]!.length : Number(args.dim);
const nq = fileQueries ? fileQueries.length : Number(args.queries);
const nClusters = Number(args.clusters);
const noise = Number(args.noise);
const k = Number(args.k);
const outPath = args.out ? resolve(args.out) : fileURLToPath(new URL('./results/index.json', import.meta.url));


// Cluster centres c = relu(N(0, I)); a point = relu(c + noise · N(0, I)). Like post-ReLU pooled features, random
// pairs have cosine ≈ 0.3 and same-cluster pairs more; cluster sizes vary (Dirichlet-ish weights).
const g = gaussian(rng(Number(args.seed)));
const centres = Array.from({ length: nClusters }, () => Float32Array.from({ length: dim }, () => Math.max(0, g())));
const wr = rng(Number(args.seed) + 3);
const weights = centres.map(() => 0.25 + wr()); // cluster sizes differ up to 5×
const wsum = weights.reduce((a, b) => a + b, 0);
const cumulative: number[] = [];
weights.reduce((s, w) => (cumulative.push(s + w / wsum), s + w / wsum), 0);
const pick = rng(Number(args.seed) + 7);
function point(): Float32Array {
  if (!clustered) return Float32Array.from({ length: dim }, g); // i.i.d. N(0, 1): no structure, the worst case
  const u = pick();
  const c =
    centres[
      Math.min(
        cumulative.findIndex((x) => x >= u),
        nClusters - 1,
      )
    ] ?? centres[0]!;
  const v = new Float32Array(dim);
  for (let i = 0; i < dim; i++) v[i] = Math.max(0, (c[i] as number) + noise * g());
  return v;
}
const data = fileData ?? Array.from({ length: n }, point);
const queries = fileQueries ?? Array.from({ length: nq }, point);
const dataKind = fromFile
  ? `${args.label ?? 'vectors from a file'} (${args.vectors!.split('/').pop()})`
  : clustered
    ? 'synthetic clustered: relu(centre + noise·N(0,I)), centres relu(N(0,I)) — not real image features'
    : 'synthetic i.i.d. N(0,I) — no structure, worst case for HNSW; not real image features';

function cosine(a: Float32Array, b: Float32Array): number {
  let d = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += (a[i] as number) * (b[i] as number);
    na += (a[i] as number) ** 2;
    nb += (b[i] as number) ** 2;
  }
  return d / Math.sqrt(na * nb);
}
const pairR = rng(99);
let randomPairCos = 0;
for (let i = 0; i < 500; i++)
  randomPairCos += cosine(data[Math.floor(pairR() * n)]!, data[Math.floor(pairR() * n)]!) / 500;

// Wall clock and this process's CPU time. On a shared machine the CPU figure is the steadier one (searches and
// adds run on the JS thread; the snapshot write on a libuv worker, also counted).
interface Clock {
  wall: number;
  cpu: NodeJS.CpuUsage;
}
const clock = (): Clock => ({ wall: performance.now(), cpu: process.cpuUsage() });
const since = (c: Clock): { wallMs: number; cpuMs: number } => {
  const u = process.cpuUsage(c.cpu);
  return { wallMs: performance.now() - c.wall, cpuMs: (u.user + u.system) / 1000 };
};
const round = (x: number, d = 1): number => Math.round(x * 10 ** d) / 10 ** d;
const loadAvg = (): number => round(loadavg()[0] ?? 0, 2);

// Ground truth.
let c = clock();
const exact = createExactIndex({ dim, space: 'cosine', initialCapacity: n });
data.forEach((v, i) => exact.add(i, v));
const exactBuild = since(c);
c = clock();
const truth: SearchHit[][] = queries.map((q) => exact.search(q, { k }));
const exactSearch = since(c);
const meanTop1 = truth.reduce((s, t) => s + (t[0]?.score ?? 0), 0) / nq;
const meanTopK = truth.reduce((s, t) => s + (t[k - 1]?.score ?? 0), 0) / nq;
exact.close();

const recall = (got: SearchHit[][]): number => {
  let hit = 0;
  got.forEach((hits, qi) => {
    const want = new Set(truth[qi]!.map((h) => h.id));
    for (const h of hits) if (want.has(h.id)) hit++;
  });
  return hit / (nq * k);
};

console.log(
  `data: ${fromFile ? dataKind : `synthetic ${clustered ? `clustered, ${nClusters} clusters, noise ${noise}` : 'i.i.d. Gaussian'}`}, ${n} × ${dim}; ${nq} held-out queries; ` +
    `mean cosine random pair ${round(randomPairCos, 3)}, query→top1 ${round(meanTop1, 3)}, query→top${k} ${round(meanTopK, 3)}`,
);
console.log(`machine: ${cpus().length} CPUs, load average ${loadAvg()} at start`);
console.log(
  `exact: build ${round(exactBuild.wallMs)} ms; search ${round(exactSearch.wallMs / nq, 2)} ms/query wall, ` +
    `${round(exactSearch.cpuMs / nq, 2)} ms/query CPU (${round((nq * 1000) / exactSearch.cpuMs)} q/CPU-s)`,
);

interface Row {
  ef: number;
  /** queries per second of wall time */
  qps: number;
  /** queries per second of CPU time */
  qpsCpu: number;
  msPerQueryCpu: number;
  recallAtK: number;
}
interface Config {
  M: number;
  efConstruction: number;
  buildWallMs: number;
  buildCpuMs: number;
  buildPerCpuSec: number;
  rows: Row[];
  snapshot: { bytes: number; saveWallMs: number; loadWallMs: number };
  loadAverage: number;
}
const configs: Config[] = [];
for (const M of ints(args.m)) {
  for (const efConstruction of ints(args.efc)) {
    const index = createVectorIndex({ dim, space: 'cosine', M, efConstruction });
    c = clock();
    data.forEach((v, i) => index.add(i, v));
    const build = since(c);
    const rows: Row[] = [];
    for (const ef of ints(args.ef)) {
      index.search(queries[0]!, { k, ef }); // warm
      c = clock();
      const got = queries.map((q) => index.search(q, { k, ef }));
      const t = since(c);
      rows.push({
        ef,
        qps: round((nq * 1000) / t.wallMs),
        qpsCpu: round((nq * 1000) / t.cpuMs),
        msPerQueryCpu: round(t.cpuMs / nq, 3),
        recallAtK: round(recall(got), 4),
      });
    }
    // Snapshot cost for this configuration.
    const dir = await mkdtemp(join(tmpdir(), 'loupe-bench-'));
    c = clock();
    const info = await index.save(join(dir, 'bench'), { sequence: n });
    const save = since(c);
    index.close();
    c = clock();
    const loaded = await loadVectorIndex(join(dir, 'bench'), { dim });
    const load = since(c);
    loaded.index.close();
    await rm(dir, { recursive: true, force: true });
    const cfg: Config = {
      M,
      efConstruction,
      buildWallMs: round(build.wallMs),
      buildCpuMs: round(build.cpuMs),
      buildPerCpuSec: round((n * 1000) / build.cpuMs),
      rows,
      snapshot: { bytes: info.bytes, saveWallMs: round(save.wallMs), loadWallMs: round(load.wallMs) },
      loadAverage: loadAvg(),
    };
    configs.push(cfg);

    console.log(
      `\nHNSW M=${M} efConstruction=${efConstruction}: build ${round(build.wallMs / 1000, 2)} s wall, ` +
        `${cfg.buildPerCpuSec} vectors/CPU-s; snapshot ${round(info.bytes / 2 ** 20)} MiB, save ${cfg.snapshot.saveWallMs} ms, ` +
        `load ${cfg.snapshot.loadWallMs} ms; load average ${cfg.loadAverage}`,
    );
    console.log(`| ef  | q/s (wall) | q/CPU-s | CPU ms/query | recall@${k} |`);
    console.log('|-----|------------|---------|--------------|-----------|');
    for (const r of rows) {
      console.log(
        `| ${String(r.ef).padEnd(3)} | ${String(r.qps).padStart(10)} | ${String(r.qpsCpu).padStart(7)} | ` +
          `${String(r.msPerQueryCpu).padStart(12)} | ${r.recallAtK.toFixed(4).padStart(9)} |`,
      );
    }
  }
}

const result = {
  generatedAt: new Date().toISOString(),
  node: process.version,
  cpu: { count: cpus().length, model: cpus()[0]?.model ?? 'unknown' },
  data: {
    kind: dataKind,
    n,
    dim,
    ...(clustered && !fromFile ? { clusters: nClusters, noise } : {}),
    queries: nq,
    seed: Number(args.seed),
    meanCosineRandomPair: round(randomPairCos, 4),
    meanCosineQueryTop1: round(meanTop1, 4),
    meanCosineQueryTopK: round(meanTopK, 4),
  },
  k,
  exact: {
    buildWallMs: round(exactBuild.wallMs),
    msPerQueryWall: round(exactSearch.wallMs / nq, 3),
    msPerQueryCpu: round(exactSearch.cpuMs / nq, 3),
    qpsCpu: round((nq * 1000) / exactSearch.cpuMs),
  },
  hnsw: configs,
};
await mkdir(dirname(outPath), { recursive: true });
await writeFile(outPath, `${JSON.stringify(result, null, 2)}\n`);
console.log(`\nwrote ${outPath}`);
