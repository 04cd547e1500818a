// Proves the TF.js → ONNX conversion: the ONNX model's probabilities equal the original Keras/TF.js model's (run on
// TF.js's pure-JS CPU backend) within 1e-4 on real photos, and the fp16-weight browser variant agrees on top-1.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { decodeImage } from '../src/decode.ts';
import { loadModelFiles } from '../src/model-store.ts';
import { IMAGENET_MEAN_RGB } from '../scripts/keras-to-onnx.ts';
import { fetchWeights } from '../scripts/weights.ts';
import { maxAbsDiff, PHOTOS } from './helpers.ts';

const REFERENCE_PHOTOS = ['cat.jpg', 'espresso.jpg', 'squirrel.jpg'];
const ALL_PHOTOS = ['cat.jpg', 'espresso.jpg', 'squirrel.jpg', 'orange.jpg', 'eagle.jpg', 'butterfly.jpg', 'robin.jpg', 'palace.jpg'];

async function loadTfjsModel(): Promise<tf.LayersModel> {
  const dir = join(fetchWeights(), 'ResNet50');
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  const specs = json.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights);
  const data = Buffer.concat(json.weightsManifest.flatMap((g: { paths: string[] }) => g.paths.map((p) => readFileSync(join(dir, p)))));
  return tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) }),
  );
}

/** Keras "caffe" preprocessing done the textbook way: RGB → BGR, minus the ImageNet mean. */
function caffePreprocess(rgb: Uint8Array): tf.Tensor4D {
  const out = new Float32Array(rgb.length);
  const meanBGR = [IMAGENET_MEAN_RGB[2], IMAGENET_MEAN_RGB[1], IMAGENET_MEAN_RGB[0]];
  for (let i = 0; i < rgb.length; i += 3) for (let c = 0; c < 3; c++) out[i + c] = rgb[i + 2 - c]! - meanBGR[c]!;
  return tf.tensor4d(out, [1, 224, 224, 3]);
}

async function onnxProbabilities(session: ort.InferenceSession, pixels: Uint8Array): Promise<Float32Array> {
  const input = new ort.Tensor('float32', Float32Array.from(pixels), [1, 224, 224, 3]);
  const out = await session.run({ pixels: input }, ['probabilities']);
  return out.probabilities!.data as Float32Array;
}

const argmax = (a: ArrayLike<number>) => Array.from(a).reduce((best, v, i, arr) => (v > arr[best]! ? i : best), 0);

describe('TF.js → ONNX conversion', () => {
  let fp32: ort.InferenceSession;
  let fp16: ort.InferenceSession;
  before(async () => {
    await tf.setBackend('cpu');
    const model = await loadModelFiles();
    fp32 = await ort.InferenceSession.create(model.onnxPath);
    fp16 = await ort.InferenceSession.create((await loadModelFiles(undefined, 'fp16')).onnxPath);
  });
  after(async () => {
    await fp32?.release();
    await fp16?.release();
  });

  it('matches the original TF.js model within 1e-4 in probability on real photos', { timeout: 600_000 }, async (t) => {
    const reference = await loadTfjsModel();
    for (const photo of REFERENCE_PHOTOS) {
      const { pixels } = await decodeImage(join(PHOTOS, photo), 224);
      const x = caffePreprocess(pixels);
      const y = reference.predict(x) as tf.Tensor;
      const expected = (await y.data()) as Float32Array;
      tf.dispose([x, y]);
      const actual = await onnxProbabilities(fp32, pixels);
      const diff = maxAbsDiff(expected, actual);
      t.diagnostic(`${photo}: max |p_tfjs − p_onnx| = ${diff.toExponential(2)}, top-1 ${argmax(actual)}`);
      assert.ok(diff < 1e-4, `${photo}: max |p_tfjs − p_onnx| = ${diff}`);
      assert.equal(argmax(actual), argmax(expected), `${photo}: top-1 differs`);
    }
    reference.dispose();
  });

  it('the fp16-weight browser variant agrees with fp32 on top-1 for every test photo', async () => {
    for (const photo of ALL_PHOTOS) {
      const { pixels } = await decodeImage(join(PHOTOS, photo), 224);
      const a = await onnxProbabilities(fp32, pixels);
      const b = await onnxProbabilities(fp16, pixels);
      assert.equal(argmax(b), argmax(a), `${photo}: fp16 top-1 ${argmax(b)} ≠ fp32 top-1 ${argmax(a)}`);
      assert.ok(maxAbsDiff(a, b) < 0.02, `${photo}: fp16 probabilities drift by ${maxAbsDiff(a, b)}`);
    }
  });
});
