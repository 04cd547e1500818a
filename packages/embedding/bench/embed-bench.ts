// Embedding throughput: raw session.run on ready tensors (the ceiling) vs end-to-end embed() from JPEG files
// (read + decode + resize + inference + normalise), for the fp32 and the int8 model side by side in one run, in two
// layouts of the CPU: one session with 2 intra-op threads on the calling thread, and the inference pool's 2 worker
// threads with 1 thread each (the default). A benchmark, not a test.
//   npm run bench -w @loupe/embedding -- [--quick|--full] [--out file.json]
// The suite (`npm run bench` at the root, bench/src/speed.ts) runs this and adds the CLI's ingest rate.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { decodeImage } from '../src/decode.ts';
import { openPooledSession } from '../src/inference-pool.ts';
import { createEmbedder } from '../src/index.ts';
import { PRECISIONS } from '../src/model-files.ts';
import { loadModelFiles } from '../src/model-store.ts';
import { INPUT_SIZE } from '../src/postprocess.ts';
import { toNHWCBatch } from '../src/preprocess.ts';
import { openSession, type ProviderSession } from '../src/providers.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const outIndex = args.indexOf('--out');
const root = fileURLToPath(new URL('../../../', import.meta.url));
const out =
  outIndex >= 0
    ? args[outIndex + 1]!
    : join(root, 'bench', 'results', quick ? 'embedding-quick.json' : 'embedding.json');
const IMAGES = quick ? 16 : 64;
const REPEATS = quick ? 1 : 3;
const BATCHES = quick ? [8] : [1, 8, 32];
/** workers 0: one session on the calling thread; otherwise the pool (src/inference-pool.ts). */
const LAYOUTS = [
  { name: '1 session × 2 threads', workers: 0, threads: 2 },
  { name: '2 workers × 1 thread', workers: 2, threads: 1 },
];

const photosDir = join(root, 'tests', 'fixtures', 'photos');
const photos = readdirSync(photosDir)
  .filter((f) => f.endsWith('.jpg'))
  .map((f) => join(photosDir, f));
const files = Array.from({ length: IMAGES }, (_, i) => photos[i % photos.length]!);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function rawRate(session: ProviderSession, pixels: Uint8Array[], batch: number, inFlight: number): Promise<number> {
  // Tensors are built before timing (the pool takes each one's memory, so they are built for every run): this is the
  // ceiling the end-to-end path is measured against. The pool gets a batch per worker at a time.
  const tensors: ort.Tensor[] = [];
  for (let i = 0; i < pixels.length; i += batch) {
    const chunk = pixels.slice(i, i + batch);
    tensors.push(new ort.Tensor('float32', toNHWCBatch(chunk, INPUT_SIZE), [chunk.length, INPUT_SIZE, INPUT_SIZE, 3]));
  }
  const start = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < tensors.length) await session.run({ pixels: tensors[next++]! }, ['features']);
    }),
  );
  return pixels.length / ((performance.now() - start) / 1000);
}

const pixels = await Promise.all(files.map(async (f) => (await decodeImage(f, INPUT_SIZE)).pixels));
const spreadOf = (xs: number[]) => ({ min: Math.min(...xs), max: Math.max(...xs), runs: xs });
const rows: Array<{
  precision: string;
  layout: string;
  workers: number;
  threads: number;
  batch: number;
  raw: number;
  endToEnd: number;
  ratio: number;
  rawSpread: ReturnType<typeof spreadOf>;
  endToEndSpread: ReturnType<typeof spreadOf>;
}> = [];
for (const precision of PRECISIONS)
  for (const layout of LAYOUTS) {
    const model = await loadModelFiles(undefined, precision);
    const session =
      layout.workers === 0
        ? await openSession(model.onnxPath, 'cpu', { threads: layout.threads })
        : await openPooledSession(model.onnxPath, { workers: layout.workers, threads: layout.threads });
    const inFlight = Math.max(1, layout.workers);
    for (const batch of BATCHES) {
      const embedder = await createEmbedder({ device: 'cpu', threads: layout.threads, workers: layout.workers, batchSize: batch, precision });
      await rawRate(session, pixels.slice(0, batch * inFlight), batch, inFlight); // warm-up
      await embedder.embed(files.slice(0, batch * inFlight));
      const raw: number[] = [];
      const e2e: number[] = [];
      for (let r = 0; r < REPEATS; r++) {
        raw.push(await rawRate(session, pixels, batch, inFlight));
        const start = performance.now();
        await embedder.embed(files);
        e2e.push(files.length / ((performance.now() - start) / 1000));
      }
      await embedder.dispose();
      const row = {
        precision,
        layout: layout.name,
        workers: layout.workers,
        threads: layout.threads,
        batch,
        raw: median(raw),
        endToEnd: median(e2e),
        ratio: median(e2e) / median(raw),
        rawSpread: spreadOf(raw),
        endToEndSpread: spreadOf(e2e),
      };
      rows.push(row);
      console.log(
        `${precision}  ${layout.name.padEnd(22)}  batch ${String(batch).padStart(2)}  raw ${row.raw.toFixed(1).padStart(5)} img/s  end-to-end ${row.endToEnd.toFixed(1).padStart(5)} img/s  ratio ${(row.ratio * 100).toFixed(0)}%`,
      );
    }
    await session.release();
  }

const result = {
  benchmark: 'embedding',
  date: new Date().toISOString(),
  machine: { cpu: cpus()[0]?.model, cores: cpus().length, node: process.version, onnxruntime: ort.env.versions.common },
  settings: {
    mode: quick ? 'quick' : 'full',
    images: IMAGES,
    repeats: REPEATS,
    photos: photos.length,
    input: `${INPUT_SIZE}×${INPUT_SIZE}`,
    statistic: 'median of repeats (min/max in *Spread)',
    raw: 'session.run on ready float32 tensors, output features only; the pool with one batch per worker in flight',
    endToEnd: 'embedder.embed(paths): read + decode (sharp) + resize + inference + normalise',
  },
  rows,
};
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
console.log(
  '\n| precision | layout | batch | raw session.run (img/s) | embed() from JPEG (img/s) | end-to-end / raw |',
);
console.log('|---|---|---:|---:|---:|---:|');
for (const r of rows)
  console.log(
    `| ${r.precision} | ${r.layout} | ${r.batch} | ${r.raw.toFixed(1)} | ${r.endToEnd.toFixed(1)} | ${(r.ratio * 100).toFixed(0)}% |`,
  );
console.log(`\nwrote ${out}`);
