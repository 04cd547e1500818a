import { z } from 'zod';
import { requireAdmin } from '../../../../../../server/auth';
import { handle } from '../../../../../../server/errors';
import { readJson } from '../../../../../../server/http';
import { getLoupe } from '../../../../../../server/loupe';

export const dynamic = 'force-dynamic';
type Context = { params: Promise<{ slug: string }> };

const body = z.object({
  itemIds: z.array(z.number().int().positive()).min(1).max(10_000),
  field: z.string().trim().min(1).max(200),
  /** The label; null clears it (the item goes back to the head's prediction). */
  value: z.string().trim().min(1).max(500).nullable(),
});

/**
 * Sets an item metadata field — the label a head trains on — for one or many items (admin). Under an active head
 * that uses this field the items' labels become "confirmed".
 */
export const PATCH = handle(async (request: Request, { params }: Context) => {
  await requireAdmin(request);
  const { slug } = await params;
  const { itemIds, field, value } = body.parse(await readJson(request));
  const items = await (await getLoupe()).heads.setLabels(slug, itemIds, field, value);
  return Response.json({ updated: items.map((i) => ({ id: i.id, metadata: i.metadata })) });
});
