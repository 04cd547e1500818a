// Embedding throughput: raw session.run on ready tensors (the ceiling) vs end-to-end embed() from JPEG files
// (read + decode + resize + inference + normalise), at batch 1/8/32 and 1/2 threads, for the fp32 and the int8 model
// side by side in one run. A benchmark, not a test.
//   npm run bench -w @loupe/embedding -- [--quick|--full] [--out file.json]
// The suite (`npm run bench` at the root, bench/src/speed.ts) runs this and adds the CLI's ingest rate.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { decodeImage } from '../src/decode.ts';
import { createEmbedder } from '../src/index.ts';
import { PRECISIONS } from '../src/model-files.ts';
import { loadModelFiles } from '../src/model-store.ts';
import { INPUT_SIZE } from '../src/postprocess.ts';
import { toNHWCBatch } from '../src/preprocess.ts';
import { createSession } from '../src/providers.ts';

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
const BATCHES = quick ? [1, 8] : [1, 8, 32];
const THREADS = quick ? [2] : [1, 2];

const photosDir = join(root, 'tests', 'fixtures', 'photos');
const photos = readdirSync(photosDir)
  .filter((f) => f.endsWith('.jpg'))
  .map((f) => join(photosDir, f));
const files = Array.from({ length: IMAGES }, (_, i) => photos[i % photos.length]!);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function rawRate(session: ort.InferenceSession, pixels: Uint8Array[], batch: number): Promise<number> {
  // Tensors are built before timing: this is the ceiling the end-to-end path is measured against.
  const tensors: ort.Tensor[] = [];
  for (let i = 0; i < pixels.length; i += batch) {
    const chunk = pixels.slice(i, i + batch);
    tensors.push(new ort.Tensor('float32', toNHWCBatch(chunk, INPUT_SIZE), [chunk.length, INPUT_SIZE, INPUT_SIZE, 3]));
  }
  const start = performance.now();
  for (const t of tensors) await session.run({ pixels: t }, ['features']);
  return pixels.length / ((performance.now() - start) / 1000);
}

const pixels = await Promise.all(files.map(async (f) => (await decodeImage(f, INPUT_SIZE)).pixels));
const spreadOf = (xs: number[]) => ({ min: Math.min(...xs), max: Math.max(...xs), runs: xs });
const rows: Array<{
  precision: string;
  threads: number;
  batch: number;
  raw: number;
  endToEnd: number;
  ratio: number;
  rawSpread: ReturnType<typeof spreadOf>;
  endToEndSpread: ReturnType<typeof spreadOf>;
}> = [];
for (const precision of PRECISIONS)
  for (const threads of THREADS) {
    const model = await loadModelFiles(undefined, precision);
    const { session } = await createSession(model.onnxPath, 'cpu', { threads });
    for (const batch of BATCHES) {
      const embedder = await createEmbedder({ device: 'cpu', threads, batchSize: batch, precision });
      await rawRate(session, pixels.slice(0, batch), batch); // warm-up
      await embedder.embed(files.slice(0, batch));
      const raw: number[] = [];
      const e2e: number[] = [];
      for (let r = 0; r < REPEATS; r++) {
        raw.push(await rawRate(session, pixels, batch));
        const start = performance.now();
        await embedder.embed(files);
        e2e.push(files.length / ((performance.now() - start) / 1000));
      }
      await embedder.dispose();
      const row = {
        precision,
        threads,
        batch,
        raw: median(raw),
        endToEnd: median(e2e),
        ratio: median(e2e) / median(raw),
        rawSpread: spreadOf(raw),
        endToEndSpread: spreadOf(e2e),
      };
      rows.push(row);
      console.log(
        `${precision}  threads ${threads}  batch ${String(batch).padStart(2)}  raw ${row.raw.toFixed(1).padStart(5)} img/s  end-to-end ${row.endToEnd.toFixed(1).padStart(5)} img/s  ratio ${(row.ratio * 100).toFixed(0)}%`,
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
    raw: 'session.run on ready float32 tensors, output features only',
    endToEnd: 'embedder.embed(paths): read + decode (sharp) + resize + inference + normalise',
  },
  rows,
};
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
console.log(
  '\n| precision | threads | batch | raw session.run (img/s) | embed() from JPEG (img/s) | end-to-end / raw |',
);
console.log('|---|---:|---:|---:|---:|---:|');
for (const r of rows)
  console.log(
    `| ${r.precision} | ${r.threads} | ${r.batch} | ${r.raw.toFixed(1)} | ${r.endToEnd.toFixed(1)} | ${(r.ratio * 100).toFixed(0)}% |`,
  );
console.log(`\nwrote ${out}`);
