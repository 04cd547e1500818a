// @loupe/random — the one seeded pseudo-random generator of the project (mulberry32: 32 bits of state, fast, good
// enough for sampling and shuffling; not for secrets). Head training, the benchmarks' synthetic data and the tests'
// random vectors and weights all draw from it, so a seed fixes their result.

export class Random {
  #state: number;

  constructor(seed: number) {
    this.#state = Math.trunc(seed) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Standard normal (Box–Muller). */
  gaussian(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Fisher–Yates, in place. */
  shuffle<T>(values: T[]): T[] {
    for (let i = values.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [values[i], values[j]] = [values[j]!, values[i]!];
    }
    return values;
  }
}

/** Uniform floats in [0, 1) from `seed`, as a function. */
export function rng(seed: number): () => number {
  const r = new Random(seed);
  return () => r.next();
}

/** Standard normal draws from a uniform source (Box–Muller). */
export function gaussian(uniform: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}
