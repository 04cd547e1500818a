// Typed errors of the use cases. Apps map `code` to exit codes and HTTP statuses.

export type CoreErrorCode = 'SOURCE_INVALID' | 'UNSAFE_ENTRY' | 'LIMIT_EXCEEDED' | 'NOT_FOUND' | 'INVALID_QUERY' | 'UNKNOWN_FIELD' | 'HEAD_MODEL_MISMATCH' | 'MODEL_MISMATCH' | 'CURSOR_EXPIRED' | 'JOB_CONFLICT';

export class CoreError extends Error {
  constructor(
    readonly code: CoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The thing given to ingest is not a folder, a zip file or a readable manifest. */
export class InvalidSourceError extends CoreError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SOURCE_INVALID', message, options);
  }
}

/** A whole source goes over a limit (entry count, total uncompressed size). */
export class SourceLimitError extends CoreError {
  constructor(message: string) {
    super('LIMIT_EXCEEDED', message);
  }
}

export class NotFoundError extends CoreError {
  constructor(message: string) {
    super('NOT_FOUND', message);
  }
}

export class InvalidQueryError extends CoreError {
  constructor(message: string) {
    super('INVALID_QUERY', message);
  }
}

/**
 * A classifier head reads the vectors it was trained on: one trained on another model's (e.g. before the pooling
 * changed) cannot be used or activated here — train a new one.
 */
export class HeadModelMismatchError extends CoreError {
  constructor(message: string) {
    super('HEAD_MODEL_MISMATCH', message);
  }
}

/** A query vector made by another model or pooling than the index's: it would match nothing meaningful. */
export class VectorModelMismatchError extends CoreError {
  constructor(message: string) {
    super('MODEL_MISMATCH', message);
  }
}

/** No item of the catalog has a usable value (a non-empty string or a number) in this metadata field. */
export class UnknownFieldError extends CoreError {
  constructor(
    readonly catalog: string,
    readonly field: string,
    /** The metadata fields the catalog's items do have. */
    readonly fields: string[],
  ) {
    super(
      'UNKNOWN_FIELD',
      `no item of catalog "${catalog}" has a value in the metadata field "${field}"` +
        (fields.length > 0 ? `; its items have: ${fields.slice(0, 20).join(', ')}` : '; its items have no metadata fields'),
    );
  }
}

/** A result cursor the server no longer holds (unused for a while, or made by another process): search again. */
export class CursorExpiredError extends CoreError {
  constructor(message: string) {
    super('CURSOR_EXPIRED', message);
  }
}

/**
 * True for a failure of the job itself (its source is invalid or over a limit, its catalog is gone, the store
 * refuses its values): retrying cannot help. Anything else (database down, disk full) is worth a retry.
 */
export function isJobFault(error: unknown): boolean {
  if (error instanceof CoreError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'INVALID_INPUT' || code === 'NOT_FOUND' || code === 'INVALID_JOB_STATE';
}

/** The same work is already queued or running (a second training of one catalog). */
export class JobConflictError extends CoreError {
  constructor(
    message: string,
    /** The job already doing it. */
    readonly jobId: number,
  ) {
    super('JOB_CONFLICT', message);
  }
}
