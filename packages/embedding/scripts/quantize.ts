// Static int8 quantization of the converted fp32 ResNet-50, in ONNX's QDQ form, with ranges calibrated on real photos.
//
// Where the QuantizeLinear (Q) / DequantizeLinear (DQ) pairs go is what decides speed: ONNX Runtime (optimization
// level 'all') fuses DQ(x) + DQ(w) + DQ(bias) → Conv → Q into one QLinearConv, and DQ(x) + DQ(w) + DQ(bias) → Gemm into
// a QGemm; anything else stays float. So:
//   - every Conv: its input through Q→DQ (uint8, asymmetric, calibrated), its weight per output channel symmetric
//     int8 (DQ, axis 0), its bias int32 at scale x_scale·w_scale (DQ, axis 0), its output through Q→DQ. A Relu right
//     after a Conv is dropped: a uint8 Q with zero point 0 clamps negatives to 0, which is the Relu.
//   - MaxPool between two quantized tensors keeps its input's scale (a max does not change the range), so ONNX
//     Runtime runs it on uint8.
//   - the classifier Gemm: pooled features through Q→DQ, weights per class symmetric int8, int32 bias; float logits.
//   - the residual Adds, their Relus, the pooling and the Softmax stay float: the feature map (the last block's
//     output) and the pooled features come out as float, so GeM and CAM see the same kind of tensor as with fp32.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
type Model = onnxProto.onnx.ModelProto;
type Node = onnxProto.onnx.INodeProto;
type Tensor = onnxProto.onnx.ITensorProto;

const INT8 = 3;
const UINT8 = 2;
const INT32 = 6;
const FLOAT = 1;

/**
 * Weights use 7 of int8's bits (±63). ONNX Runtime's x86 u8×s8 kernels multiply pairs of uint8 activations by int8
 * weights into int16 sums that saturate with full-range weights; with ±127 the fused model's vectors fell to cosine
 * 0.96 against fp32 while the same QDQ graph run unfused (optimization level 'basic') kept 0.997 (measured here).
 * This is ONNX Runtime's own `reduce_range` remedy.
 */
export const WEIGHT_MAX = 63;

/** A tensor's calibrated real range; the quantized range always contains 0. */
export interface Range {
  min: number;
  max: number;
}

export type CalibrationMethod = 'minmax' | 'percentile';

function decode(bytes: Uint8Array): Model {
  return onnx.ModelProto.decode(bytes);
}

function floatsOf(t: Tensor): Float32Array {
  if (t.dataType !== FLOAT || !t.rawData) throw new Error(`initializer ${t.name}: expected raw float32 data`);
  const raw = t.rawData;
  return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
}

function attr(node: Node, name: string): onnxProto.onnx.IAttributeProto | undefined {
  return node.attribute?.find((a) => a.name === name);
}

/** The activation tensors the quantized graph needs a range for, in graph order, and where each comes from. */
export interface QuantPlan {
  /** Tensors whose range is calibrated (exposed as extra outputs of a calibration copy of the fp32 graph). */
  calibrated: string[];
  /** Tensors that reuse another tensor's parameters (a MaxPool's output takes its input's). */
  sameAs: Map<string, string>;
  /** Conv outputs whose only consumer is a Relu: the Relu is dropped and the tensor is the Relu's output. */
  reluAfter: Map<string, Node>;
}

function consumersOf(nodes: Node[]): Map<string, Node[]> {
  const map = new Map<string, Node[]>();
  for (const n of nodes) for (const i of n.input ?? []) map.set(i, [...(map.get(i) ?? []), n]);
  return map;
}

export function planQuantization(modelBytes: Uint8Array): QuantPlan {
  const model = decode(modelBytes);
  const nodes = model.graph!.node!;
  const consumers = consumersOf(nodes);
  const outputs = new Set(model.graph!.output!.map((o) => o.name));
  const calibrated: string[] = [];
  const sameAs = new Map<string, string>();
  const reluAfter = new Map<string, Node>();
  const producer = new Map<string, Node>();
  for (const n of nodes) for (const o of n.output ?? []) producer.set(o, n);
  const add = (t: string) => {
    if (!calibrated.includes(t) && !sameAs.has(t)) calibrated.push(t);
  };
  // The tensor a Conv output stands for after its Relu is dropped.
  const quantizedOutput = (conv: Node) => {
    const y = conv.output![0]!;
    const c = consumers.get(y) ?? [];
    if (c.length === 1 && c[0]!.opType === 'Relu' && !outputs.has(y)) {
      reluAfter.set(y, c[0]!);
      return c[0]!.output![0]!;
    }
    return y;
  };
  for (const n of nodes) {
    if (n.opType === 'Conv') {
      const x = n.input![0]!;
      // Through MaxPool (and the zero Pad before it) the range stays that of the pooled tensor.
      let source = x;
      while (['MaxPool', 'Pad'].includes(producer.get(source)?.opType ?? '')) source = producer.get(source)!.input![0]!;
      if (source !== x) sameAs.set(x, source);
      add(source);
      add(quantizedOutput(n));
    } else if (n.opType === 'Gemm') add(n.input![0]!);
  }
  return { calibrated, sameAs, reluAfter };
}

/** The fp32 graph with every calibrated tensor added as an output, to record activation ranges with ONNX Runtime. */
export function calibrationModel(modelBytes: Uint8Array, plan: QuantPlan): Uint8Array {
  const model = decode(modelBytes);
  const existing = new Set(model.graph!.output!.map((o) => o.name));
  for (const t of plan.calibrated)
    if (!existing.has(t)) model.graph!.output!.push({ name: t, type: { tensorType: { elemType: FLOAT } } });
  return onnx.ModelProto.encode(model).finish();
}

/**
 * Streaming statistics of one tensor's values: exact min and max, and a histogram on the float's top 16 bits (sign,
 * exponent, 7 mantissa bits: bins under 1 % wide at any magnitude), enough for tail percentiles in one pass.
 */
export class TensorStats {
  min = Infinity;
  max = -Infinity;
  count = 0;
  readonly bins = new Float64Array(65536);

  add(values: Float32Array): void {
    const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
    const bins = this.bins;
    let min = this.min;
    let max = this.max;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
      bins[bits[i]! >>> 16]! += 1;
    }
    this.min = min;
    this.max = max;
    this.count += values.length;
  }

  /** The value below which `q` of the values lie (bin upper edge for the top tail, lower edge for the bottom). */
  private upper(tail: number): number {
    // Positive values: bins 0x0000..0x7f7f grow in magnitude with the index.
    let seen = 0;
    for (let b = 0x7f7f; b >= 0; b--) {
      seen += this.bins[b]!;
      if (seen > tail) return binEdge(b + 1);
    }
    return 0;
  }

  private lower(tail: number): number {
    // Negative values: bins 0x8000..0xff7f grow in magnitude with the index.
    let seen = 0;
    for (let b = 0xff7f; b >= 0x8000; b--) {
      seen += this.bins[b]!;
      if (seen > tail) return -binEdge(b - 0x8000 + 1);
    }
    return 0;
  }

  range(method: CalibrationMethod, percentile = 99.99): Range {
    if (this.count === 0) throw new Error('no calibration data');
    if (method === 'minmax') return { min: Math.min(0, this.min), max: Math.max(0, this.max) };
    const tail = (this.count * (100 - percentile)) / 100;
    return {
      min: Math.max(Math.min(0, this.min), this.lower(tail)),
      max: Math.min(Math.max(0, this.max), this.upper(tail)),
    };
  }
}

function binEdge(bin: number): number {
  const u = new Uint32Array([bin << 16]);
  return new Float32Array(u.buffer)[0]!;
}

interface QParams {
  scale: number;
  zeroPoint: number;
}

/** uint8 asymmetric parameters for a real range (which contains 0): zero point exact, 0 for non-negative tensors. */
export function uint8Params(range: Range): QParams {
  const span = Math.max(range.max - range.min, 1e-8);
  const scale = span / 255;
  const zeroPoint = Math.min(255, Math.max(0, Math.round(-range.min / scale)));
  return { scale, zeroPoint };
}

export interface QuantizeResult {
  onnx: Uint8Array;
  convs: number;
  gemms: number;
  droppedRelus: number;
}

/** Rewrites the fp32 graph into the QDQ int8 graph described at the top of this file. */
export function quantizeModel(modelBytes: Uint8Array, plan: QuantPlan, ranges: Map<string, Range>): QuantizeResult {
  const model = decode(modelBytes);
  const graph = model.graph!;
  const inits = new Map(graph.initializer!.map((t) => [t.name!, t]));
  const newInits: Tensor[] = [];
  const keptInits = new Set<string>();
  const out: Node[] = [];
  let counter = 0;
  const fresh = (p: string) => `${p}__q${++counter}`;
  const scalar = (name: string, dataType: number, value: number): string => {
    const data =
      dataType === FLOAT
        ? new Float32Array([value])
        : dataType === UINT8
          ? new Uint8Array([value])
          : new Int8Array([value]);
    newInits.push({ name, dims: [], dataType, rawData: new Uint8Array(data.buffer) });
    return name;
  };
  const vector = (name: string, dataType: number, data: Float32Array | Int8Array | Int32Array): string => {
    newInits.push({
      name,
      dims: [data.length],
      dataType,
      rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    });
    return name;
  };
  const params = (t: string): QParams => {
    const r = ranges.get(plan.sameAs.get(t) ?? t);
    if (!r) throw new Error(`no calibrated range for ${t}`);
    return uint8Params(r);
  };
  // Each quantized activation gets one Q→DQ pair; its DQ output replaces the tensor for Conv/Gemm consumers.
  const dq = new Map<string, string>();
  const qdq = (t: string, producedAs = t): string => {
    const done = dq.get(t);
    if (done) return done;
    const { scale, zeroPoint } = params(t);
    const s = scalar(fresh(`${t}.scale`), FLOAT, scale);
    const z = scalar(fresh(`${t}.zero_point`), UINT8, zeroPoint);
    const q = fresh(`${t}.q`);
    const name = fresh(`${t}.dq`);
    out.push({ opType: 'QuantizeLinear', name: q, input: [producedAs, s, z], output: [q] });
    out.push({ opType: 'DequantizeLinear', name, input: [q, s, z], output: [name] });
    dq.set(t, name);
    return name;
  };
  /** Per-row symmetric int8 weights ([rows, …] row-major) with an int32 bias at x_scale × row scale. */
  const quantizeWeights = (wName: string, bName: string | undefined, rows: number, xScale: number) => {
    const w = floatsOf(inits.get(wName)!);
    const per = w.length / rows;
    const q = new Int8Array(w.length);
    const scales = new Float32Array(rows);
    for (let r = 0; r < rows; r++) {
      let m = 0;
      for (let k = r * per; k < (r + 1) * per; k++) m = Math.max(m, Math.abs(w[k]!));
      const s = m > 0 ? m / WEIGHT_MAX : 1;
      scales[r] = s;
      for (let k = r * per; k < (r + 1) * per; k++)
        q[k] = Math.max(-WEIGHT_MAX, Math.min(WEIGHT_MAX, Math.round(w[k]! / s)));
    }
    const t = inits.get(wName)!;
    const qw = fresh(`${wName}.int8`);
    newInits.push({ name: qw, dims: t.dims, dataType: INT8, rawData: new Uint8Array(q.buffer) });
    const ws = vector(fresh(`${wName}.scale`), FLOAT, scales);
    const wz = vector(fresh(`${wName}.zero_point`), INT8, new Int8Array(rows));
    const wOut = fresh(`${wName}.dq`);
    out.push({
      opType: 'DequantizeLinear',
      name: wOut,
      input: [qw, ws, wz],
      output: [wOut],
      attribute: [{ name: 'axis', type: 2, i: 0 }],
    });
    if (!bName) return { w: wOut, b: undefined };
    const b = floatsOf(inits.get(bName)!);
    const bScales = scales.map((s) => s * xScale);
    const qb = new Int32Array(rows);
    for (let r = 0; r < rows; r++) qb[r] = Math.round(b[r]! / bScales[r]!);
    const bq = vector(fresh(`${bName}.int32`), INT32, qb);
    const bs = vector(fresh(`${bName}.scale`), FLOAT, bScales);
    const bz = vector(fresh(`${bName}.zero_point`), INT32, new Int32Array(rows));
    const bOut = fresh(`${bName}.dq`);
    out.push({
      opType: 'DequantizeLinear',
      name: bOut,
      input: [bq, bs, bz],
      output: [bOut],
      attribute: [{ name: 'axis', type: 2, i: 0 }],
    });
    return { w: wOut, b: bOut };
  };

  // Plan and graph are separate decodes: nodes are matched by their output's name.
  const dropped = new Set([...plan.reluAfter.values()].map((r) => r.output![0]!));
  // Tensors whose float value is gone (a dropped Relu's output): every consumer reads the DQ instead.
  const replaced = new Map<string, string>();
  let convs = 0;
  let gemms = 0;
  for (const n of graph.node!) {
    if (dropped.has(n.output![0]!)) continue;
    // Conv and Gemm inputs are named by their float tensor (qdq() finds the pair made for it); others read the DQ.
    const x = n.input![0]!;
    n.input = n.input!.map((i) => replaced.get(i) ?? i);
    if (n.opType === 'Conv') {
      const xq = qdq(x);
      const cout = Number(inits.get(n.input[1]!)!.dims![0]);
      const { w, b } = quantizeWeights(n.input[1]!, n.input[2], cout, params(x).scale);
      const y = n.output![0]!;
      const relu = plan.reluAfter.get(y);
      out.push({ ...n, input: b ? [xq, w, b] : [xq, w] });
      if (relu) {
        const t = relu.output![0]!;
        if (params(t).zeroPoint !== 0) throw new Error(`${t}: a dropped Relu needs zero point 0`);
        replaced.set(t, qdq(t, y));
      } else replaced.set(y, qdq(y));
      convs++;
    } else if (n.opType === 'Gemm') {
      if (Number(attr(n, 'transB')?.i) !== 1) throw new Error(`${n.name}: only Gemm with transB=1 is quantized`);
      const xq = qdq(x);
      const rows = Number(inits.get(n.input[1]!)!.dims![0]);
      const { w, b } = quantizeWeights(n.input[1]!, n.input[2], rows, params(x).scale);
      out.push({ ...n, input: b ? [xq, w, b] : [xq, w] });
      gemms++;
    } else {
      out.push(n);
    }
  }

  for (const n of out) for (const i of n.input ?? []) if (inits.has(i)) keptInits.add(i);
  graph.node = out;
  graph.initializer = [...graph.initializer!.filter((t) => keptInits.has(t.name!)), ...newInits];
  model.docString =
    `${model.docString ?? ''} Static int8 (QDQ): per-channel symmetric int8 weights, uint8 activations.`.trim();
  return { onnx: onnx.ModelProto.encode(model).finish(), convs, gemms, droppedRelus: dropped.size };
}
