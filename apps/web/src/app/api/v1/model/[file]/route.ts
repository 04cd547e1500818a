import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { defaultModelDir, MODEL_FILES } from '@loupe/embedding';
import { env } from '../../../../../server/env';
import { handle, notFound } from '../../../../../server/errors';

export const dynamic = 'force-dynamic';

/** The files in-browser mode needs: the fp16 model, the class names and the classifier weights (for boxes). */
const SERVED: Record<string, { file: string; type: string }> = {
  'model.onnx': { file: MODEL_FILES.fp16, type: 'application/octet-stream' },
  'labels.json': { file: MODEL_FILES.labels, type: 'application/json' },
  'classifier.bin': { file: MODEL_FILES.classifier, type: 'application/octet-stream' },
  'manifest.json': { file: MODEL_FILES.manifest, type: 'application/json' },
};

export const GET = handle(async (request: Request, { params }: { params: Promise<{ file: string }> }) => {
  const name = (await params).file;
  // Own keys only: `constructor` or `__proto__` are not files.
  const entry = Object.hasOwn(SERVED, name) ? SERVED[name] : undefined;
  if (!entry) throw notFound('unknown model file');
  const path = join(env().LOUPE_MODEL_DIR ?? defaultModelDir(), entry.file);
  const info = await stat(path).catch(() => {
    throw notFound('the model is not built on this server');
  });
  const etag = `"${info.size}-${Math.round(info.mtimeMs)}"`;
  const headers = { etag, 'content-type': entry.type, 'content-length': String(info.size), 'cache-control': 'public, max-age=86400' };
  if (request.headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers });
  return new Response(Readable.toWeb(createReadStream(path)) as ReadableStream, { headers });
});
