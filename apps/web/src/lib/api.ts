// The browser side of the REST API: plain fetch, the JSON shapes the pages use, and errors that keep the server's
// `{ "error": { "code", "message" } }`.

// The response shapes are the typed client's (one definition for the server's tests, scripts and these pages).
import type { ApiKeyInfo, Job as JobSummary, JobDetail, LocalizeResponse, SearchOptions } from '@loupe/client';

export type {
  Box,
  Catalog,
  Head,
  HeadPredictions,
  Item,
  ItemLabel,
  JobStatus,
  Prediction,
  QueryAnalysis,
  SearchResponse,
  SearchResult,
  Stats,
} from '@loupe/client';

export type Rect = NonNullable<SearchOptions['box']>;
/** A job as listed (no failures) or fetched one by one (with its per-file failures). */
export type Job = JobSummary & Partial<Pick<JobDetail, 'failures'>>;
export type ApiKey = ApiKeyInfo;
export type Localization = LocalizeResponse;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Turns a failed response (or a network failure) into an ApiError with the server's code and message. */
export async function toApiError(response: Response): Promise<ApiError> {
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string } };
    if (body?.error?.message)
      return new ApiError(response.status, body.error.code ?? `HTTP_${response.status}`, body.error.message);
  } catch {
    // not JSON
  }
  return new ApiError(
    response.status,
    `HTTP_${response.status}`,
    `the server answered ${response.status} ${response.statusText}`.trim(),
  );
}

export async function api<T>(path: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  const { json, ...rest } = init;
  let response: Response;
  try {
    response = await fetch(path, {
      ...rest,
      headers: json === undefined ? rest.headers : { 'content-type': 'application/json', ...rest.headers },
      body: json === undefined ? rest.body : JSON.stringify(json),
    });
  } catch (error) {
    throw new ApiError(0, 'NETWORK', `the server could not be reached (${(error as Error).message})`);
  }
  if (!response.ok) throw await toApiError(response);
  return (await response.json()) as T;
}

/** A short, human title for an error code: what kind of problem it is. */
export function errorTitle(error: unknown): string {
  if (!(error instanceof ApiError)) return 'Something went wrong';
  switch (error.code) {
    case 'UNSUPPORTED_IMAGE':
    case 'UNSUPPORTED_MEDIA_TYPE':
    case 'SOURCE_INVALID':
      return 'Unsupported file';
    case 'CORRUPT_IMAGE':
      return 'Corrupt image';
    case 'UNDECODABLE':
      return 'Unsupported or corrupt image';
    case 'IMAGE_TOO_LARGE':
    case 'PAYLOAD_TOO_LARGE':
    case 'LIMIT_EXCEEDED':
      return 'Too large';
    case 'UNAUTHORIZED':
      return 'Not signed in';
    case 'FORBIDDEN':
      return 'Not allowed';
    case 'NOT_FOUND':
      return 'Not found';
    case 'NETWORK':
      return 'Network error';
    case 'MODEL_NOT_BUILT':
    case 'PROVIDER_UNAVAILABLE':
      return 'The model is not available';
    default:
      return error.status >= 500 ? 'Server error' : 'Request refused';
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

export const formatScore = (score: number) => score.toFixed(3);
export const formatPercent = (p: number) => `${(p * 100).toFixed(1)}%`;

/** A head's probability for its guess, rounded down (a guess never reads 100%): "99.9%". */
export const formatProbability = (p: number) => `${(Math.floor(p * 1000) / 10).toFixed(1)}%`;

/** An item's label in a few words: "confirmed", or "predicted 93%" (the head's probability, rounded down). */
export const labelSourceText = (l: { source: 'predicted' | 'confirmed'; score: number }) =>
  l.source === 'confirmed' ? 'confirmed' : `predicted ${Math.floor(l.score * 100)}%`;

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '–';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  if (m < 60) return `${m} min ${s} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export const rectParam = (r: Rect) => [r.x0, r.y0, r.x1, r.y1].map((v) => Math.round(v)).join(',');
