// What both index kinds share: the checks of their create options, the checks before a write (open, a valid id,
// no duplicate on add) and the normalisation of the vector, so that each kind only says how it stores one.
import { DuplicateIdError, IndexClosedError, InvalidArgumentError } from './errors.ts';
import type { Space, VectorLike } from './types.ts';
import { checkId, checkInt, normalize } from './vector.ts';

/** Checks the options both create functions take (an object, `dim`, `space`) and returns the dimension. */
export function checkIndexOptions(options: { dim: number; space: Space } | null | undefined): number {
  if (options == null || typeof options !== 'object')
    throw new InvalidArgumentError('options are required ({ dim, space })');
  const dim = checkInt('dim', options.dim, 1, 1 << 16);
  if (options.space !== 'cosine')
    throw new InvalidArgumentError(`space must be 'cosine', got ${String(options.space)}`);
  return dim;
}

export abstract class GuardedIndex {
  abstract readonly dim: number;
  /** Set by close(); every other method then throws IndexClosedError. */
  protected closed = false;
  /** Whether a live vector has this id. */
  protected abstract holds(id: number): boolean;
  /** Stores (or replaces) a checked, L2-normalised vector. */
  protected abstract put(id: number, vector: Float32Array): void;

  add(id: number, vector: VectorLike): void {
    this.assertOpen();
    checkId(id);
    if (this.holds(id)) throw new DuplicateIdError(id);
    this.put(id, normalize(vector, this.dim));
  }

  upsert(id: number, vector: VectorLike): void {
    this.assertOpen();
    checkId(id);
    this.put(id, normalize(vector, this.dim));
  }

  has(id: number): boolean {
    this.assertOpen();
    return this.holds(id);
  }

  protected assertOpen(): void {
    if (this.closed) throw new IndexClosedError();
  }
}
