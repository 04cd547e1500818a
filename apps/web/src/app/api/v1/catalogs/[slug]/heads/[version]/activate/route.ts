import { requireAdmin } from '../../../../../../../../server/auth';
import { badRequest, handle } from '../../../../../../../../server/errors';
import { headJson, headVersion } from '../../../../../../../../server/heads';
import { getLoupe } from '../../../../../../../../server/loupe';

export const dynamic = 'force-dynamic';
type Context = { params: Promise<{ slug: string; version: string }> };

/** Makes this version the catalog's active head and relabels its items (admin). Older versions are kept. */
export const POST = handle(async (request: Request, { params }: Context) => {
  await requireAdmin(request);
  const { slug, version } = await params;
  const v = headVersion(version);
  if (v === undefined) throw badRequest('name the version to activate');
  const { head, labelled } = await (await getLoupe()).heads.activate(slug, v);
  return Response.json({ ...headJson(head, slug), labelled });
});
