// Typed errors with a `code`, as in the other packages: apps map codes to exit statuses / HTTP answers.
export type SegmentationErrorCode = 'INVALID_MASK' | 'INVALID_RLE' | 'INVALID_OBJECT' | 'OPENCV_FAILED' | 'DISPOSED';

export class SegmentationError extends Error {
  readonly code: SegmentationErrorCode;
  constructor(code: SegmentationErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SegmentationError';
    this.code = code;
  }
}
