// A small builder for ONNX graphs on top of onnx-proto (protobufjs). Used by the model build, the GPU check (a
// ResNet-50-shaped model with random weights) and @loupe/heads (a trained head: Gemm + Softmax). Public API.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export type AttributeValue = number | number[] | string | { float: number };

export const DataType = { FLOAT: 1, INT32: 6, INT64: 7, BOOL: 9, FLOAT16: 10 } as const;

export interface TensorSpec {
  name: string;
  /** Symbolic names (strings) or fixed sizes (numbers). */
  shape: Array<string | number>;
}

function attribute(name: string, value: AttributeValue): onnxProto.onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (typeof value === 'number') return { name, type: T.INT, i: value };
  if (Array.isArray(value)) return { name, type: T.INTS, ints: value };
  return { name, type: T.FLOAT, f: value.float };
}

function valueInfo(spec: TensorSpec): onnxProto.onnx.IValueInfoProto {
  return {
    name: spec.name,
    type: {
      tensorType: {
        elemType: DataType.FLOAT,
        shape: { dim: spec.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/** float32 → IEEE half, round-to-nearest-even; overflow saturates to ±Inf as numpy does. */
export function toFloat16Bits(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  for (let i = 0; i < values.length; i++) {
    f32[0] = values[i]!;
    const x = u32[0]!;
    const sign = (x >>> 16) & 0x8000;
    const exp = (x >>> 23) & 0xff;
    let mant = x & 0x7fffff;
    if (exp === 0xff) {
      out[i] = sign | 0x7c00 | (mant ? 0x200 : 0);
      continue;
    }
    let e = exp - 127 + 15;
    if (e >= 0x1f) {
      out[i] = sign | 0x7c00;
    } else if (e <= 0) {
      if (e < -10) {
        out[i] = sign;
        continue;
      }
      mant |= 0x800000;
      const shift = 14 - e;
      let half = mant >>> shift;
      const rem = mant & ((1 << shift) - 1);
      const mid = 1 << (shift - 1);
      if (rem > mid || (rem === mid && half & 1)) half++;
      out[i] = sign | half;
    } else {
      let half = (e << 10) | (mant >>> 13);
      const rem = mant & 0x1fff;
      if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
      if (half >= 0x7c00) e = 0x1f;
      out[i] = sign | (e === 0x1f ? 0x7c00 : half);
    }
  }
  return out;
}

export interface GraphBuilderOptions {
  /** Store weights of at least this many elements as float16 and Cast them back to float32 in the graph. */
  float16Weights?: boolean;
}

export class GraphBuilder {
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private counter = 0;

  constructor(private readonly options: GraphBuilderOptions = {}) {}

  fresh(prefix: string): string {
    this.counter += 1;
    return `${prefix}__${this.counter}`;
  }

  /** Adds a float32 constant; large ones become float16 + Cast when the builder stores half-precision weights. */
  weight(name: string, dims: number[], data: Float32Array): string {
    if (this.options.float16Weights && data.length >= 1024) {
      const half = toFloat16Bits(data);
      this.initializers.push({
        name: `${name}__f16`,
        dims,
        dataType: DataType.FLOAT16,
        rawData: new Uint8Array(half.buffer, half.byteOffset, half.byteLength),
      });
      return this.node('Cast', [`${name}__f16`], { to: DataType.FLOAT }, name);
    }
    this.initializers.push({
      name,
      dims,
      dataType: DataType.FLOAT,
      rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    });
    return name;
  }

  /** An int64 constant; a 1-D list unless `dims` says otherwise (`[]` for a scalar). */
  int64(name: string, values: number[], dims: number[] = [values.length]): string {
    const data = new BigInt64Array(values.map((v) => BigInt(v)));
    this.initializers.push({
      name,
      dims,
      dataType: DataType.INT64,
      rawData: new Uint8Array(data.buffer),
    });
    return name;
  }

  /** An int32 constant (`dims` `[]` for a scalar). */
  int32(name: string, values: Int32Array, dims: number[]): string {
    this.initializers.push({
      name,
      dims,
      dataType: DataType.INT32,
      rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
    });
    return name;
  }

  /** Adds a node and returns its (single) output name. */
  node(opType: string, inputs: string[], attrs: Record<string, AttributeValue> = {}, output?: string): string {
    const out = output ?? this.fresh(opType);
    this.nodes.push({
      opType,
      name: out,
      input: inputs,
      output: [out],
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return out;
  }

  /** Adds a node with several outputs (TopK: values and indices), named by the caller. */
  nodeOutputs(opType: string, inputs: string[], attrs: Record<string, AttributeValue>, outputs: string[]): string[] {
    this.nodes.push({
      opType,
      name: outputs[0]!,
      input: inputs,
      output: outputs,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return outputs;
  }

  encode(meta: { name: string; inputs: TensorSpec[]; outputs: TensorSpec[]; docString?: string }): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: 'loupe',
      producerVersion: '1',
      docString: meta.docString ?? '',
      opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name: meta.name,
        node: this.nodes,
        initializer: this.initializers,
        input: meta.inputs.map(valueInfo),
        output: meta.outputs.map(valueInfo),
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}
