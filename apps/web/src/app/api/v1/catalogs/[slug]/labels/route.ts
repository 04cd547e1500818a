import { SetLabels } from '@loupe/api';
import { requireAdmin } from '../../../../../../server/auth';
import { handle } from '../../../../../../server/errors';
import { readJson } from '../../../../../../server/http';
import { getLoupe } from '../../../../../../server/loupe';

export const dynamic = 'force-dynamic';
type Context = { params: Promise<{ slug: string }> };

/**
 * Sets an item metadata field — the label a head trains on — for one or many items (admin). Under an active head
 * that uses this field the items' labels become "confirmed".
 */
export const PATCH = handle(async (request: Request, { params }: Context) => {
  await requireAdmin(request);
  const { itemIds, field, value } = SetLabels.parse(await readJson(request));
  const items = await (await getLoupe()).heads.setLabels((await params).slug, itemIds, field, value);
  return Response.json({ updated: items.map((i) => ({ id: i.id, metadata: i.metadata })) });
});
