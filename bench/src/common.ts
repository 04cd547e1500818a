// Shared by every section of the suite: mode and sizes, result files with the machine's description, statistics.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, freemem, loadavg, platform, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rng } from '@loupe/random';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BENCH_DIR = join(REPO_ROOT, 'bench');
/** Committed results of `--full`. `--quick` (CI smoke) writes into results/quick/, which git ignores. */
export const RESULTS_DIR = join(BENCH_DIR, 'results');
export const CACHE_DIR = join(REPO_ROOT, '.cache', 'bench');

export type Mode = 'quick' | 'full';

/**
 * Fashion-MNIST images per class used by every section (catalog from the training split, queries from the test
 * split). --full is sized for this shared 2-core machine: embedding ran at 1–6 images/s under the other jobs' load
 * (~40–60 on an idle machine), so 3,000 + 1,000 images is what fitted; pass --catalog-per-class to go larger.
 */
export const FMNIST_PER_CLASS = { quick: { train: 100, test: 20 }, full: { train: 1000, test: 200 } } as const;

/** `--quick` (the default) or `--full` from the command line. */
export function modeFromArgs(argv = process.argv.slice(2)): Mode {
  if (argv.includes('--full')) return 'full';
  return 'quick';
}

export function resultsDir(mode: Mode): string {
  return mode === 'full' ? RESULTS_DIR : join(RESULTS_DIR, 'quick');
}

export function resultPath(mode: Mode, name: string): string {
  return join(resultsDir(mode), `${name}.json`);
}

/** The command that regenerates one section's results, as printed next to its numbers. */
export function commandFor(section: string, mode: Mode): string {
  return `npm run bench -- --${mode} --only ${section}`;
}

const require = createRequire(join(BENCH_DIR, 'package.json'));

function versionOf(pkg: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')) as { version: string }).version;
  } catch {
    // packages whose exports hide package.json: walk up from the entry point
    try {
      let dir = dirname(require.resolve(pkg));
      for (let i = 0; i < 6; i++) {
        try {
          const p = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
          if (p.name === pkg) return p.version;
        } catch {
          // keep walking
        }
        dir = dirname(dir);
      }
    } catch {
      // not installed
    }
    return undefined;
  }
}

function gitCommit(): { commit: string | null; dirty: boolean | null } {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() !== '';
    return { commit, dirty };
  } catch {
    return { commit: null, dirty: null };
  }
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  freeMemoryGiB: number;
  os: string;
  node: string;
  loadAverage1m: number;
  libraries: Record<string, string | undefined>;
  git: { commit: string | null; dirty: boolean | null };
}

export function machine(): Machine {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    freeMemoryGiB: round(freemem() / 2 ** 30, 1),
    os: `${platform()} ${release()}`,
    node: process.version,
    loadAverage1m: round(loadavg()[0] ?? 0, 2),
    libraries: Object.fromEntries(
      ['onnxruntime-node', 'hnswlib-node', 'sharp', 'better-sqlite3', '@prisma/client', 'next', 'autocannon', 'vega', 'vega-lite'].map((p) => [p, versionOf(p)]),
    ),
    git: gitCommit(),
  };
}

export interface ResultFile<T> {
  benchmark: string;
  mode: Mode;
  date: string;
  command: string;
  machine: Machine;
  settings: Record<string, unknown>;
  notes?: string[];
  wallSeconds: number;
  results: T;
}

export function writeResult<T>(mode: Mode, name: string, file: Omit<ResultFile<T>, 'benchmark' | 'mode' | 'date' | 'machine' | 'command'> & { command?: string }): string {
  const path = resultPath(mode, name);
  mkdirSync(dirname(path), { recursive: true });
  const body: ResultFile<T> = {
    benchmark: name,
    mode,
    date: new Date().toISOString(),
    command: file.command ?? commandFor(name, mode),
    machine: machine(),
    ...file,
  };
  writeFileSync(path, `${JSON.stringify(body, null, 2)}\n`);
  return path;
}

export function readResult<T>(mode: Mode, name: string): ResultFile<T> | undefined {
  try {
    return JSON.parse(readFileSync(resultPath(mode, name), 'utf8')) as ResultFile<T>;
  } catch {
    return undefined;
  }
}

// ---- statistics ----

export const round = (x: number, digits = 1): number => {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/** Linear-interpolated quantile (q in 0..1) of unsorted values. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

export const median = (values: readonly number[]): number => quantile(values, 0.5);
export const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

export interface Spread {
  median: number;
  min: number;
  max: number;
  /** Interquartile range (p75 − p25). */
  iqr: number;
  n: number;
}

export function spread(values: readonly number[], digits = 2): Spread {
  return {
    median: round(median(values), digits),
    min: round(Math.min(...values), digits),
    max: round(Math.max(...values), digits),
    iqr: round(quantile(values, 0.75) - quantile(values, 0.25), digits),
    n: values.length,
  };
}

/** Mean with a normal-approximation 95% confidence half-width, for per-query metrics. */
export function meanCi(values: readonly number[], digits = 4): { mean: number; ci95: number } {
  const m = mean(values);
  const variance = values.reduce((a, v) => a + (v - m) ** 2, 0) / Math.max(1, values.length - 1);
  return { mean: round(m, digits), ci95: round(1.96 * Math.sqrt(variance / values.length), digits) };
}

// ---- time and memory ----

export interface Clock {
  wall: number;
  cpu: NodeJS.CpuUsage;
}
export const clock = (): Clock => ({ wall: performance.now(), cpu: process.cpuUsage() });
export function since(c: Clock): { wallMs: number; cpuMs: number } {
  const u = process.cpuUsage(c.cpu);
  return { wallMs: performance.now() - c.wall, cpuMs: (u.user + u.system) / 1000 };
}

export const mib = (bytes: number): number => round(bytes / 2 ** 20, 1);

/** Runs the garbage collector when node was started with --expose-gc (the runner does). */
export function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

export function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Seeded PRNG (the project's one: `@loupe/random`). */
export { rng };

export function parseFlag(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  if (i >= 0) return argv[i + 1];
  const eq = argv.find((a) => a.startsWith(`--${name}=`));
  return eq?.slice(name.length + 3);
}
