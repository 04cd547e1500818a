import { UpdateCatalog } from '@loupe/api';
import { catalogJson } from '../../../../../server/api';
import { audit, requireAdmin } from '../../../../../server/auth';
import { handle } from '../../../../../server/errors';
import { readJson } from '../../../../../server/http';
import { getLoupe } from '../../../../../server/loupe';

export const dynamic = 'force-dynamic';
type Context = { params: Promise<{ slug: string }> };

export const GET = handle(async (_request: Request, { params }: Context) => Response.json(catalogJson(await (await getLoupe()).catalogs.get((await params).slug))));

/** Renames a catalog and/or changes its objects setting (admin): `{ "name", "objects" }`. */
export const PATCH = handle(async (request: Request, { params }: Context) => {
  await requireAdmin(request);
  const changes = UpdateCatalog.parse(await readJson(request));
  return Response.json(catalogJson(await (await getLoupe()).catalogs.update((await params).slug, changes)));
});

/** Deletes a catalog with its items (admin). */
export const DELETE = handle(async (request: Request, { params }: Context) => {
  const who = await requireAdmin(request);
  const { slug } = await params;
  const { items } = await (await getLoupe()).catalogs.delete(slug);
  await audit(request, who, 'catalog-deleted', `${slug} (${items} items)`);
  return Response.json({ deleted: slug, items });
});
