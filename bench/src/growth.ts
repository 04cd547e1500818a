// 6. Growth: how ingest time, index memory and query time grow with the catalog, from 1k to 100k items. One catalog
// grows through the checkpoints; at each, the new items go through the store + index path of an ingest (one database
// transaction per item, then the HNSW index catches up from the change log) and queries run through the index and
// through Loupe's searchByVector (index + database hydration). The vectors are SYNTHETIC (clustered, 2048-d, shaped
// like pooled CNN features): embedding 100k images here would take hours; embedding speed is section 3.
//   npm run bench -- --quick|--full --only growth
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchmarkInternals, openLoupe } from '@loupe/core';
import { HNSW_DEFAULTS } from '@loupe/vector-index';
import { clock, gc, log, median, mib, modeFromArgs, parseFlag, quantile, round, since, writeResult } from './common.ts';
import { DIM } from './features.ts';
import { insertVectors, syntheticVectors } from './seed.ts';

const started = performance.now();
const argv = process.argv.slice(2);
const mode = modeFromArgs(argv);
const quick = mode === 'quick';
const SIZES = (parseFlag(argv, 'sizes') ?? (quick ? '1000,3000' : '1000,3000,10000,30000,100000')).split(',').map(Number);
const QUERIES = quick ? 50 : 200;
const EXACT_QUERIES = quick ? 20 : 50;

const dataDir = mkdtempSync(join(tmpdir(), 'loupe-bench-growth-'));
const vectorOf = syntheticVectors(DIM, { seed: 11 });
const queryOf = syntheticVectors(DIM, { seed: 11 }); // same centres; query ids never used for items
const QUERY_BASE = 10_000_000;
const rss = () => {
  gc();
  return process.memoryUsage().rss;
};
const dirBytes = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce((s, e) => s + (e.isDirectory() ? dirBytes(join(dir, e.name)) : statSync(join(dir, e.name)).size), 0);

const loupe = await openLoupe({ dataDir, embedding: { device: 'cpu' } });
const rssBase = rss();
const index = await benchmarkInternals(loupe).index();
const rows = [];
let have = 0;
let cumulativeMs = 0;
for (const size of SIZES) {
  const add = size - have;
  let c = clock();
  const ins = await insertVectors(loupe, 'growth', add, vectorOf, { firstId: have });
  const insCpuMs = since(c).cpuMs;
  c = clock();
  await index.catchUp();
  const { wallMs: indexMs, cpuMs: indexCpuMs } = since(c);
  have = size;
  cumulativeMs += ins.ms + indexMs;
  const memory = rss();
  const t1 = performance.now();
  await index.snapshot();
  const snapshotMs = performance.now() - t1;
  const snapshotBytes = dirBytes(join(dataDir, 'index'));

  const timeQueries = async (count: number, run: (q: Float32Array) => Promise<unknown> | unknown) => {
    const times: number[] = [];
    const vectors = Array.from({ length: count }, (_, q) => queryOf(QUERY_BASE + q));
    const all = clock();
    for (const v of vectors) {
      const t = performance.now();
      await run(v);
      times.push(performance.now() - t);
    }
    return { p50: round(median(times), 3), p95: round(quantile(times, 0.95), 3), cpuMean: round(since(all).cpuMs / count, 3) };
  };
  await timeQueries(3, (v) => index.search(v, { k: 10 })); // warm
  const hnsw = await timeQueries(QUERIES, (v) => index.search(v, { k: 10 }));
  const endToEnd = await timeQueries(QUERIES, (v) => loupe.searchByVector(v, { k: 10 }));
  index.search(queryOf(QUERY_BASE), { k: 10, exact: true }); // builds the exact index once (not timed)
  const exact = await timeQueries(EXACT_QUERIES, (v) => index.search(v, { k: 10, exact: true }));
  const row = {
    items: size,
    added: add,
    storeInsertSeconds: round(ins.ms / 1000, 2),
    storeInsertsPerSecond: round(add / (ins.ms / 1000), 1),
    storeInsertsPerCpuSecond: round(add / (insCpuMs / 1000), 1),
    indexCatchUpSeconds: round(indexMs / 1000, 2),
    indexAddsPerSecond: round(add / (indexMs / 1000), 1),
    indexAddsPerCpuSecond: round(add / (indexCpuMs / 1000), 1),
    cumulativeIngestSeconds: round(cumulativeMs / 1000, 1),
    rssMiB: mib(memory),
    rssAboveBaseMiB: mib(memory - rssBase),
    snapshotMiB: mib(snapshotBytes),
    snapshotSeconds: round(snapshotMs / 1000, 2),
    databaseMiB: mib(statSync(join(dataDir, 'loupe.db')).size),
    query: { hnswMs: hnsw, searchByVectorMs: endToEnd, exactMs: exact },
  };
  rows.push(row);
  log(
    `growth ${String(size).padStart(6)} items: +${add} inserts ${row.storeInsertsPerSecond}/s, index catch-up ${row.indexAddsPerSecond}/s, ` +
      `RSS +${row.rssAboveBaseMiB} MiB, snapshot ${row.snapshotMiB} MiB; query p50 HNSW ${hnsw.p50} ms (${hnsw.cpuMean} CPU ms), searchByVector ${endToEnd.p50} ms, exact ${exact.p50} ms (${exact.cpuMean} CPU ms)`,
  );
}
await loupe.close();
rmSync(dataDir, { recursive: true, force: true });

const path = writeResult(mode, 'growth', {
  settings: {
    sizes: SIZES,
    vectors: 'synthetic clustered 2048-d (100 centres relu(N(0,I)), points relu(centre + 0.6·N(0,I))) — not real image features',
    store: 'SQLite (default), one transaction per item: item + embedding + change-log event',
    index: { kind: 'hnsw', M: HNSW_DEFAULTS.M, efConstruction: HNSW_DEFAULTS.efConstruction, efSearch: HNSW_DEFAULTS.efSearch },
    queries: { hnsw: QUERIES, searchByVector: QUERIES, exact: EXACT_QUERIES, k: 10, times: 'wall p50/p95 per query, and cpuMean = CPU time of the process per query (steadier on a shared machine)' },
    memory: 'process RSS after the index caught up (after GC) minus RSS right after the store opened; includes the store’s caches',
  },
  notes: ['growth is incremental: each checkpoint adds the difference to the same catalog, so cumulativeIngestSeconds is the time to ingest that many vectors'],
  wallSeconds: round((performance.now() - started) / 1000),
  results: { rows },
});
log(`wrote ${path}`);
