// Serves stored images with strong caching: files are content-addressed, so an item's bytes never change.
import { IdParam } from '@loupe/api';
import { handle } from './errors';
import { getLoupe } from './loupe';

export function serveItemFile(which: 'thumbnail' | 'original') {
  return handle(async (request: Request, { params }: { params: Promise<{ id: string }> }) => {
    const file = await (await getLoupe()).items.file(IdParam.parse((await params).id), which);
    const etag = `"${file.contentHash.slice(0, 32)}-${which}"`;
    const headers = { etag, 'cache-control': 'public, max-age=31536000, immutable', 'content-type': file.mimeType };
    if (request.headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers });
    return new Response((await file.read()) as BodyInit, { headers });
  });
}
