// Vectors are stored as Float32 little-endian bytes, whatever the host's byte order.
import { InvalidInputError } from './errors.ts';

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
export const MAX_DIM = 65_536;

export function validateVector(name: string, vector: unknown): Float32Array {
  if (!(vector instanceof Float32Array)) throw new InvalidInputError(`${name} must be a Float32Array`);
  if (vector.length === 0 || vector.length > MAX_DIM) {
    throw new InvalidInputError(`${name} must have 1..${MAX_DIM} components, got ${vector.length}`);
  }
  for (let i = 0; i < vector.length; i++) {
    if (!Number.isFinite(vector[i])) throw new InvalidInputError(`${name}[${i}] is not finite`);
  }
  return vector;
}

export function encodeVector(vector: Float32Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(vector.length * 4);
  if (LITTLE_ENDIAN_HOST) {
    out.set(new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength));
  } else {
    const view = new DataView(out.buffer);
    for (let i = 0; i < vector.length; i++) view.setFloat32(i * 4, vector[i] as number, true);
  }
  return out;
}

export function decodeVector(bytes: Uint8Array, dim: number): Float32Array {
  if (bytes.byteLength !== dim * 4) {
    throw new Error(`stored vector has ${bytes.byteLength} bytes, expected ${dim * 4} for dim ${dim}`);
  }
  const out = new Float32Array(dim);
  if (LITTLE_ENDIAN_HOST) {
    new Uint8Array(out.buffer).set(bytes);
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < dim; i++) out[i] = view.getFloat32(i * 4, true);
  }
  return out;
}
