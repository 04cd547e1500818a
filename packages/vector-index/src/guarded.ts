// What both index kinds share: the checks before a write (open, a valid id, no duplicate on add) and the
// normalisation of the vector, so that each kind only says how it stores one.
import { DuplicateIdError } from './errors.ts';
import type { VectorLike } from './types.ts';
import { checkId, normalize } from './vector.ts';

export abstract class GuardedIndex {
  abstract readonly dim: number;
  protected abstract assertOpen(): void;
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
}
