// Proves the TF.js → ONNX conversion of CenterNet: on real photos the ONNX model's raw detections equal the original
// TF.js graph model's (run on TF.js's pure-JS CPU backend) — same boxes, scores and classes for every confident row.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { decodeImage } from '@loupe/embedding';
import { DETECTOR_INPUT_SIZE } from '../src/model-files.ts';
import { loadDetectorFiles } from '../src/model-store.ts';
import { CENTERNET, fetchSource } from '../scripts/source.ts';
import { PHOTOS } from './helpers.ts';

// Two photos keep the pure-JS reference run near a minute on a busy 2-core machine.
const PHOTOS_CHECKED = ['person-dog-horse.jpg', 'dog-bicycle-truck.jpg'];
const SIZE = DETECTOR_INPUT_SIZE;

async function loadTfjsModel(): Promise<tf.GraphModel> {
  const dir = join(fetchSource(), 'models');
  const json = JSON.parse(readFileSync(join(dir, 'centernet.json'), 'utf8'));
  const bin = readFileSync(join(dir, 'centernet.bin'));
  return tf.loadGraphModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights),
      weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
    }),
  );
}

/** Rows with score ≥ 0.1 as [x0, y0, x1, y1, score, class]. */
function confidentRows(data: Float32Array): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < data.length / 6; i++) if (data[i * 6 + 4]! >= 0.1) rows.push(Array.from(data.subarray(i * 6, i * 6 + 6)));
  return rows;
}

describe('CenterNet TF.js → ONNX conversion', () => {
  let session: ort.InferenceSession;
  let reference: tf.GraphModel;
  before(async () => {
    await tf.setBackend('cpu');
    session = await ort.InferenceSession.create((await loadDetectorFiles()).onnxPath, { graphOptimizationLevel: 'all' });
    reference = await loadTfjsModel();
  });
  after(async () => {
    await session?.release();
    reference?.dispose();
  });

  it('gives the same detections as the original TF.js model on real photos', { timeout: 600_000 }, async () => {
    for (const photo of PHOTOS_CHECKED) {
      const { pixels } = await decodeImage(join(PHOTOS, photo), SIZE);
      const input = Float32Array.from(pixels);
      const out = await session.run({ images: new ort.Tensor('float32', input, [1, SIZE, SIZE, 3]) });
      const onnxRows = confidentRows(out.detections!.data as Float32Array);
      const tfOut = reference.execute(tf.tensor4d(input, [1, SIZE, SIZE, 3]), CENTERNET.output) as tf.Tensor;
      const tfRows = confidentRows((await tfOut.data()) as Float32Array);
      tfOut.dispose();
      assert.ok(tfRows.length >= 3, `${photo}: the reference finds objects (${tfRows.length} rows)`);
      assert.equal(onnxRows.length, tfRows.length, `${photo}: same number of confident rows`);
      tfRows.forEach((ref, i) => {
        const got = onnxRows[i]!;
        assert.equal(got[5], ref[5], `${photo} row ${i}: same class`);
        assert.ok(Math.abs(got[4]! - ref[4]!) < 1e-3, `${photo} row ${i}: score ${got[4]} vs ${ref[4]}`);
        for (let k = 0; k < 4; k++) assert.ok(Math.abs(got[k]! - ref[k]!) < 0.05, `${photo} row ${i}: coordinate ${k} ${got[k]} vs ${ref[k]}`);
      });
    }
  });
});
