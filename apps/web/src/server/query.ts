// Parsing of the image-query endpoints' inputs (search, classify, localize, embed): a multipart form with an `image`
// and options as fields, or (search only) JSON naming an item, carrying a vector, or a cursor. The fields and the
// JSON are parsed by the same schemas the OpenAPI document and the client come from (`@loupe/api`).
import { DetectOptions, ImageOptions, SearchJson, SearchOptions } from '@loupe/api';
import { probeImage } from '@loupe/embedding';
import type { ImageInput } from '@loupe/core';
import { principalOf } from './auth';
import { env } from './env';
import { badRequest, handle, unsupportedMediaType } from './errors';
import { admitQuery } from './guard';
import { readBody, readImageForm } from './http';

/**
 * The route wrapper of the public image-query endpoints (search, classify, localize, embed, detect): `read` parses and
 * checks the request, `run` analyses it. Admission control around them (guard.ts): the per-IP rate limit — not for
 * admins — then `read`, so that bad input is refused without taking a place in the bounded queue that `run` waits in;
 * then the usual error mapping.
 */
export function queryRoute<I>(read: (request: Request) => Promise<I>, run: (input: I) => Promise<Response>): (request: Request) => Promise<Response> {
  return handle(async (request: Request) => {
    const who = await principalOf(request);
    const admin = who !== undefined && (who.kind === 'session' || who.scope === 'admin');
    return admitQuery(request, admin, () => read(request), run);
  });
}

export type SearchParams = ReturnType<typeof SearchOptions.parse>;

export type Query =
  | { kind: 'image'; image: ImageInput; params: SearchParams }
  | { kind: 'item'; itemId: number; params: SearchParams }
  | { kind: 'vector'; vector: Float32Array; model?: string; params: SearchParams }
  /** The next page of an earlier query: nothing to analyse. */
  | { kind: 'cursor'; cursor: string; params: SearchParams };

/** Multipart fields as the schemas read them: an empty field is an absent one. */
const present = (fields: Record<string, string>) => Object.fromEntries(Object.entries(fields).filter(([, v]) => v.trim() !== ''));

async function readImage(request: Request) {
  const form = await readImageForm(request, env().LOUPE_MAX_IMAGE_MB * 1024 * 1024 + 64 * 1024);
  if (!form.image) throw badRequest('no image: send the image file in the multipart field "image"', 'MISSING_IMAGE');
  if (form.image.byteLength === 0) throw badRequest('the image file is empty', 'MISSING_IMAGE');
  // The public pixel budget, checked from the header before anything is decoded (413 IMAGE_TOO_LARGE).
  await probeImage(form.image, env().LOUPE_QUERY_MAX_PIXELS);
  return { image: form.image, fields: present(form.fields) };
}

/** A search: multipart (image + fields), or JSON with an itemId, a vector or just a cursor. */
export async function readSearch(request: Request): Promise<Query> {
  const type = request.headers.get('content-type') ?? '';
  if (type.startsWith('multipart/form-data')) {
    const { image, fields } = await readImage(request);
    // `objects` may also come as the query's ?objects=true, as detect's ?masks=true.
    const objects = new URL(request.url).searchParams.get('objects');
    const params = SearchOptions.parse({ ...(objects ? { objects } : {}), ...fields });
    if (params.cursor) return { kind: 'cursor', cursor: params.cursor, params };
    return { kind: 'image', image: { source: image, region: params.box }, params };
  }
  if (type.startsWith('application/json')) {
    let body: unknown;
    try {
      body = JSON.parse(Buffer.from(await readBody(request, 1024 * 1024)).toString('utf8'));
    } catch {
      throw badRequest('the body is not valid JSON');
    }
    const { itemId, vector, model, ...params } = SearchJson.parse(body);
    if (params.objects) throw badRequest('search by object needs an image: send it as multipart with objects=true');
    if (params.cursor) return { kind: 'cursor', cursor: params.cursor, params };
    if (itemId !== undefined) return { kind: 'item', itemId, params };
    if (vector !== undefined) return { kind: 'vector', vector: Float32Array.from(vector), ...(model ? { model } : {}), params };
    throw badRequest('send { "itemId": … } (more like this), { "vector": [2048 numbers] } (in-browser mode) or { "cursor": … } (the next page)');
  }
  throw unsupportedMediaType('send multipart/form-data with an "image", or JSON with an itemId, a vector or a cursor');
}

/** detect's inputs: the image (optionally a `box` of it), `minScore` and `masks` (a form field or `?masks=true`). */
export async function readDetectQuery(request: Request): Promise<{ image: ImageInput; minScore?: number; masks?: boolean }> {
  const { image, fields } = await readImage(request);
  const options = DetectOptions.parse({ ...present(Object.fromEntries(new URL(request.url).searchParams)), ...fields });
  return { image: { source: image, region: options.box }, minScore: options.minScore, masks: options.masks };
}

/** One image and its options (classify, localize, embed). */
export async function readImageQuery(request: Request): Promise<{ image: ImageInput; options: ReturnType<typeof ImageOptions.parse> }> {
  const { image, fields } = await readImage(request);
  const options = ImageOptions.parse(fields);
  return { image: { source: image, region: options.box }, options };
}
