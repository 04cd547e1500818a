// Typed errors. Every error this package throws on purpose is a DbError with a stable `code`; anything else is a
// bug or an unexpected database failure and is passed through with its original cause.

export type DbErrorCode =
  | 'UNSUPPORTED_DATABASE_URL'
  | 'DATABASE_UNAVAILABLE'
  | 'MIGRATION_FAILED'
  | 'INVALID_INPUT'
  | 'NOT_FOUND'
  | 'DUPLICATE_CATALOG'
  | 'DUPLICATE_ITEM'
  | 'FILE_ALREADY_RECORDED'
  | 'INVALID_JOB_STATE'
  | 'LEASE_LOST'
  | 'STORE_CLOSED';

export class DbError extends Error {
  readonly code: DbErrorCode;
  constructor(code: DbErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The URL's scheme names no supported provider (use file:, sqlite:, postgres: or postgresql:). */
export class UnsupportedDatabaseUrlError extends DbError {
  constructor(message: string) {
    super('UNSUPPORTED_DATABASE_URL', message);
  }
}

/** The database cannot be opened or reached (file not writable, server down, bad credentials). */
export class DatabaseUnavailableError extends DbError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('DATABASE_UNAVAILABLE', message, options);
  }
}

/** A migration failed (its transaction was rolled back), was edited after it was applied, or was left failed. */
export class MigrationError extends DbError {
  constructor(
    message: string,
    readonly migration: string | null,
    options?: { cause?: unknown },
  ) {
    super('MIGRATION_FAILED', message, options);
  }
}

export class InvalidInputError extends DbError {
  constructor(message: string) {
    super('INVALID_INPUT', message);
  }
}

export type EntityName = 'catalog' | 'item' | 'job' | 'apiKey' | 'head';

export class NotFoundError extends DbError {
  constructor(
    readonly entity: EntityName,
    readonly key: string | number,
  ) {
    super('NOT_FOUND', `${entity} ${JSON.stringify(key)} does not exist`);
  }
}

export class DuplicateCatalogError extends DbError {
  constructor(readonly slug: string) {
    super('DUPLICATE_CATALOG', `catalog "${slug}" already exists`);
  }
}

/**
 * The catalog already holds an item with this content hash (or this external id). Nothing was written; the
 * existing item's id is attached so callers can report the duplicate.
 */
export class DuplicateItemError extends DbError {
  constructor(
    readonly catalogId: number,
    readonly field: 'contentHash' | 'externalId',
    readonly value: string,
    readonly existingItemId: number,
  ) {
    super('DUPLICATE_ITEM', `catalog ${catalogId} already has item ${existingItemId} with ${field} ${value}`);
  }
}

/** The job already has an outcome for this path; the insert that carried it was rolled back. */
export class FileAlreadyRecordedError extends DbError {
  constructor(
    readonly jobId: number,
    readonly path: string,
  ) {
    super('FILE_ALREADY_RECORDED', `job ${jobId} already recorded an outcome for ${JSON.stringify(path)}`);
  }
}

export class JobStateError extends DbError {
  constructor(
    readonly jobId: number,
    readonly status: string,
    message: string,
  ) {
    super('INVALID_JOB_STATE', message);
  }
}

/** The worker no longer holds the job: another worker took it over (its heartbeat went stale) or it was finished. */
export class LeaseLostError extends DbError {
  constructor(
    readonly jobId: number,
    readonly workerId: string,
  ) {
    super('LEASE_LOST', `worker ${workerId} no longer holds job ${jobId}: it was taken over or finished`);
  }
}

export class StoreClosedError extends DbError {
  constructor() {
    super('STORE_CLOSED', 'this store was closed');
  }
}
