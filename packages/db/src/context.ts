// What every repository shares: the client, the provider, one-operation-at-a-time on SQLite, and write
// transactions that allocate sequences safely and retry on lock conflicts.
import { Prisma } from '../generated/sqlite/client.ts';
import type { Db, Tx } from './client.ts';
import { StoreClosedError } from './errors.ts';
import type { Logger, Provider } from './types.ts';

/** Serializes async operations (a promise chain). */
export class Mutex {
  #tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(fn);
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

export interface WriteOptions {
  /**
   * The transaction appends to the change log (IndexEvent). On PostgreSQL it first takes a transaction-scoped
   * advisory lock, so sequence-allocating transactions run one at a time and commit in sequence order: a reader
   * that has seen sequence N can never later see a commit with a sequence below N. (A bare SERIAL does not give
   * that: two writers can commit out of order and a catch-up reader would skip the slower one forever.) SQLite has
   * one writer at a time anyway.
   */
  sequenced: boolean;
}

const MAX_ATTEMPTS = 6;

export class StoreContext {
  readonly #mutex = new Mutex();
  readonly #inFlight = new Set<Promise<unknown>>();
  #closed = false;

  constructor(
    readonly db: Db,
    readonly provider: Provider,
    readonly logger: Logger | undefined,
    private readonly transactionTimeoutMs: number,
    private readonly sequenceLockKey: number,
    /** PostgreSQL schema (validated as a plain identifier); null on SQLite. */
    private readonly schema: string | null,
  ) {}

  /** A table name for raw SQL, schema-qualified on PostgreSQL (raw SQL does not get Prisma's qualification). */
  table(name: string): Prisma.Sql {
    return Prisma.raw(this.schema === null ? `"${name}"` : `"${this.schema}"."${name}"`);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Runs one repository operation. On SQLite every operation runs alone: the adapter has one connection, and a
   * query interleaved into another operation's open transaction would read its uncommitted rows or be rolled back
   * with it. On PostgreSQL operations use the pool concurrently.
   */
  run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new StoreClosedError());
    const promise = this.provider === 'sqlite' ? this.#mutex.run(fn) : fn();
    this.#inFlight.add(promise);
    const forget = (): void => {
      this.#inFlight.delete(promise);
    };
    promise.then(forget, forget);
    return promise;
  }

  /** A write transaction; call it inside run(). Retried when the database reports a lock conflict or deadlock. */
  async write<T>(fn: (tx: Tx) => Promise<T>, options: WriteOptions): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.$transaction(
          async (tx) => {
            if (this.provider === 'sqlite') {
              // Take SQLite's write lock first (waiting up to busy_timeout for other processes). The adapter opens
              // transactions with a deferred BEGIN; had the transaction read first, a commit by another process
              // in between would fail our first write with SQLITE_BUSY_SNAPSHOT. This no-op UPDATE acquires the
              // lock without changing anything.
              await tx.$executeRawUnsafe('UPDATE "Catalog" SET "id" = "id" WHERE 0');
            } else if (options.sequenced) {
              await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${this.sequenceLockKey})`);
            }
            return fn(tx);
          },
          { maxWait: 30_000, timeout: this.transactionTimeoutMs },
        );
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !isRetryable(error)) throw error;
        this.logger?.debug?.({ attempt, err: String(error) }, 'write transaction conflicted; retrying');
        await sleep(Math.min(1000, 20 * 2 ** attempt) * (0.5 + Math.random()));
      }
    }
  }

  /** Stops new operations, waits for running ones, then releases the client. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.allSettled([...this.#inFlight]);
    await this.db.$disconnect();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Prisma error codes (duck-typed: the two generated clients have distinct error classes). */
export function prismaCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
}

function isRetryable(error: unknown): boolean {
  const code = prismaCode(error);
  // P1008: SQLITE_BUSY (a writer in another process held the lock past busy_timeout, or a read snapshot went
  // stale); P2034: write conflict or deadlock (PostgreSQL 40001 / 40P01).
  if (code === 'P1008' || code === 'P2034') return true;
  const message = error instanceof Error ? error.message : String(error);
  return /SQLITE_BUSY|database is locked|deadlock detected|could not serialize access/i.test(message);
}

export function isUniqueViolation(error: unknown): boolean {
  return prismaCode(error) === 'P2002';
}

export function isForeignKeyViolation(error: unknown): boolean {
  return prismaCode(error) === 'P2003';
}

export function isRecordNotFound(error: unknown): boolean {
  return prismaCode(error) === 'P2025';
}

/** A 31-bit FNV-1a hash: a stable advisory-lock key per schema. */
export function lockKeyFor(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash & 0x7fffffff;
}
