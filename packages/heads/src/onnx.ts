// A head as ONNX: input `features` [N, dim] (the L2-normalised backbone vector) → Gemm(transB=1) [→ Relu → Gemm] →
// Softmax → `probabilities` [N, classes]. The standardisation is already folded into the first Gemm. The classes and
// the kind travel in the model's doc string, so the bytes describe themselves. Inference runs in ONNX Runtime.
import * as ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import { GraphBuilder, localizeClasses, type Box, type FeatureMap, type LocalizeOptions } from '@loupe/embedding';
import { InvalidHeadError } from './errors.ts';
import type { DenseLayer, HeadModel, HeadPrediction } from './types.ts';

const FORMAT = 'loupe-head@1';

interface HeadDoc {
  format: typeof FORMAT;
  kind: HeadModel['kind'];
  classes: string[];
  dim: number;
  /** Anything the caller wants to keep with the head (backbone model id, label field, …). */
  meta?: Record<string, unknown>;
}

/** Serialises a head to ONNX bytes (fp32 weights; ~80 KB for 10 classes on 2048-d features). */
export function exportHeadOnnx(model: HeadModel, meta: Record<string, unknown> = {}): Uint8Array {
  const g = new GraphBuilder();
  let x = 'features';
  model.layers.forEach((layer, i) => {
    const w = g.weight(`W${i + 1}`, [layer.outputs, layer.inputs], layer.weights);
    const b = g.weight(`b${i + 1}`, [layer.outputs], layer.bias);
    x = g.node('Gemm', [x, w, b], { transB: 1 }, i === model.layers.length - 1 ? 'logits' : `hidden${i + 1}`);
    if (i < model.layers.length - 1) x = g.node('Relu', [x], {}, `relu${i + 1}`);
  });
  g.node('Softmax', [x], { axis: 1 }, 'probabilities');
  const doc: HeadDoc = { format: FORMAT, kind: model.kind, classes: model.classes, dim: model.dim, meta };
  return g.encode({
    name: 'loupe-head',
    inputs: [{ name: 'features', shape: ['N', model.dim] }],
    outputs: [{ name: 'probabilities', shape: ['N', model.classes.length] }],
    docString: JSON.stringify(doc),
  });
}

function floats(tensor: onnxProto.onnx.ITensorProto): Float32Array {
  if (tensor.rawData && tensor.rawData.length > 0) {
    const raw = tensor.rawData;
    // Copy: rawData may be a view at an offset that is not 4-byte aligned.
    return new Float32Array(Uint8Array.from(raw).buffer);
  }
  if (tensor.floatData && tensor.floatData.length > 0) return Float32Array.from(tensor.floatData);
  return new Float32Array(0);
}

/** Reads a head back from its ONNX bytes (classes, kind, folded weights) — e.g. to localize its classes. */
export function decodeHeadOnnx(bytes: Uint8Array): HeadModel & { meta: Record<string, unknown> } {
  let model: onnxProto.onnx.ModelProto;
  try {
    model = onnxProto.onnx.ModelProto.decode(bytes);
  } catch (cause) {
    throw new InvalidHeadError('not an ONNX model', { cause });
  }
  let doc: HeadDoc;
  try {
    doc = JSON.parse(model.docString) as HeadDoc;
  } catch (cause) {
    throw new InvalidHeadError('this ONNX model is not a Loupe head (no head description)', { cause });
  }
  if (doc?.format !== FORMAT || !Array.isArray(doc.classes)) throw new InvalidHeadError('this ONNX model is not a Loupe head');
  const inits = new Map((model.graph?.initializer ?? []).map((t) => [t.name ?? '', t]));
  const layers: DenseLayer[] = [];
  for (let i = 1; inits.has(`W${i}`); i++) {
    const w = inits.get(`W${i}`)!;
    const [outputs, inputs] = (w.dims ?? []).map(Number) as [number, number];
    const bias = floats(inits.get(`b${i}`) ?? {});
    const weights = floats(w);
    if (weights.length !== outputs * inputs || bias.length !== outputs) throw new InvalidHeadError(`layer ${i} of the head is malformed`);
    layers.push({ inputs, outputs, weights, bias });
  }
  if (layers.length === 0 || layers.at(-1)!.outputs !== doc.classes.length) throw new InvalidHeadError('the head has no layers matching its classes');
  return { kind: doc.kind, classes: doc.classes, dim: doc.dim, layers, meta: doc.meta ?? {} };
}

/** Probabilities of a (folded) head computed in JavaScript, float64 — what the ONNX graph computes. */
export function headProbabilities(model: HeadModel, vector: Float32Array): Float32Array {
  let x: Float64Array = Float64Array.from(vector);
  model.layers.forEach((layer, index) => {
    const y = new Float64Array(layer.outputs);
    for (let o = 0; o < layer.outputs; o++) {
      let sum = layer.bias[o]!;
      const row = o * layer.inputs;
      for (let i = 0; i < layer.inputs; i++) sum += layer.weights[row + i]! * x[i]!;
      y[o] = index < model.layers.length - 1 && sum < 0 ? 0 : sum;
    }
    x = y;
  });
  const max = Math.max(...x);
  const e = x.map((z) => Math.exp(z - max));
  const total = e.reduce((a, b) => a + b, 0);
  return Float32Array.from(e, (v) => v / total);
}

/** Best first. */
export function rankPredictions(classes: readonly string[], probabilities: ArrayLike<number>, topK = classes.length): HeadPrediction[] {
  return Array.from(probabilities, (score, classId) => ({ classId, label: classes[classId]!, score }))
    .sort((a, b) => b.score - a.score || a.classId - b.classId)
    .slice(0, Math.max(1, topK));
}

export interface HeadSession {
  readonly classes: string[];
  readonly kind: HeadModel['kind'];
  readonly dim: number;
  /** Class probabilities per vector, from ONNX Runtime. */
  probabilities(vectors: readonly Float32Array[]): Promise<Float32Array[]>;
  /** Ranked predictions per vector (all classes unless topK). */
  predict(vectors: readonly Float32Array[], options?: { topK?: number }): Promise<HeadPrediction[][]>;
  /**
   * CAM boxes of the head's classes in an image, from the backbone's feature map of that image (a linear head only:
   * its weight rows are the class activation weights; an MLP head gives none). `predictions` are this head's.
   */
  localize(featureMap: FeatureMap, predictions: HeadPrediction[], options?: LocalizeOptions): Box[];
  dispose(): Promise<void>;
}

/** Opens a head's ONNX bytes in ONNX Runtime (CPU; a head is tiny). */
export async function openHeadSession(bytes: Uint8Array): Promise<HeadSession> {
  const model = decodeHeadOnnx(bytes);
  let session: ort.InferenceSession | undefined;
  try {
    session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'], graphOptimizationLevel: 'all' });
  } catch (cause) {
    throw new InvalidHeadError(`ONNX Runtime cannot load the head: ${(cause as Error).message}`, { cause });
  }
  const first = model.layers[0]!;
  const C = model.classes.length;
  const probabilities = async (vectors: readonly Float32Array[]) => {
    if (!session) throw new InvalidHeadError('this head session was disposed');
    if (vectors.length === 0) return [];
    const input = new Float32Array(vectors.length * model.dim);
    vectors.forEach((v, i) => {
      if (v.length !== model.dim) throw new InvalidHeadError(`the head takes ${model.dim}-d vectors, got ${v.length}`);
      input.set(v, i * model.dim);
    });
    const out = await session.run({ features: new ort.Tensor('float32', input, [vectors.length, model.dim]) });
    const data = out.probabilities!.data as Float32Array;
    return vectors.map((_, i) => data.slice(i * C, (i + 1) * C));
  };
  return {
    classes: model.classes,
    kind: model.kind,
    dim: model.dim,
    probabilities,
    async predict(vectors, options = {}) {
      return (await probabilities(vectors)).map((p) => rankPredictions(model.classes, p, options.topK));
    },
    localize(featureMap, predictions, options = {}) {
      if (model.kind !== 'linear') return [];
      if (featureMap.channels !== model.dim) throw new InvalidHeadError(`the feature map has ${featureMap.channels} channels; the head takes ${model.dim}`);
      return localizeClasses(featureMap, { labels: model.classes, weights: first.weights, dim: model.dim }, predictions, featureMap.region, options).boxes;
    },
    async dispose() {
      const s = session;
      session = undefined;
      await s?.release();
    },
  };
}

