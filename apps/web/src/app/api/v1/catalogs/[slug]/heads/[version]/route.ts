import { z } from 'zod';
import { handle } from '../../../../../../../server/errors';
import { headDetailJson } from '../../../../../../../server/heads';
import { getLoupe } from '../../../../../../../server/loupe';

export const dynamic = 'force-dynamic';
type Context = { params: Promise<{ slug: string; version: string }> };

/** One head (`active` for the active one) with its metrics next to the kNN baseline's, settings and training curve. */
export const GET = handle(async (_request: Request, { params }: Context) => {
  const { slug, version } = await params;
  const v = version === 'active' ? undefined : z.coerce.number().int().positive().parse(version.replace(/^v/, ''));
  const { onnx: _bytes, ...head } = await (await getLoupe()).heads.get(slug, v);
  return Response.json(headDetailJson(head, slug));
});
