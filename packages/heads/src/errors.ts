// Typed errors. Every error this package throws on purpose is a HeadsError with a stable `code`.

export type HeadsErrorCode = 'INVALID_INPUT' | 'TOO_FEW_CLASSES' | 'TOO_FEW_EXAMPLES' | 'TRAINING_CANCELLED' | 'INVALID_HEAD';

export class HeadsError extends Error {
  constructor(
    readonly code: HeadsErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Vectors and labels that do not fit together (lengths, dimensions, non-finite values, empty labels). */
export class InvalidTrainingDataError extends HeadsError {
  constructor(message: string) {
    super('INVALID_INPUT', message);
  }
}

/** A classifier needs at least two classes. */
export class TooFewClassesError extends HeadsError {
  constructor(readonly classes: string[]) {
    super(
      'TOO_FEW_CLASSES',
      classes.length === 0
        ? 'no labelled examples: a head needs at least two classes'
        : `only one class (${JSON.stringify(classes[0])}): a head needs at least two classes`,
    );
  }
}

/** Some classes have fewer examples than the minimum; they are named with their counts. */
export class TooFewExamplesError extends HeadsError {
  constructor(
    readonly classes: Array<{ label: string; count: number }>,
    readonly minimum: number,
  ) {
    super(
      'TOO_FEW_EXAMPLES',
      `every class needs at least ${minimum} examples; too few for ${classes.map((c) => `${JSON.stringify(c.label)} (${c.count})`).join(', ')}`,
    );
  }
}

/** The caller's AbortSignal fired; nothing was returned. */
export class TrainingCancelledError extends HeadsError {
  constructor(readonly epoch: number) {
    super('TRAINING_CANCELLED', `training was cancelled at epoch ${epoch}`);
  }
}

/** ONNX bytes that are not a head exported by this package. */
export class InvalidHeadError extends HeadsError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_HEAD', message, options);
  }
}
