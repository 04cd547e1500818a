import { handle } from '../../../../../../../server/errors';
import { headDetailJson, headVersion } from '../../../../../../../server/heads';
import { getLoupe } from '../../../../../../../server/loupe';

export const dynamic = 'force-dynamic';
type Context = { params: Promise<{ slug: string; version: string }> };

/** One head (`active` for the active one) with its metrics next to the kNN baseline's, settings and training curve. */
export const GET = handle(async (_request: Request, { params }: Context) => {
  const { slug, version } = await params;
  const { onnx: _bytes, ...head } = await (await getLoupe()).heads.get(slug, headVersion(version));
  return Response.json(headDetailJson(head, slug));
});
