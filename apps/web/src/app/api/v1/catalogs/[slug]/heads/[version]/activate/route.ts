import { z } from 'zod';
import { requireAdmin } from '../../../../../../../../server/auth';
import { handle } from '../../../../../../../../server/errors';
import { headJson } from '../../../../../../../../server/heads';
import { getLoupe } from '../../../../../../../../server/loupe';

export const dynamic = 'force-dynamic';
type Context = { params: Promise<{ slug: string; version: string }> };

/** Makes this version the catalog's active head and relabels its items (admin). Older versions are kept. */
export const POST = handle(async (request: Request, { params }: Context) => {
  await requireAdmin(request);
  const { slug, version } = await params;
  const v = z.coerce.number().int().positive().parse(version.replace(/^v/, ''));
  const { head, labelled } = await (await getLoupe()).heads.activate(slug, v);
  return Response.json({ ...headJson(head, slug), labelled });
});
