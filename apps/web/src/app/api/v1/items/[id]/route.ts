import { z } from 'zod';
import { itemJson, itemLabelJson } from '../../../../../server/api';
import { requireAdmin } from '../../../../../server/auth';
import { handle, notFound } from '../../../../../server/errors';
import { getLoupe } from '../../../../../server/loupe';

export const dynamic = 'force-dynamic';
type Context = { params: Promise<{ id: string }> };

const itemId = async (params: Context['params']) => z.coerce.number().int().positive().parse((await params).id);

/** An item with its metadata, predictions and box; under its catalog's active head, also its label. */
export const GET = handle(async (_request: Request, { params }: Context) => {
  const id = await itemId(params);
  const loupe = await getLoupe();
  const [item] = await loupe.store.items.getByIds([id], { modelId: loupe.modelId });
  if (!item) throw notFound(`no item ${id}`);
  const catalog = await loupe.store.catalogs.getById(item.catalogId);
  const head = await loupe.store.heads.active(item.catalogId);
  const label = head ? ((await loupe.store.labels.forItems(head.id, [id])).get(id) ?? null) : undefined;
  return Response.json({ ...itemJson(item, catalog?.slug ?? ''), ...(label !== undefined ? { label: label ? itemLabelJson(label) : null } : {}) });
});

/** Deletes an item (admin); the index follows. */
export const DELETE = handle(async (request: Request, { params }: Context) => {
  await requireAdmin(request);
  const id = await itemId(params);
  const { deleted } = await (await getLoupe()).removeItems([id]);
  if (deleted === 0) throw notFound(`no item ${id}`);
  return Response.json({ deleted: id });
});
