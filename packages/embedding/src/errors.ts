// Typed errors: callers branch on `code`, and the message says what was wrong and why.

export type EmbeddingErrorCode =
  | 'UNSUPPORTED_IMAGE'
  | 'CORRUPT_IMAGE'
  | 'IMAGE_TOO_LARGE'
  | 'INVALID_INPUT'
  | 'MODEL_NOT_BUILT'
  | 'PROVIDER_UNAVAILABLE'
  | 'DISPOSED';

export class EmbeddingError extends Error {
  constructor(
    readonly code: EmbeddingErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The bytes are not an image format we decode (sniffed from the content, not the file name). */
export class UnsupportedImageError extends EmbeddingError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('UNSUPPORTED_IMAGE', message, options);
  }
}

/** The bytes claim a supported format but cannot be decoded (truncated, damaged, empty). */
export class CorruptImageError extends EmbeddingError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CORRUPT_IMAGE', message, options);
  }
}

/** The header declares more pixels than allowed; raised before any pixel is decoded. */
export class ImageTooLargeError extends EmbeddingError {
  constructor(
    message: string,
    readonly width: number,
    readonly height: number,
    readonly maxPixels: number,
  ) {
    super('IMAGE_TOO_LARGE', message);
  }
}

export class InvalidInputError extends EmbeddingError {
  constructor(message: string) {
    super('INVALID_INPUT', message);
  }
}

export class ModelNotBuiltError extends EmbeddingError {
  constructor(message: string) {
    super('MODEL_NOT_BUILT', message);
  }
}

/** An explicitly requested execution provider cannot be used on this machine. */
export class ProviderUnavailableError extends EmbeddingError {
  constructor(
    message: string,
    readonly provider: string,
  ) {
    super('PROVIDER_UNAVAILABLE', message);
  }
}

export class DisposedError extends EmbeddingError {
  constructor() {
    super('DISPOSED', 'this embedder was disposed');
  }
}
