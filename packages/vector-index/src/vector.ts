// Vector validation, normalisation and the small numeric helpers both indexes share.
import { InvalidArgumentError, InvalidVectorError } from './errors.ts';
import type { SearchHit, SearchOptions, VectorLike } from './types.ts';

/** hnswlib-node converts labels with Uint32Value, so ids must fit in 32 bits unsigned. */
export const MAX_ID = 0xffff_ffff;

export function checkId(id: number): void {
  if (!Number.isInteger(id) || id < 0 || id > MAX_ID) {
    throw new InvalidArgumentError(`id must be an integer in [0, ${MAX_ID}], got ${String(id)}`);
  }
}

export function checkInt(name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(`${name} must be an integer in [${min}, ${max}], got ${String(value)}`);
  }
  return value;
}

/**
 * Checks length and finiteness and returns a new L2-normalised Float32Array.
 * The norm is taken in float64; a zero vector is rejected because it has no direction.
 */
export function normalize(vector: VectorLike, dim: number, what = 'vector'): Float32Array {
  if (vector == null || typeof (vector as { length?: unknown }).length !== 'number') {
    throw new InvalidVectorError(`${what} must be a Float32Array, Float64Array or number[]`);
  }
  if (vector.length !== dim) {
    throw new InvalidVectorError(`${what} has ${vector.length} components, expected ${dim}`);
  }
  let sum = 0;
  for (let i = 0; i < dim; i++) {
    const x = vector[i] as number;
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      throw new InvalidVectorError(`${what}[${i}] is not a finite number (${String(x)})`);
    }
    sum += x * x;
  }
  if (!(sum > 0) || !Number.isFinite(sum)) {
    throw new InvalidVectorError(`${what} has zero (or overflowing) norm; cosine similarity is undefined`);
  }
  const inv = 1 / Math.sqrt(sum);
  const out = new Float32Array(dim);
  for (let i = 0; i < dim; i++) out[i] = (vector[i] as number) * inv;
  return out;
}

/** Dot product of `a` with row `row` of the row-major matrix `m` (both length dim). */
export function dotRow(a: Float32Array, m: Float32Array, row: number, dim: number): number {
  const o = row * dim;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < dim; i += 4) {
    s0 += (a[i] as number) * (m[o + i] as number);
    s1 += (a[i + 1] as number) * (m[o + i + 1] as number);
    s2 += (a[i + 2] as number) * (m[o + i + 2] as number);
    s3 += (a[i + 3] as number) * (m[o + i + 3] as number);
  }
  for (; i < dim; i++) s0 += (a[i] as number) * (m[o + i] as number);
  return s0 + s1 + s2 + s3;
}

export function clampScore(s: number): number {
  return s > 1 ? 1 : s < -1 ? -1 : s;
}

/** Keeps the k best hits seen (a min-heap on score; ties broken by smaller id first). */
export class TopK {
  private readonly ids: number[] = [];
  private readonly scores: number[] = [];
  constructor(private readonly k: number) {}

  /** Lowest score that can still enter; -Infinity until full. */
  get threshold(): number {
    return this.ids.length < this.k ? -Infinity : (this.scores[0] as number);
  }

  push(id: number, score: number): void {
    const n = this.ids.length;
    if (n < this.k) {
      this.ids.push(id);
      this.scores.push(score);
      this.up(n);
    } else if (this.worse(this.ids[0] as number, this.scores[0] as number, id, score)) {
      this.ids[0] = id;
      this.scores[0] = score;
      this.down(0);
    }
  }

  /** Best first. */
  result(): SearchHit[] {
    const hits = this.ids.map((id, i) => ({ id, score: this.scores[i] as number }));
    return hits.sort((a, b) => b.score - a.score || a.id - b.id);
  }

  // a is worse than b
  private worse(ia: number, sa: number, ib: number, sb: number): boolean {
    return sa < sb || (sa === sb && ia > ib);
  }

  private swap(i: number, j: number): void {
    const id = this.ids[i] as number;
    const s = this.scores[i] as number;
    this.ids[i] = this.ids[j] as number;
    this.scores[i] = this.scores[j] as number;
    this.ids[j] = id;
    this.scores[j] = s;
  }

  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.worse(this.ids[i] as number, this.scores[i] as number, this.ids[p] as number, this.scores[p] as number))
        break;
      this.swap(i, p);
      i = p;
    }
  }

  private down(i: number): void {
    const n = this.ids.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (
        l < n &&
        this.worse(this.ids[l] as number, this.scores[l] as number, this.ids[m] as number, this.scores[m] as number)
      )
        m = l;
      if (
        r < n &&
        this.worse(this.ids[r] as number, this.scores[r] as number, this.ids[m] as number, this.scores[m] as number)
      )
        m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}

export interface CheckedSearch {
  k: number;
  minScore: number;
  filter: ((id: number) => boolean) | undefined;
}

export function checkSearchOptions(options: SearchOptions): CheckedSearch {
  if (options == null || typeof options !== 'object')
    throw new InvalidArgumentError('search options are required ({ k })');
  const k = checkInt('k', options.k, 1);
  if (options.ef !== undefined) checkInt('ef', options.ef, 1, 1 << 20);
  if (options.filter !== undefined && typeof options.filter !== 'function') {
    throw new InvalidArgumentError('filter must be a function (id) => boolean');
  }
  const minScore = options.minScore ?? -Infinity;
  if (typeof minScore !== 'number' || Number.isNaN(minScore))
    throw new InvalidArgumentError('minScore must be a number');
  return { k, minScore, filter: options.filter };
}
