// Every route of /api/v1: its request and response schemas. The OpenAPI document is generated from this table, the
// API tests validate each route's real responses against it, and a new route is one entry here (CONTRIBUTING.md).
import type { z } from 'zod';
import {
  ApiKeyCreated,
  ApiKeyList,
  ApiKeyRevoked,
  CreateApiKey,
  Health,
  Login,
  ReindexState,
  Session,
  SignedIn,
  StartReindex,
  Stats,
} from './admin.ts';
import { Catalog, CatalogDeleted, CatalogList, CreateCatalog, ItemDeleted, ItemListQuery, ItemPage, Item, LabelsSet, SetLabels, UpdateCatalog } from './catalogs.ts';
import { HeadActivated, HeadDetail, HeadList, HeadTraining, MetadataFields, TrainHead } from './heads.ts';
import { Job, JobDetail, JobList, JobListQuery } from './jobs.ts';
import { ClassifyResponse, DetectOptions, DetectResponse, EmbedResponse, ImageOptions, LocalizeResponse, SearchAnswer, SearchJson, SearchOptions } from './search.ts';

export type Method = 'get' | 'post' | 'patch' | 'delete';

export interface Route {
  method: Method;
  /** Under /api/v1, with `{name}` path parameters. */
  path: string;
  summary: string;
  /** Who may call: anyone (default), an admin (session or admin key), or a signed-in admin session only. */
  auth?: 'admin' | 'session';
  /** Query parameters (GET). */
  query?: z.ZodObject;
  /** A JSON body. */
  json?: z.ZodType;
  /** A multipart body: its file field and its other fields. */
  multipart?: { file: 'image' | 'files'; fields?: z.ZodObject };
  /** The success response: a JSON schema, or the media type of a file. */
  response: z.ZodType | { file: string };
  status?: number;
  /** Error statuses this route may answer with (every error body is `Error`). */
  errors?: number[];
}


export const routes: Route[] = [
  // ── query by image ─────────────────────────────────────────────────────────────────────────────────────────────
  {
    method: 'post',
    path: '/search',
    summary:
      'Search by an image (multipart `image`, optional `box` for a region), by an indexed item (JSON `itemId`: more like this), by a vector computed in the browser (JSON `vector` + `model`), or the next page of any of these (`cursor` alone)',
    multipart: { file: 'image', fields: SearchOptions },
    json: SearchJson,
    response: SearchAnswer,
    errors: [400, 404, 409, 410, 413, 415, 422],
  },
  { method: 'post', path: '/classify', summary: 'ImageNet top-k classes of an image; with `catalog`, that catalog\'s own classes too', multipart: { file: 'image', fields: ImageOptions }, response: ClassifyResponse, errors: [400, 404, 409, 413, 415, 422] },
  { method: 'post', path: '/localize', summary: 'Boxes of the confident classes (class activation maps); with `heatmap`, the top class\'s heatmap', multipart: { file: 'image', fields: ImageOptions }, response: LocalizeResponse, errors: [400, 413, 415, 422] },
  { method: 'post', path: '/detect', summary: 'Every object in an image (CenterNet, COCO classes; labels fused with ResNet-50 on each crop), boxes in original pixels', multipart: { file: 'image', fields: DetectOptions }, response: DetectResponse, errors: [400, 413, 415, 422, 503] },
  { method: 'post', path: '/embed', summary: 'The L2-normalised feature vector of an image', multipart: { file: 'image', fields: ImageOptions }, response: EmbedResponse, errors: [400, 413, 415, 422] },
  // ── catalogs and items ─────────────────────────────────────────────────────────────────────────────────────────
  { method: 'get', path: '/catalogs', summary: 'Every catalog with its item count', response: CatalogList },
  { method: 'post', path: '/catalogs', summary: 'Creates a catalog', auth: 'admin', json: CreateCatalog, response: Catalog, status: 201, errors: [401, 403, 409, 422] },
  { method: 'get', path: '/catalogs/{slug}', summary: 'One catalog', response: Catalog, errors: [404] },
  { method: 'patch', path: '/catalogs/{slug}', summary: 'Renames a catalog or changes its objects setting', auth: 'admin', json: UpdateCatalog, response: Catalog, errors: [401, 403, 404, 422] },
  { method: 'delete', path: '/catalogs/{slug}', summary: 'Deletes a catalog with its items', auth: 'admin', response: CatalogDeleted, errors: [401, 403, 404] },
  { method: 'get', path: '/catalogs/{slug}/items', summary: "A page of the catalog's items (in id order); under an active head each carries its label", query: ItemListQuery, response: ItemPage, errors: [404, 422] },
  {
    method: 'post',
    path: '/catalogs/{slug}/items',
    summary: 'Uploads images, one zip, or one manifest (.jsonl/.csv) with the images it names, in the field `files`; answers 202 with the ingest job',
    auth: 'admin',
    multipart: { file: 'files' },
    response: Job,
    status: 202,
    errors: [400, 401, 403, 413, 415],
  },
  { method: 'patch', path: '/catalogs/{slug}/labels', summary: 'Sets (or clears) the label field of items', auth: 'admin', json: SetLabels, response: LabelsSet, errors: [401, 403, 404, 422] },
  { method: 'get', path: '/catalogs/{slug}/fields', summary: "Metadata fields of the catalog's items that can be labels", auth: 'admin', response: MetadataFields, errors: [401, 403, 404] },
  { method: 'get', path: '/items/{id}', summary: 'An item with its metadata, predictions, boxes and label', response: Item, errors: [404, 422] },
  { method: 'delete', path: '/items/{id}', summary: 'Deletes an item; the index follows', auth: 'admin', response: ItemDeleted, errors: [401, 403, 404] },
  { method: 'get', path: '/items/{id}/thumbnail', summary: 'The WebP thumbnail (long side 256 px); immutable', response: { file: 'image/webp' }, errors: [404] },
  { method: 'get', path: '/items/{id}/image', summary: 'The original image; immutable', response: { file: 'image/*' }, errors: [404] },
  // ── heads ──────────────────────────────────────────────────────────────────────────────────────────────────────
  { method: 'get', path: '/catalogs/{slug}/heads', summary: "The catalog's classifier heads, newest first, and a running training", response: HeadList, errors: [404] },
  { method: 'post', path: '/catalogs/{slug}/heads', summary: "Trains a head on the catalog's stored vectors; 202 with the training to poll", auth: 'admin', json: TrainHead, response: HeadTraining, status: 202, errors: [401, 403, 404, 409, 422] },
  { method: 'get', path: '/catalogs/{slug}/heads/{version}', summary: 'One head (a version, or `active`) with its metrics, settings and training curve', response: HeadDetail, errors: [404] },
  { method: 'post', path: '/catalogs/{slug}/heads/{version}/activate', summary: 'Makes this version the active head and relabels the items', auth: 'admin', response: HeadActivated, errors: [401, 403, 404, 409] },
  { method: 'get', path: '/catalogs/{slug}/heads/{version}/confusion', summary: 'The validation confusion matrix as PNG (or `?format=svg`; `?of=knn` for the baseline)', response: { file: 'image/png' }, errors: [400, 404] },
  { method: 'get', path: '/catalogs/{slug}/heads/jobs/{id}', summary: "A training's progress; the head when done", auth: 'admin', response: HeadTraining, errors: [401, 403, 404] },
  { method: 'delete', path: '/catalogs/{slug}/heads/jobs/{id}', summary: 'Cancels a running training; nothing is stored', auth: 'admin', response: HeadTraining, errors: [401, 403, 404] },
  // ── jobs, reindex, dashboard ───────────────────────────────────────────────────────────────────────────────────
  { method: 'get', path: '/jobs', summary: 'Recent ingest jobs, newest first', auth: 'admin', query: JobListQuery, response: JobList, errors: [401, 403, 404] },
  { method: 'get', path: '/jobs/{id}', summary: "A job's progress and its per-file failures", auth: 'admin', response: JobDetail, errors: [401, 403, 404] },
  { method: 'post', path: '/reindex', summary: "Starts computing the model's vectors for items that lack one (or all)", auth: 'admin', json: StartReindex, response: ReindexState, status: 202, errors: [401, 403, 404] },
  { method: 'get', path: '/reindex', summary: 'The state of the last reindex', auth: 'admin', response: ReindexState, errors: [401, 403] },
  { method: 'get', path: '/stats', summary: 'Dashboard numbers: counts, index, model, execution provider', auth: 'admin', response: Stats, errors: [401, 403] },
  { method: 'get', path: '/health', summary: '200 once the app can serve searches; 503 while starting', response: Health, errors: [503] },
  // ── auth ───────────────────────────────────────────────────────────────────────────────────────────────────────
  { method: 'post', path: '/auth/login', summary: 'Signs an admin in: an http-only session cookie', json: Login, response: SignedIn, errors: [401, 422, 503] },
  { method: 'post', path: '/auth/logout', summary: 'Signs out', response: SignedIn },
  { method: 'get', path: '/auth/session', summary: 'Whether the caller is a signed-in admin (or holds an admin key)', response: Session },
  { method: 'get', path: '/keys', summary: 'API keys', auth: 'session', response: ApiKeyList, errors: [401] },
  { method: 'post', path: '/keys', summary: 'Creates a key; the key is shown this once', auth: 'session', json: CreateApiKey, response: ApiKeyCreated, status: 201, errors: [401, 422] },
  { method: 'delete', path: '/keys/{id}', summary: 'Revokes a key', auth: 'session', response: ApiKeyRevoked, errors: [401, 404] },
  { method: 'get', path: '/model/{file}', summary: 'The files in-browser mode needs: model.onnx (fp16), labels.json, classifier.bin, manifest.json', response: { file: 'application/*' }, errors: [404] },
];

/** The route that serves `method` on a concrete path (e.g. "/items/12"), or undefined. */
export function routeFor(method: string, path: string): Route | undefined {
  const m = method.toLowerCase();
  const clean = path.replace(/^\/api\/v1/, '').replace(/[?#].*$/, '');
  // Literal segments win over parameters (/heads/jobs/{id} before /heads/{version}/…).
  const candidates = routes.filter((r) => r.method === m && new RegExp(`^${r.path.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(clean));
  const params = (r: Route) => r.path.split('{').length;
  return candidates.sort((a, b) => params(a) - params(b))[0];
}
