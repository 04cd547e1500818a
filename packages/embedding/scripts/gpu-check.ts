// The GPU check: a ResNet-50-shaped model with seeded random weights (the real weights are too big to carry), built
// by the project's own converter, run on the CPU and on each GPU provider at a few batch sizes through the project's
// own provider code (every node on the GPU required). Prints a table — session-create time, first-run time, median
// latency, images/s, max |difference| and cosine vs the CPU, top-1 agreement — and writes the same as JSON, after
// every measurement (a run cut short still leaves what it measured).
//
//   bash scripts/gpu-check.sh [--batches 1,32,128] [--providers cpu,cuda,webgpu,webgpu-nchw] [--runs 10]
//                             [--budget 240] [--threads N] [--cuda-device 0] [--seed 1] [--out gpu-check.json]
//
// Runs from the repository (through tsx) or from the bundle that scripts/pack-gpu-bundle.sh makes (bundled to one
// .mjs by esbuild; no network, no npm). Budget: the measurements share --budget seconds; each cell gets at least one
// timed run, more while its share of the budget lasts (up to --runs).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import * as ort from 'onnxruntime-node';
import { cudaUnavailableReason, openSession, vulkanDrivers, webgpuUnavailableReason, type ProviderSession } from '../src/providers.ts';
import { buildRandomResNet50, featureStats, randomImages } from './resnet50-random.ts';

type Variant = 'cpu' | 'cuda' | 'webgpu' | 'webgpu-nchw';
const VARIANTS: Variant[] = ['cpu', 'cuda', 'webgpu', 'webgpu-nchw'];

interface Options {
  batches: number[];
  providers: Variant[];
  runs: number;
  budget: number;
  threads?: number;
  cudaDevice: number;
  seed: number;
  out: string;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { batches: [1, 32, 128], providers: VARIANTS, runs: 10, budget: 240, cudaDevice: 0, seed: 1, out: 'gpu-check.json' };
  const list = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);
  const positive = (flag: string, v: string | undefined) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a positive integer, got ${v}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    if (flag === '--help' || flag === '-h') {
      console.log('gpu-check [--batches 1,32,128] [--providers cpu,cuda,webgpu,webgpu-nchw] [--runs 10] [--budget 240] [--threads N] [--cuda-device 0] [--seed 1] [--out gpu-check.json]');
      process.exit(0);
    }
    if (value === undefined) throw new Error(`${flag} needs a value`);
    i++;
    if (flag === '--batches') o.batches = list(value).map((v) => positive(flag, v));
    else if (flag === '--providers') {
      const names = list(value);
      const bad = names.filter((n) => !VARIANTS.includes(n as Variant));
      if (bad.length > 0) throw new Error(`unknown provider ${bad.join(', ')} (known: ${VARIANTS.join(', ')})`);
      o.providers = VARIANTS.filter((v) => names.includes(v)); // the CPU reference first
    } else if (flag === '--runs') o.runs = positive(flag, value);
    else if (flag === '--budget') o.budget = positive(flag, value);
    else if (flag === '--threads') o.threads = positive(flag, value);
    else if (flag === '--cuda-device') o.cudaDevice = Number(value);
    else if (flag === '--seed') o.seed = positive(flag, value);
    else if (flag === '--out') o.out = value;
    else throw new Error(`unknown option ${flag}`);
  }
  if (!o.providers.includes('cpu')) o.providers = ['cpu', ...o.providers]; // the reference is always measured
  return o;
}

function run(cmd: string, args: string[]): string | undefined {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 15_000 }).trim();
  } catch {
    return undefined;
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= m)) m = d; // NaN counts as a difference
  }
  return m;
}

function rowCosines(a: Float32Array, b: Float32Array, dim: number): number {
  let worst = 1;
  for (let r = 0; r < a.length / dim; r++) {
    let dot = 0;
    let na = 0;
    let nb = 0;
    for (let i = r * dim; i < (r + 1) * dim; i++) {
      dot += a[i]! * b[i]!;
      na += a[i]! * a[i]!;
      nb += b[i]! * b[i]!;
    }
    const c = dot / Math.sqrt(na * nb);
    worst = Number.isNaN(c) ? NaN : Math.min(worst, c);
  }
  return worst;
}

function argmaxRows(p: Float32Array, classes: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < p.length / classes; r++) {
    let best = 0;
    for (let k = 1; k < classes; k++) if (p[r * classes + k]! > p[r * classes + best]!) best = k;
    out.push(best);
  }
  return out;
}

interface Row {
  provider: string;
  batch: number;
  status: 'ok' | 'unavailable' | 'failed' | 'skipped';
  reason?: string;
  createS?: number;
  firstRunS?: number;
  medianMs?: number;
  imagesPerS?: number;
  runs?: number;
  maxAbsDiff?: { probabilities: number; features: number; featureMap: number };
  minCosine?: number;
  top1Agreement?: number;
}

type Outputs = Record<'probabilities' | 'features' | 'feature_map', ort.Tensor>;

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const ortVersion = ort.env.versions.node ?? ort.env.versions.common;
  const gpu = run('nvidia-smi', ['--query-gpu=name,driver_version,memory.total', '--format=csv,noheader']);
  const cuda = run('nvidia-smi', [])?.match(/CUDA Version: ([\d.]+)/)?.[1];
  const drivers = vulkanDrivers();
  const machine = {
    date: new Date().toISOString(),
    node: process.version,
    onnxruntime: ortVersion,
    cpu: `${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}`,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    gpu: gpu ?? 'none (nvidia-smi not found or failed)',
    cudaDriver: cuda ?? 'none',
    vulkanDrivers: drivers.map((d) => `${d.library}${d.software ? ' (software)' : ''}`),
    webgpu: webgpuUnavailableReason() ?? 'Vulkan loader present',
    cudaProvider: cudaUnavailableReason() ?? 'provider libraries present',
  };
  console.log(`GPU check — ${machine.date}`);
  for (const [k, v] of Object.entries(machine)) if (k !== 'date') console.log(`  ${k.padEnd(14)} ${Array.isArray(v) ? v.join(', ') || 'none found' : v}`);

  // The model: the real architecture, random weights; a first build to measure the features' spread, a second with
  // a classifier aimed at it (see randomWeights).
  let t = performance.now();
  const draft = buildRandomResNet50(o.seed);
  const calibration = await openSession(draft.onnx, 'cpu', { threads: o.threads });
  const feats = await calibration.run({ pixels: new ort.Tensor('float32', randomImages(16, o.seed + 7), [16, 224, 224, 3]) }, ['features']);
  await calibration.release();
  const built = buildRandomResNet50(o.seed, featureStats(feats.features!.data as Float32Array, draft.featureDim));
  const model = { layers: built.layerCount, parameters: built.parameterCount, onnxMB: +(built.onnx.byteLength / 1e6).toFixed(1), buildS: +((performance.now() - t) / 1000).toFixed(1), seed: o.seed };
  console.log(`  model          ResNet-50 shape, seeded random weights (seed ${o.seed}): ${model.layers} Keras layers, ${model.parameters.toLocaleString('en')} parameters, ${model.onnxMB} MB ONNX, built in ${model.buildS} s`);
  console.log(`  plan           providers ${o.providers.join(', ')}; batches ${o.batches.join(', ')}; up to ${o.runs} timed runs each; budget ${o.budget} s\n`);

  const rows: Row[] = [];
  const save = () => writeFileSync(o.out, JSON.stringify({ machine, model, options: o, rows, totalS: +elapsed().toFixed(1) }, null, 2));
  const header = ['provider', 'batch', 'create s', 'first run s', 'median ms', 'images/s', 'runs', 'max|Δ| prob', 'max|Δ| feat', 'max|Δ| map', 'min cos', 'top-1'];
  const widths = [14, 5, 8, 11, 10, 9, 4, 11, 11, 11, 9, 7];
  const line = (cells: string[]) => console.log(cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
  line(header);
  const fmt = (n: number | undefined, digits: number) => (n === undefined ? '—' : n.toFixed(digits));
  const sci = (n: number | undefined) => (n === undefined ? '—' : n === 0 ? '0' : n.toExponential(1));
  const print = (r: Row) => {
    if (r.status !== 'ok') return console.log(`${r.provider.padEnd(14)}  ${String(r.batch).padStart(5)}  ${r.status}: ${r.reason}`);
    line([
      r.provider,
      String(r.batch),
      fmt(r.createS, 2),
      fmt(r.firstRunS, 3),
      fmt(r.medianMs, 1),
      fmt(r.imagesPerS, 1),
      String(r.runs),
      sci(r.maxAbsDiff?.probabilities),
      sci(r.maxAbsDiff?.features),
      sci(r.maxAbsDiff?.featureMap),
      r.minCosine === undefined ? '—' : r.minCosine.toFixed(6),
      r.top1Agreement === undefined ? '—' : `${Math.round(r.top1Agreement * 100)}%`,
    ]);
  };
  const add = (r: Row) => {
    rows.push(r);
    print(r);
    save();
  };

  const inputs = new Map(o.batches.map((b) => [b, new ort.Tensor('float32', randomImages(b, o.seed * 1000 + b), [b, 224, 224, 3])]));
  const reference = new Map<number, Outputs>();
  const cells = o.providers.length * o.batches.length;
  let done = 0;
  for (const variant of o.providers) {
    const device = variant === 'webgpu-nchw' ? 'webgpu' : variant;
    const label = variant === 'webgpu' ? 'webgpu (NHWC)' : variant === 'webgpu-nchw' ? 'webgpu (NCHW)' : variant;
    if (elapsed() > o.budget) {
      for (const batch of o.batches) add({ provider: label, batch, status: 'skipped', reason: 'time budget spent' });
      done += o.batches.length;
      continue;
    }
    let session: ProviderSession;
    t = performance.now();
    try {
      session = await openSession(built.onnx, device, {
        threads: o.threads,
        requireFullGpuPlacement: device !== 'cpu', // every node on the GPU, or no session
        providerOptions: { webgpu: { preferredLayout: variant === 'webgpu-nchw' ? 'NCHW' : 'NHWC' }, cuda: { deviceId: o.cudaDevice } },
      });
    } catch (error) {
      for (const batch of o.batches) add({ provider: label, batch, status: 'unavailable', reason: (error as Error).message });
      done += o.batches.length;
      continue;
    }
    const createS = (performance.now() - t) / 1000;
    try {
      for (const batch of o.batches) {
        const input = inputs.get(batch)!;
        const share = Math.max(0, (o.budget - elapsed()) / Math.max(1, cells - done));
        done += 1;
        if (variant !== 'cpu' && !reference.has(batch)) {
          add({ provider: label, batch, status: 'skipped', reason: 'no CPU reference for this batch' });
          continue;
        }
        if (elapsed() > o.budget) {
          add({ provider: label, batch, status: 'skipped', reason: 'time budget spent' });
          continue;
        }
        const cellStart = performance.now();
        let out: Outputs;
        try {
          t = performance.now();
          out = (await session.run({ pixels: input })) as Outputs;
          const firstRunS = (performance.now() - t) / 1000;
          if (session.provider !== device) throw new Error(`fell back to ${session.provider}: ${session.skipped.at(-1)?.reason}`);
          const times: number[] = [];
          while (times.length < o.runs && (times.length < 1 || (performance.now() - cellStart) / 1000 < share)) {
            t = performance.now();
            out = (await session.run({ pixels: input })) as Outputs;
            times.push(performance.now() - t);
          }
          if (session.provider !== device) throw new Error(`fell back to ${session.provider}: ${session.skipped.at(-1)?.reason}`);
          const ms = median(times);
          const row: Row = { provider: label, batch, status: 'ok', createS, firstRunS, medianMs: ms, imagesPerS: batch / (ms / 1000), runs: times.length };
          if (variant === 'cpu') reference.set(batch, out);
          else {
            const ref = reference.get(batch)!;
            const classes = ref.probabilities.dims[1]!;
            const a = argmaxRows(out.probabilities.data as Float32Array, classes);
            const b = argmaxRows(ref.probabilities.data as Float32Array, classes);
            row.maxAbsDiff = {
              probabilities: maxAbsDiff(out.probabilities.data as Float32Array, ref.probabilities.data as Float32Array),
              features: maxAbsDiff(out.features.data as Float32Array, ref.features.data as Float32Array),
              featureMap: maxAbsDiff(out.feature_map.data as Float32Array, ref.feature_map.data as Float32Array),
            };
            row.minCosine = rowCosines(out.features.data as Float32Array, ref.features.data as Float32Array, ref.features.dims[1]!);
            row.top1Agreement = a.filter((c, i) => c === b[i]).length / a.length;
          }
          add(row);
        } catch (error) {
          add({ provider: label, batch, status: 'failed', reason: (error as Error).message.split('\n')[0] });
        }
      }
    } finally {
      await session.release();
    }
  }
  save();
  console.log(`\n${rows.filter((r) => r.status === 'ok').length} measurements in ${elapsed().toFixed(0)} s; JSON in ${o.out}`);
}

main().catch((error: unknown) => {
  console.error(`gpu-check: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
