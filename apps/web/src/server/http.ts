// Request parsing with limits: small multipart bodies (a query image) are read into memory up to a cap; large
// uploads (catalog zips, many images) stream to disk through busboy, counting bytes as they come.
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { badRequest, payloadTooLarge, unsupportedMediaType } from './errors';

/** Reads the whole body, refusing (413) past `maxBytes` — by Content-Length up front, else while reading. */
export async function readBody(request: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) throw payloadTooLarge(`the request is ${declared} bytes; the limit is ${maxBytes}`);
  if (!request.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > maxBytes) throw payloadTooLarge(`the request is larger than the limit of ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** A small JSON body (≤ 64 KB) sent as application/json; 415 for another content type, 400 when it is not JSON. */
export async function readJson(request: Request): Promise<unknown> {
  // Only a JSON content type: a cross-site form may send text/plain without a preflight, never application/json.
  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json' && !type.endsWith('+json')) throw unsupportedMediaType('send the body as application/json');
  const body = await readBody(request, 64 * 1024);
  try {
    return JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    throw badRequest('the body is not valid JSON');
  }
}

export interface ImageForm {
  image?: Uint8Array;
  imageName?: string;
  fields: Record<string, string>;
}

/** A multipart form with one image field (`image`) and plain fields, within `maxBytes`. */
export async function readImageForm(request: Request, maxBytes: number): Promise<ImageForm> {
  const type = request.headers.get('content-type') ?? '';
  if (!type.startsWith('multipart/form-data')) throw unsupportedMediaType('send multipart/form-data with the image in the field "image"');
  const body = await readBody(request, maxBytes);
  let form: FormData;
  try {
    form = await new Response(body as BodyInit, { headers: { 'content-type': type } }).formData();
  } catch {
    throw badRequest('the multipart body could not be parsed');
  }
  const fields: Record<string, string> = {};
  let image: Uint8Array | undefined;
  let imageName: string | undefined;
  for (const [key, value] of form.entries()) {
    if (typeof value === 'string') fields[key] = value;
    else if (key === 'image') {
      image = new Uint8Array(await value.arrayBuffer());
      imageName = value.name;
    }
  }
  return { image, imageName, fields };
}

export interface SavedUpload {
  dir: string;
  files: Array<{ field: string; name: string; path: string; bytes: number }>;
  fields: Record<string, string>;
}

/** File names from a browser are untrusted: keep a safe base name only. */
export function safeFileName(name: string, fallback: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base.replace(/[^\w.\- ]+/g, '_').replace(/^\.+/, '').slice(0, 200);
  return cleaned || fallback;
}

/** Streams every file of a multipart upload into `dir`, refusing (413) past `maxBytes` in total. */
export async function saveMultipartUpload(request: Request, dir: string, maxBytes: number, maxFiles = 10_000): Promise<SavedUpload> {
  const type = request.headers.get('content-type') ?? '';
  if (!type.startsWith('multipart/form-data')) throw unsupportedMediaType('send multipart/form-data with files in the field "files"');
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) throw payloadTooLarge(`the upload is ${declared} bytes; the limit is ${maxBytes}`);
  if (!request.body) throw badRequest('empty upload');
  const saved: SavedUpload = { dir, files: [], fields: {} };
  let total = 0;
  let failure: Error | undefined;
  const writes: Promise<void>[] = [];
  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: { 'content-type': type }, limits: { files: maxFiles, fields: 100, fieldSize: 64 * 1024 } });
  } catch (error) {
    throw badRequest(`the multipart body cannot be read: ${(error as Error).message}`); // e.g. no boundary
  }
  await mkdir(dir, { recursive: true });
  parser.on('field', (name, value) => (saved.fields[name] = value));
  parser.on('file', (field, stream, info) => {
    const name = `${String(saved.files.length).padStart(5, '0')}-${safeFileName(info.filename ?? '', 'upload')}`;
    const path = join(dir, name);
    const entry = { field, name: safeFileName(info.filename ?? '', name), path, bytes: 0 };
    saved.files.push(entry);
    stream.on('data', (chunk: Buffer) => {
      entry.bytes += chunk.length;
      total += chunk.length;
      if (total > maxBytes && !failure) {
        failure = payloadTooLarge(`the upload is larger than the limit of ${maxBytes} bytes`);
        stream.destroy(failure);
      }
    });
    writes.push(pipeline(stream, createWriteStream(path)).catch((error: Error) => void (failure ??= error)));
  });
  parser.on('filesLimit', () => (failure ??= payloadTooLarge(`more than ${maxFiles} files in one upload`)));
  try {
    await pipeline(Readable.fromWeb(request.body as never), parser);
  } catch (error) {
    failure ??= error as Error;
  }
  await Promise.all(writes);
  if (failure) {
    await rm(dir, { recursive: true, force: true });
    throw failure instanceof Error && 'status' in failure ? failure : badRequest(`the upload failed: ${failure.message}`);
  }
  return saved;
}
