// Loupe's benchmark suite. `npm run bench -- --quick` (CI smoke: small sizes, a few minutes on 2 cores) or
// `npm run bench -- --full` (the sizes BENCHMARKS.md reports). Each section runs in its own process (so one section's
// memory never weighs on the next), writes bench/results[/quick]/<section>.json, and the report is generated from
// those files at the end: BENCHMARKS.md + bench/charts/*.svg for --full, bench/results/quick/ for --quick.
//
//   npm run bench -- --quick | --full  [--only retrieval,index] [--skip http] [--no-report]
//   npm run bench -- --full --report-only           # regenerate BENCHMARKS.md and the charts from the JSON
//
// A benchmark measures and reports; it never fails because the machine is slow. It fails (exit 1) only when a
// section crashes or the service answers with errors.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_DIR, log, machine, modeFromArgs, parseFlag, resultsDir, round } from './common.ts';

export const SECTIONS = [
  { name: 'retrieval', file: 'retrieval.ts', title: 'Retrieval quality on Fashion-MNIST' },
  { name: 'near-duplicate', file: 'near-duplicate.ts', title: 'Near-duplicate retrieval on real photos' },
  { name: 'relevance', file: 'relevance.ts', title: 'Match strength (same / similar / weak) on held-out photos' },
  { name: 'objects', file: 'objects.ts', title: 'Search by object: pasted objects, detection time, ingest with objects' },
  { name: 'object-vectors', file: 'object-vectors.ts', title: "How an object's vector is made: crop pass, feature-map pooling, masked crop" },
  { name: 'speed', file: 'speed.ts', title: 'Embedding speed' },
  { name: 'index', file: 'hnsw.ts', title: 'HNSW vs exact search' },
  { name: 'growth', file: 'growth.ts', title: 'Growth from 1k to 100k items' },
  { name: 'http', file: 'http.ts', title: 'The HTTP service under load' },
  { name: 'soak', file: 'soak.ts', title: 'Hostile traffic during an ingest' },
  { name: 'masks', file: 'masks.ts', title: 'Instance masks against exact outlines' },
] as const;

const argv = process.argv.slice(2);
const mode = modeFromArgs(argv);
const list = (flag: string) =>
  (parseFlag(argv, flag) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const only = list('only');
const skip = list('skip');
for (const name of [...only, ...skip])
  if (!SECTIONS.some((s) => s.name === name)) throw new Error(`unknown section "${name}" (sections: ${SECTIONS.map((s) => s.name).join(', ')})`);
const reportOnly = argv.includes('--report-only');
// flags meant for the sections (e.g. --sizes) go through to them
const passThrough = argv.filter((a, i) => !['--quick', '--full', '--only', '--skip', '--no-report', '--report-only'].includes(a) && !['--only', '--skip'].includes(argv[i - 1] ?? ''));

const started = performance.now();
const ran: Array<{ section: string; seconds: number; status: number | null }> = [];
if (!reportOnly) {
  log(`Loupe benchmark suite, ${mode} mode, on ${machine().cores} × ${machine().cpu}, Node ${process.version}`);
  for (const s of SECTIONS) {
    if (only.length > 0 && !only.includes(s.name)) continue;
    if (skip.includes(s.name)) continue;
    log(`\n━━ ${s.title} (${s.name}) ━━`);
    const t0 = performance.now();
    const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join('src', s.file), `--${mode}`, ...passThrough], {
      cwd: BENCH_DIR,
      stdio: 'inherit',
    });
    const seconds = round((performance.now() - t0) / 1000, 1);
    ran.push({ section: s.name, seconds, status: child.status });
    log(`━━ ${s.name}: ${child.status === 0 ? 'done' : `FAILED (exit ${child.status ?? child.signal})`} in ${seconds} s`);
  }
}

let reportStatus: number | null = 0;
if (!argv.includes('--no-report')) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join('src', 'report.ts'), `--${mode}`], { cwd: BENCH_DIR, stdio: 'inherit' });
  reportStatus = r.status;
}
const total = round((performance.now() - started) / 1000, 1);
if (ran.length > 0) {
  mkdirSync(resultsDir(mode), { recursive: true });
  const suiteFile = join(resultsDir(mode), only.length > 0 || skip.length > 0 ? `suite-${ran.map((r) => r.section).join('+')}.json` : 'suite.json');
  writeFileSync(suiteFile, `${JSON.stringify({ mode, date: new Date().toISOString(), machine: machine(), totalSeconds: total, sections: ran }, null, 2)}\n`);
}
log(`\n${ran.map((r) => `${r.section} ${r.seconds} s${r.status === 0 ? '' : ' (failed)'}`).join(' · ')}${ran.length ? ' · ' : ''}total ${total} s (${mode})`);
const failed = ran.filter((r) => r.status !== 0);
if (failed.length > 0 || reportStatus !== 0) {
  log(`failed: ${[...failed.map((f) => f.section), ...(reportStatus !== 0 ? ['report'] : [])].join(', ')}`);
  process.exitCode = 1;
}
