// One boundary for errors: every route handler runs through `handle`, which maps typed errors to HTTP statuses and
// `{ "error": { "code", "message" } }`. Unknown errors become 500 with a generic message (details go to the log).
import { CoreError } from '@loupe/core';
import { DbError } from '@loupe/db';
import { EmbeddingError } from '@loupe/embedding';
import { ZodError } from 'zod';
import { logger } from './log';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
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
  // db
  DUPLICATE_CATALOG: 409,
  DUPLICATE_ITEM: 409,
  INVALID_JOB_STATE: 409,
  DATABASE_UNAVAILABLE: 503,
};

export function errorResponse(error: unknown): Response {
  if (error instanceof ApiError) return Response.json({ error: { code: error.code, message: error.message } }, { status: error.status });
  if (error instanceof ZodError) {
    const message = error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
    return Response.json({ error: { code: 'VALIDATION_FAILED', message } }, { status: 422 });
  }
  if (error instanceof EmbeddingError || error instanceof CoreError || error instanceof DbError) {
    const status = STATUS[error.code];
    if (status) return Response.json({ error: { code: error.code, message: error.message } }, { status });
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
