// 3. Embedding speed: raw session.run on ready tensors (the ceiling) vs end-to-end embed() from JPEG files — both
// measured by the embedding package's own benchmark (packages/embedding/bench/embed-bench.ts), run from here — and
// the CLI's ingest rate (`loupe ingest <folder> --json`: read, hash, decode, inference, CAM boxes, thumbnail, one
// database transaction per image, index add), at the same batch sizes and thread counts.
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
const BATCHES = quick ? [1, 8] : [1, 8, 32];
const THREADS = quick ? [2] : [1, 2];
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
  rows: Array<{ threads: number; batch: number; raw: number; endToEnd: number; ratio: number }>;
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
const cliRows: Array<{ threads: number; batch: number; imagesPerSecond: number; runs: number[]; processSeconds: number; ratioToRaw: number | null; ratioToEmbed: number | null }> = [];
for (const threads of THREADS) {
  for (const batch of BATCHES) {
    const runs: number[] = [];
    let processSeconds = 0;
    for (let r = 0; r < REPEATS; r++) {
      const dataDir = join(work, `data-${threads}-${batch}-${r}`);
      const t0 = performance.now();
      const res = spawnSync(
        process.execPath,
        [cli, 'ingest', folder, '--catalog', 'bench', '--json', '--data-dir', dataDir, '--device', 'cpu', '--threads', String(threads), '--batch-size', String(batch)],
        { cwd: REPO_ROOT, env: { ...process.env, DATABASE_URL: '', LOUPE_LOG_LEVEL: 'warn' }, encoding: 'utf8' },
      );
      processSeconds = (performance.now() - t0) / 1000;
      if (res.status !== 0) throw new Error(`loupe ingest exited with ${res.status}: ${res.stderr}`);
      const summary = JSON.parse(res.stdout.trim().split('\n').pop()!) as { added: number; tookMs: number };
      if (summary.added !== IMAGES) throw new Error(`loupe ingest added ${summary.added} of ${IMAGES}`);
      runs.push(summary.added / (summary.tookMs / 1000));
      rmSync(dataDir, { recursive: true, force: true });
    }
    const sorted = [...runs].sort((a, b) => a - b);
    const rate = sorted[Math.floor(sorted.length / 2)]!;
    const ref = embedding.rows.find((x) => x.threads === threads && x.batch === batch);
    const row = {
      threads,
      batch,
      imagesPerSecond: round(rate, 2),
      runs: runs.map((x) => round(x, 2)),
      processSeconds: round(processSeconds, 1),
      ratioToRaw: ref ? round(rate / ref.raw, 3) : null,
      ratioToEmbed: ref ? round(rate / ref.endToEnd, 3) : null,
    };
    cliRows.push(row);
    log(`CLI ingest threads ${threads} batch ${String(batch).padStart(2)}: ${row.imagesPerSecond} img/s (${row.ratioToRaw !== null ? `${Math.round(row.ratioToRaw * 100)}% of raw` : 'no raw reference'}); process ${row.processSeconds} s`);
  }
}
rmSync(work, { recursive: true, force: true });

const rows = embedding.rows.map((r) => {
  const c = cliRows.find((x) => x.threads === r.threads && x.batch === r.batch);
  return {
    threads: r.threads,
    batch: r.batch,
    raw: round(r.raw, 2),
    embed: round(r.endToEnd, 2),
    embedRatio: round(r.ratio, 3),
    cliIngest: c?.imagesPerSecond ?? null,
    cliRatio: c?.ratioToRaw ?? null,
  };
});
const path = writeResult(mode, 'speed', {
  settings: {
    images: IMAGES,
    batches: BATCHES,
    threads: THREADS,
    cliRepeats: REPEATS,
    cli: 'loupe ingest <folder> --json --device cpu --threads T --batch-size B into a fresh SQLite data dir; rate = added / tookMs (excludes process start and model load, which processSeconds includes)',
    goal: 'end-to-end ≥ 85% of raw',
  },
  wallSeconds: round((performance.now() - started) / 1000),
  results: { rows, cli: cliRows, embeddingResult: embeddingOut.slice(REPO_ROOT.length) },
});
log(`wrote ${path}`);
