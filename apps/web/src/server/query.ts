// Parsing of the image-query endpoints' inputs (search, classify, localize, embed): a multipart form with an `image`
// and options as fields, or (search only) JSON naming an item or carrying a vector.
import { z } from 'zod';
import type { Rect } from '@loupe/embedding';
import { env } from './env';
import { badRequest, unsupportedMediaType } from './errors';
import { readBody, readImageForm } from './http';

const number = (schema: z.ZodNumber) => z.preprocess((v) => (v === '' || v === undefined || v === null ? undefined : Number(v)), schema.optional());

const boxSchema = z.preprocess(
  (v) => {
    if (typeof v !== 'string') return v;
    const t = v.trim();
    if (t === '') return undefined;
    if (t.startsWith('{')) return JSON.parse(t);
    const [x0, y0, x1, y1] = t.split(',').map(Number);
    return { x0, y0, x1, y1 };
  },
  z.object({ x0: z.number(), y0: z.number(), x1: z.number(), y1: z.number() }).optional(),
);

export const searchOptionsSchema = z.object({
  k: number(z.number().int().min(1).max(100)).default(12),
  catalog: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(1).optional()),
  minScore: number(z.number().min(-1).max(1)),
  classId: number(z.number().int().min(0).max(999)),
  cursor: z.preprocess((v) => (v === '' || v === null ? undefined : v), z.string().regex(/^\d+$/, 'cursor must come from nextCursor').optional()),
  box: boxSchema,
  exact: z.preprocess((v) => v === true || v === 'true' || v === '1', z.boolean()).default(false),
  /** Only items with this label under the catalog's active head (needs `catalog`). */
  label: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(1).max(500).optional()),
});

export type SearchParams = z.infer<typeof searchOptionsSchema>;

export type Query =
  | { kind: 'image'; image: Uint8Array; region?: Rect; params: SearchParams; fields: Record<string, string> }
  | { kind: 'item'; itemId: number; params: SearchParams }
  | { kind: 'vector'; vector: Float32Array; model?: string; params: SearchParams };

const jsonQuery = z
  .object({
    itemId: z.number().int().positive().optional(),
    vector: z.array(z.number()).length(2048, 'a query vector has 2048 values').optional(),
    /** The model id of `vector` (network + pooling); when given, it must be the one this server searches. */
    model: z.string().max(200).optional(),
  })
  .passthrough();

/** Reads a query: multipart (image + fields) for every endpoint; JSON ({ itemId } or { vector }) where allowed. */
export async function readQuery(request: Request, options: { allowJson: boolean }): Promise<Query> {
  const type = request.headers.get('content-type') ?? '';
  const maxImage = env().LOUPE_MAX_IMAGE_MB * 1024 * 1024;
  if (type.startsWith('multipart/form-data')) {
    const form = await readImageForm(request, maxImage + 64 * 1024);
    if (!form.image) throw badRequest('no image: send the image file in the multipart field "image"', 'MISSING_IMAGE');
    if (form.image.byteLength === 0) throw badRequest('the image file is empty', 'MISSING_IMAGE');
    const params = searchOptionsSchema.parse(form.fields);
    return { kind: 'image', image: form.image, region: params.box, params, fields: form.fields };
  }
  if (options.allowJson && type.startsWith('application/json')) {
    let body: unknown;
    try {
      body = JSON.parse(Buffer.from(await readBody(request, 1024 * 1024)).toString('utf8'));
    } catch {
      throw badRequest('the body is not valid JSON');
    }
    const q = jsonQuery.parse(body);
    const params = searchOptionsSchema.parse(body);
    if (q.itemId !== undefined) return { kind: 'item', itemId: q.itemId, params };
    if (q.vector !== undefined) return { kind: 'vector', vector: Float32Array.from(q.vector), ...(q.model ? { model: q.model } : {}), params };
    throw badRequest('send { "itemId": … } (more like this) or { "vector": [2048 numbers] } (in-browser mode)');
  }
  throw unsupportedMediaType(options.allowJson ? 'send multipart/form-data with an "image", or JSON with an itemId or a vector' : 'send multipart/form-data with the image in the field "image"');
}
