// The browser side of the REST API: plain fetch, the JSON shapes the pages use, and errors that keep the server's
// `{ "error": { "code", "message" } }`.

// The response shapes are the typed client's (one definition for the server's tests, scripts and these pages).
import { LoupeApiError, LoupeClient } from '@loupe/client';
import type {
  ApiKeyInfo,
  Job as JobSummary,
  JobDetail,
  LocalizeResponse,
  SearchOptions,
  SearchResult,
} from '@loupe/client';

export type {
  Box,
  Catalog,
  CatalogObjects,
  Head,
  HeadDetail,
  HeadTraining,
  MetadataField,
  HeadPredictions,
  Item,
  ItemLabel,
  JobStatus,
  Prediction,
  QueryAnalysis,
  SearchResponse,
  SearchResult,
  SearchOptions,
  Stats,
} from '@loupe/client';

export type Rect = NonNullable<SearchOptions['box']>;
/** A job as listed (no failures) or fetched one by one (with its per-file failures). */
export type Job = JobSummary & Partial<Pick<JobDetail, 'failures'>>;
export type ApiKey = ApiKeyInfo;
export type Localization = LocalizeResponse;

/** The one error class of API calls, the typed client's: the server's HTTP status, error code and message. */
export { LoupeApiError as ApiError };

/**
 * The pages' client. Relative URLs (same origin, the session cookie goes along); `fetch` is wrapped because a browser
 * refuses `fetch` called as a method of another object, and a network failure becomes an ApiError like the others.
 */
export const loupe = new LoupeClient({
  baseUrl: '',
  fetch: async (input, init) => {
    try {
      return await fetch(input, { cache: 'no-store', ...init });
    } catch (error) {
      throw new LoupeApiError(0, 'NETWORK', `the server could not be reached (${(error as Error).message})`);
    }
  },
});

/** Turns a failed response into an ApiError with the server's code and message (for uploads sent with progress). */
export async function toApiError(response: Response): Promise<LoupeApiError> {
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string } };
    if (body?.error?.message)
      return new LoupeApiError(response.status, body.error.code ?? `HTTP_${response.status}`, body.error.message);
  } catch {
    // not JSON
  }
  return new LoupeApiError(
    response.status,
    `HTTP_${response.status}`,
    `the server answered ${response.status} ${response.statusText}`.trim(),
  );
}

/** A call the typed client has no method for (the session check): same errors as the client's. */
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
    throw new LoupeApiError(0, 'NETWORK', `the server could not be reached (${(error as Error).message})`);
  }
  if (!response.ok) throw await toApiError(response);
  return (await response.json()) as T;
}

/** A short, human title for an error code: what kind of problem it is. */
export function errorTitle(error: unknown): string {
  if (!(error instanceof LoupeApiError)) return 'Something went wrong';
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

/**
 * The problem in plain words, for errors whose server message is technical (a decoder's or a library's text); null
 * where the server's message is already meant for people (a wrong password, a taken slug…).
 */
export function errorAdvice(error: unknown): string | null {
  if (!(error instanceof LoupeApiError)) return 'Something failed in this page. Reloading it usually helps.';
  switch (error.code) {
    case 'UNSUPPORTED_IMAGE':
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 'This file is not an image Loupe can read. Try a JPEG, PNG, WebP, GIF, AVIF or TIFF file.';
    case 'CORRUPT_IMAGE':
    case 'UNDECODABLE':
      return 'This image file is damaged or incomplete, so it cannot be read. Try another copy of it.';
    case 'IMAGE_TOO_LARGE':
    case 'PAYLOAD_TOO_LARGE':
      return 'This image is too large for this server. Try a smaller version of it.';
    case 'NETWORK':
      return 'The server could not be reached. Check the connection and try again.';
    case 'MODEL_NOT_BUILT':
    case 'PROVIDER_UNAVAILABLE':
      return 'The image model is not available on this server right now.';
    default:
      return error.status >= 500 ? 'The server failed to answer this request. Trying again may help.' : null;
  }
}

/** The server's own message (the client's error also names the status and code, shown apart). */
export function errorMessage(error: unknown): string {
  if (error instanceof LoupeApiError) return error.message.replace(`${error.status} ${error.code}: `, '');
  if (error instanceof Error) return error.message;
  return String(error);
}

export const formatScore = (score: number) => score.toFixed(3);

/** A result's match strength in words (the server measures where "same" and "similar" start, per catalog). */
export const MATCH_TEXT: Record<SearchResult['match'], string> = {
  same: 'Same image',
  similar: 'Similar',
  weak: 'Loosely similar',
};
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
