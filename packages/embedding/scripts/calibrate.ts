// Activation ranges for the int8 model, recorded by running the fp32 graph on real photos.
//
// The calibration photos are half of the repository's test photos (tests/fixtures/photos, sorted by name, every
// other one starting with the first); the other half is held out for the quality gates (test/int8.test.ts), so a
// calibration can never be tuned to the photos that judge it. Each calibration photo is seen four ways (whole,
// mirrored, and two 70 % crops) so the ranges cover the framings an ingest meets: 28 images.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import * as ort from 'onnxruntime-node';
import { decodeImage } from '../src/decode.ts';
import { INPUT_SIZE } from '../src/postprocess.ts';
import { toNHWCBatch } from '../src/preprocess.ts';
import { TensorStats, type CalibrationMethod, type Range } from './quantize.ts';

/** The calibration the build ships (chosen on the quality gates: see the README's "int8" section). */
export const INT8_CALIBRATION: { method: CalibrationMethod; percentile?: number } = { method: 'minmax' };

export const PHOTO_DIR = join(import.meta.dirname, '..', '..', '..', 'tests', 'fixtures', 'photos');

/** The test photos, sorted; even positions calibrate, odd positions are held out for the gates. */
export function splitPhotos(dir = PHOTO_DIR): { calibration: string[]; heldOut: string[] } {
  const photos = readdirSync(dir)
    .filter((f) => /\.(jpe?g|png|webp)$/i.test(f))
    .sort();
  return { calibration: photos.filter((_, i) => i % 2 === 0), heldOut: photos.filter((_, i) => i % 2 === 1) };
}

/** The model input (224×224 RGB) of each calibration view, decoded exactly as the embedder decodes. */
export async function calibrationInputs(files: string[]): Promise<Uint8Array[]> {
  const inputs: Uint8Array[] = [];
  for (const file of files) {
    const { width, height } = await sharp(file)
      .rotate()
      .metadata()
      .then((m) =>
        (m.orientation ?? 1) >= 5 ? { width: m.height!, height: m.width! } : { width: m.width!, height: m.height! },
      );
    const w = Math.round(width * 0.7);
    const h = Math.round(height * 0.7);
    const mirrored = await sharp(file).rotate().flop().jpeg({ quality: 95 }).toBuffer();
    for (const input of [
      file,
      new Uint8Array(mirrored),
      { source: file, region: { x0: 0, y0: 0, x1: w, y1: h } },
      { source: file, region: { x0: width - w, y0: height - h, x1: width, y1: height } },
    ])
      inputs.push((await decodeImage(input, INPUT_SIZE)).pixels);
  }
  return inputs;
}

/** Runs the calibration graph (fp32 with the tensors as extra outputs) and gathers each tensor's statistics. */
export async function collectStats(
  calibrationOnnx: Uint8Array,
  tensors: string[],
  inputs: Uint8Array[],
  batch = 4,
): Promise<Map<string, TensorStats>> {
  const session = await ort.InferenceSession.create(calibrationOnnx, { graphOptimizationLevel: 'basic' });
  const stats = new Map(tensors.map((t) => [t, new TensorStats()]));
  try {
    for (let i = 0; i < inputs.length; i += batch) {
      const part = inputs.slice(i, i + batch);
      const feed = new ort.Tensor('float32', toNHWCBatch(part, INPUT_SIZE), [part.length, INPUT_SIZE, INPUT_SIZE, 3]);
      const out = await session.run({ pixels: feed }, tensors);
      for (const t of tensors) stats.get(t)!.add(out[t]!.data as Float32Array);
    }
  } finally {
    await session.release();
  }
  return stats;
}

export function rangesOf(
  stats: Map<string, TensorStats>,
  method: CalibrationMethod,
  percentile?: number,
): Map<string, Range> {
  return new Map([...stats].map(([t, s]) => [t, s.range(method, percentile)]));
}
