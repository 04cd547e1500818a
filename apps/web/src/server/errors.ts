// One boundary for errors: every route handler runs through `handle`, which maps typed errors to HTTP statuses and
// `{ "error": { "code", "message" } }`. Unknown errors become 500 with a generic message (details go to the log).
import { logger } from './log';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const unauthorized = (message = 'sign in or send an API key') => new ApiError(401, 'UNAUTHORIZED', message);
export const forbidden = (message = 'this API key lacks the admin scope') => new ApiError(403, 'FORBIDDEN', message);
export const notFound = (message: string) => new ApiError(404, 'NOT_FOUND', message);
export const badRequest = (message: string, code = 'BAD_REQUEST') => new ApiError(400, code, message);
export const payloadTooLarge = (message: string) => new ApiError(413, 'PAYLOAD_TOO_LARGE', message);
export const unsupportedMediaType = (message: string) => new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', message);

const STATUS: Record<string, number> = {
  // embedding
  UNSUPPORTED_IMAGE: 415,
  CORRUPT_IMAGE: 422,
  IMAGE_TOO_LARGE: 413,
  INVALID_INPUT: 400,
  MODEL_NOT_BUILT: 503,
  PROVIDER_UNAVAILABLE: 503,
  // core
  SOURCE_INVALID: 415,
  LIMIT_EXCEEDED: 413,
  UNSAFE_ENTRY: 422,
  NOT_FOUND: 404,
  INVALID_QUERY: 400,
  UNKNOWN_FIELD: 422,
  HEAD_MODEL_MISMATCH: 409,
  MODEL_MISMATCH: 409,
  JOB_CONFLICT: 409,
  CURSOR_EXPIRED: 410,
  // heads
  TOO_FEW_CLASSES: 422,
  TOO_FEW_EXAMPLES: 422,
  TRAINING_CANCELLED: 409,
  // db
  DUPLICATE_CATALOG: 409,
  DUPLICATE_ITEM: 409,
  INVALID_JOB_STATE: 409,
  DATABASE_UNAVAILABLE: 503,
};

// Matched by shape, not instanceof: each route is bundled separately, so the class an error was created with (by
// the shared Loupe instance) need not be the one a route would import.
export function errorResponse(error: unknown): Response {
  const e = error as { name?: unknown; code?: unknown; message?: unknown; status?: unknown; issues?: unknown };
  if (error instanceof ApiError || (e?.name === 'ApiError' && typeof e.status === 'number')) {
    // 429 and 503 from the guards say when to come back.
    const retryAfter = (error as { retryAfterSeconds?: unknown }).retryAfterSeconds;
    const headers = typeof retryAfter === 'number' ? { 'retry-after': String(retryAfter) } : undefined;
    return Response.json({ error: { code: e.code, message: e.message } }, { status: e.status as number, headers });
  }
  if (e?.name === 'ZodError' && Array.isArray(e.issues)) {
    const issues = e.issues as Array<{ path: PropertyKey[]; message: string }>;
    const message = issues.map((i) => `${i.path.map(String).join('.') || 'body'}: ${i.message}`).join('; ');
    return Response.json({ error: { code: 'VALIDATION_FAILED', message } }, { status: 422 });
  }
  if (error instanceof Error && typeof e.code === 'string' && STATUS[e.code]) {
    return Response.json({ error: { code: e.code, message: error.message } }, { status: STATUS[e.code] });
  }
  logger().error({ err: error }, 'unhandled error in a request');
  return Response.json({ error: { code: 'INTERNAL', message: 'internal error' } }, { status: 500 });
}

/** Wraps a route handler so that every failure becomes a JSON error response. */
export function handle<A extends unknown[]>(fn: (...args: A) => Promise<Response>): (...args: A) => Promise<Response> {
  return async (...args: A) => {
    try {
      return await fn(...args);
    } catch (error) {
      return errorResponse(error);
    }
  };
}
