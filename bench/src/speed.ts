// 3. Embedding speed: raw session.run on ready tensors (the ceiling) vs end-to-end embed() from JPEG files — both
// measured by the embedding package's own benchmark (packages/embedding/bench/embed-bench.ts), run from here — and
// the CLI's ingest rate (`loupe ingest <folder> --json`: read, hash, decode, inference, CAM boxes, thumbnail, the
// database writes, index add), for fp32 and int8, with the network on the main thread (--workers 0 --threads 2) and
// in the inference pool (--workers 2, the default here), at batch 8.
//   npm run bench -- --quick|--full --only speed
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { log, modeFromArgs, REPO_ROOT, resultPath, round, writeResult } from './common.ts';

const started = performance.now();
const mode = modeFromArgs();
const quick = mode === 'quick';
// --full ingests 256 images per run, so that filling and draining the pipeline (a batch of 32 at each end) does not
// dominate the rate.
const IMAGES = quick ? 16 : 256;
const BATCH = 8;
const PRECISIONS = ['fp32', 'int8'] as const;
const REPEATS = quick ? 1 : 2;

// 1. The package benchmark (raw vs embed()).
const embeddingOut = resultPath(mode, 'embedding');
log(`speed: raw session.run vs embed() (packages/embedding/bench/embed-bench.ts --${mode})`);
const child = spawnSync(process.execPath, ['--import', 'tsx', 'bench/embed-bench.ts', `--${mode}`, '--out', embeddingOut], {
  cwd: join(REPO_ROOT, 'packages', 'embedding'),
  stdio: 'inherit',
});
if (child.status !== 0) throw new Error(`embed-bench exited with ${child.status}`);
const embedding = JSON.parse(readFileSync(embeddingOut, 'utf8')) as {
  rows: Array<{ precision: string; layout: string; workers: number; threads: number; batch: number; raw: number; endToEnd: number; ratio: number }>;
};

// 2. The CLI's ingest rate on IMAGES distinct JPEGs made from the test photos (distinct bytes, so none is skipped as a
// duplicate; the same sizes as the photos: about 640 px on the long side).
const photosDir = join(REPO_ROOT, 'tests', 'fixtures', 'photos');
const photos = readdirSync(photosDir)
  .filter((f) => f.endsWith('.jpg'))
  .sort();
const work = mkdtempSync(join(tmpdir(), 'loupe-bench-speed-'));
const folder = join(work, 'images');
mkdirSync(folder);
for (let i = 0; i < IMAGES; i++) {
  const src = readFileSync(join(photosDir, photos[i % photos.length]!));
  const round_ = Math.floor(i / photos.length);
  const meta = await sharp(src).metadata();
  const out = await sharp(src)
    .extract({ left: round_, top: round_, width: meta.width! - 2 * round_, height: meta.height! - 2 * round_ })
    .jpeg({ quality: 90 })
    .toBuffer();
  writeFileSync(join(folder, `img-${String(i).padStart(4, '0')}.jpg`), out);
}

const cli = join(REPO_ROOT, 'apps', 'indexer', 'bin', 'loupe.js');
/** The CPU layouts embed-bench.ts measured (one session on the main thread, the pool), run through the CLI too. */
const LAYOUTS = [...new Map(embedding.rows.map((r) => [r.layout, { name: r.layout, workers: r.workers, threads: r.threads }])).values()];
/** The ceiling of a precision: its best raw rate over the layouts, at the batch the CLI uses. */
const ceiling = (precision: string) => Math.max(...embedding.rows.filter((x) => x.precision === precision && x.batch === BATCH).map((x) => x.raw));
type Stages = Record<'prepare' | 'decode' | 'inference' | 'objects' | 'files' | 'database' | 'index', number>;
const cliRows: Array<{ precision: string; layout: string; workers: number; threads: number; batch: number; imagesPerSecond: number; runs: number[]; processSeconds: number; ratioToCeiling: number; stagesMsPerImage: Stages }> = [];
for (const precision of PRECISIONS) {
  for (const layout of LAYOUTS) {
    const runs: number[] = [];
    const stages: Stages[] = [];
    let processSeconds = 0;
    for (let r = 0; r < REPEATS; r++) {
      const dataDir = join(work, `data-${precision}-${layout.workers}-${r}`);
      const t0 = performance.now();
      const flags = ['--device', 'cpu', '--precision', precision, '--workers', String(layout.workers), '--threads', String(layout.threads), '--batch-size', String(BATCH)];
      const res = spawnSync(process.execPath, [cli, 'ingest', folder, '--catalog', 'bench', '--json', '--data-dir', dataDir, ...flags], {
        cwd: REPO_ROOT,
        env: { ...process.env, DATABASE_URL: '', LOUPE_LOG_LEVEL: 'warn', LOUPE_OBJECTS: 'off' },
        encoding: 'utf8',
      });
      processSeconds = (performance.now() - t0) / 1000;
      if (res.status !== 0) throw new Error(`loupe ingest exited with ${res.status}: ${res.stderr}`);
      const summary = JSON.parse(res.stdout.trim().split('\n').pop()!) as { added: number; tookMs: number; stagesMs: Stages };
      if (summary.added !== IMAGES) throw new Error(`loupe ingest added ${summary.added} of ${IMAGES}`);
      runs.push(summary.added / (summary.tookMs / 1000));
      stages.push(Object.fromEntries(Object.entries(summary.stagesMs).map(([k, v]) => [k, v / summary.added])) as Stages);
      rmSync(dataDir, { recursive: true, force: true });
    }
    const sorted = [...runs].sort((a, b) => a - b);
    const rate = sorted[Math.floor(sorted.length / 2)]!;
    const medianRun = stages[runs.indexOf(rate)]!;
    const row = {
      precision,
      layout: layout.name,
      workers: layout.workers,
      threads: layout.threads,
      batch: BATCH,
      imagesPerSecond: round(rate, 2),
      runs: runs.map((x) => round(x, 2)),
      processSeconds: round(processSeconds, 1),
      ratioToCeiling: round(rate / ceiling(precision), 3),
      stagesMsPerImage: Object.fromEntries(Object.entries(medianRun).map(([k, v]) => [k, round(v, 2)])) as Stages,
    };
    cliRows.push(row);
    log(`CLI ingest ${precision} ${layout.name}: ${row.imagesPerSecond} img/s (${Math.round(row.ratioToCeiling * 100)}% of the ${precision} ceiling); process ${row.processSeconds} s`);
  }
}
rmSync(work, { recursive: true, force: true });

const rows = embedding.rows.map((r) => {
  const c = cliRows.find((x) => x.precision === r.precision && x.workers === r.workers && x.batch === r.batch);
  return {
    precision: r.precision,
    layout: r.layout,
    workers: r.workers,
    threads: r.threads,
    batch: r.batch,
    raw: round(r.raw, 2),
    embed: round(r.endToEnd, 2),
    embedRatio: round(r.endToEnd / ceiling(r.precision), 3),
    cliIngest: c?.imagesPerSecond ?? null,
    cliRatio: c?.ratioToCeiling ?? null,
  };
});
const bestIngest = (precision: string) => Math.max(...cliRows.filter((x) => x.precision === precision).map((x) => x.imagesPerSecond));
const path = writeResult(mode, 'speed', {
  settings: {
    images: IMAGES,
    batch: BATCH,
    layouts: LAYOUTS,
    cliRepeats: REPEATS,
    cli: 'loupe ingest <folder> --json --device cpu --precision P --workers W --threads T --batch-size 8 (LOUPE_OBJECTS=off) into a fresh SQLite data dir; rate = added / tookMs (excludes process start and model load, which processSeconds includes)',
    ceiling: "a precision's best raw session.run rate over the layouts at batch 8",
    goals: 'ingest ≥ 85% of its precision’s ceiling; int8 ingest ≥ 1.5× the fp32 ceiling',
  },
  wallSeconds: round((performance.now() - started) / 1000),
  results: {
    rows,
    cli: cliRows,
    ceilings: Object.fromEntries(PRECISIONS.map((p) => [p, round(ceiling(p), 2)])),
    int8IngestToFp32Ceiling: round(bestIngest('int8') / ceiling('fp32'), 3),
    embeddingResult: embeddingOut.slice(REPO_ROOT.length),
  },
});
log(`wrote ${path}`);
