// Serves stored images with strong caching: files are content-addressed, so an item's bytes never change.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { handle, notFound } from './errors';
import { getLoupe } from './loupe';

export function serveItemFile(which: 'thumbnail' | 'original') {
  return handle(async (request: Request, { params }: { params: Promise<{ id: string }> }) => {
    const id = z.coerce.number().int().positive().parse((await params).id);
    const loupe = await getLoupe();
    const item = await loupe.store.items.get(id);
    const file = which === 'thumbnail' ? item?.thumbnailFile : item?.storedFile;
    if (!item || !file) throw notFound(`no ${which} for item ${id}`);
    const etag = `"${item.contentHash.slice(0, 32)}-${which}"`;
    const headers = { etag, 'cache-control': 'public, max-age=31536000, immutable', 'content-type': which === 'thumbnail' ? 'image/webp' : item.mimeType };
    if (request.headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers });
    const bytes = await readFile(loupe.storage.absolute(file)).catch(() => {
      throw notFound(`the ${which} file of item ${id} is missing`);
    });
    return new Response(bytes as BodyInit, { headers });
  });
}
