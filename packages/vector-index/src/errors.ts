// Typed errors. Every error this package throws on purpose is a VectorIndexError with a stable `code`.

export type VectorIndexErrorCode =
  | 'INVALID_ARGUMENT'
  | 'INVALID_VECTOR'
  | 'DUPLICATE_ID'
  | 'INDEX_CLOSED'
  | 'SNAPSHOT_CORRUPT'
  | 'SNAPSHOT_WRITE_FAILED';

export class VectorIndexError extends Error {
  readonly code: VectorIndexErrorCode;
  constructor(code: VectorIndexErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VectorIndexError';
    this.code = code;
  }
}

/** A bad option, id, k, ef or sequence. */
export class InvalidArgumentError extends VectorIndexError {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
    this.name = 'InvalidArgumentError';
  }
}

/** Wrong length, a non-finite component, or a zero vector (no direction, so no cosine). */
export class InvalidVectorError extends VectorIndexError {
  constructor(message: string) {
    super('INVALID_VECTOR', message);
    this.name = 'InvalidVectorError';
  }
}

export class DuplicateIdError extends VectorIndexError {
  readonly id: number;
  constructor(id: number) {
    super('DUPLICATE_ID', `id ${id} is already in the index (use upsert to replace it)`);
    this.name = 'DuplicateIdError';
    this.id = id;
  }
}

export class IndexClosedError extends VectorIndexError {
  constructor() {
    super('INDEX_CLOSED', 'the index has been closed');
    this.name = 'IndexClosedError';
  }
}

/**
 * Why a snapshot was refused:
 * - `missing`: no manifest (never saved), or the data file it names is gone;
 * - `format`: unreadable/unknown manifest, or a data file whose structure is not what it should be;
 * - `truncated`: the data file is shorter or longer than the manifest says;
 * - `checksum`: the data file's SHA-256 differs from the manifest's;
 * - `mismatch`: a valid snapshot of another shape (dimension, space, kind) or with inconsistent counts.
 * In every case the caller should rebuild the index from the database.
 */
export type SnapshotCorruptReason = 'missing' | 'format' | 'truncated' | 'checksum' | 'mismatch';

export class SnapshotCorruptError extends VectorIndexError {
  readonly reason: SnapshotCorruptReason;
  readonly path: string;
  constructor(reason: SnapshotCorruptReason, path: string, message: string, options?: { cause?: unknown }) {
    super('SNAPSHOT_CORRUPT', `snapshot ${path}: ${message}`, options);
    this.name = 'SnapshotCorruptError';
    this.reason = reason;
    this.path = path;
  }
}

/** Writing a snapshot failed; the previous snapshot (if any) is untouched. */
export class SnapshotWriteError extends VectorIndexError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SNAPSHOT_WRITE_FAILED', message, options);
    this.name = 'SnapshotWriteError';
  }
}
