import { requireAdmin } from '../../../../../../server/auth';
import { handle } from '../../../../../../server/errors';
import { getLoupe } from '../../../../../../server/loupe';

export const dynamic = 'force-dynamic';
type Context = { params: Promise<{ slug: string }> };

/** Metadata fields of the catalog's items that can be labels: items with a value, distinct values (admin). */
export const GET = handle(async (request: Request, { params }: Context) => {
  await requireAdmin(request);
  const { slug } = await params;
  return Response.json({ fields: await (await getLoupe()).heads.fields(slug) });
});
