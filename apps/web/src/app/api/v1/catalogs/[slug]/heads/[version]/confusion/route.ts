import { z } from 'zod';
import { headVersion } from '../../../../../../../../server/heads';
import { handle } from '../../../../../../../../server/errors';
import { getLoupe } from '../../../../../../../../server/loupe';

export const dynamic = 'force-dynamic';
type Context = { params: Promise<{ slug: string; version: string }> };

const options = z.object({ format: z.enum(['png', 'svg']).default('png'), of: z.enum(['head', 'knn']).default('head') });

/**
 * The head's validation confusion matrix as an image: PNG (default) or SVG (`?format=svg`); `?of=knn` draws the kNN
 * baseline's instead.
 */
export const GET = handle(async (request: Request, { params }: Context) => {
  const { slug, version } = await params;
  const q = options.parse(Object.fromEntries(new URL(request.url).searchParams));
  const { contentType, bytes } = await (await getLoupe()).heads.confusion(slug, headVersion(version), q);
  return new Response(bytes as BodyInit, { headers: { 'cache-control': 'public, max-age=31536000, immutable', 'content-type': contentType } });
});
