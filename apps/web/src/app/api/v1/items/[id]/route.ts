import { IdParam } from '@loupe/api';
import { itemJson } from '../../../../../server/api';
import { audit, requireAdmin } from '../../../../../server/auth';
import { handle, notFound } from '../../../../../server/errors';
import { getLoupe } from '../../../../../server/loupe';

export const dynamic = 'force-dynamic';
type Context = { params: Promise<{ id: string }> };

/** An item with its metadata, predictions and box; under its catalog's active head, also its label. */
export const GET = handle(async (_request: Request, { params }: Context) => {
  return Response.json(itemJson(await (await getLoupe()).items.get(IdParam.parse((await params).id))));
});

/** Deletes an item (admin); the index follows. */
export const DELETE = handle(async (request: Request, { params }: Context) => {
  const who = await requireAdmin(request);
  const id = IdParam.parse((await params).id);
  const { deleted } = await (await getLoupe()).removeItems([id]);
  if (deleted === 0) throw notFound(`no item ${id}`);
  await audit(request, who, 'item-deleted', String(id));
  return Response.json({ deleted: id });
});
