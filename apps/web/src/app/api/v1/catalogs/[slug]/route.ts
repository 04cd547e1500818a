import { z } from 'zod';
import { requireAdmin } from '../../../../../server/auth';
import { handle, notFound } from '../../../../../server/errors';
import { getLoupe } from '../../../../../server/loupe';
import { catalogJson } from '../../../../../server/api';
import { readJson } from '../../../../../server/http';

export const dynamic = 'force-dynamic';
type Context = { params: Promise<{ slug: string }> };

export const GET = handle(async (_request: Request, { params }: Context) => {
  const { slug } = await params;
  const loupe = await getLoupe();
  const catalog = (await loupe.catalogs.list()).find((c) => c.slug === slug);
  if (!catalog) throw notFound(`no catalog "${slug}"`);
  return Response.json(catalogJson(catalog));
});

/** Renames a catalog (admin): `{ "name" }`. */
export const PATCH = handle(async (request: Request, { params }: Context) => {
  await requireAdmin(request);
  const { slug } = await params;
  const { name } = z.object({ name: z.string().trim().min(1).max(200) }).parse(await readJson(request));
  const catalog = await (await getLoupe()).catalogs.rename(slug, name);
  return Response.json(catalogJson(catalog));
});

/** Deletes a catalog with its items (admin). */
export const DELETE = handle(async (request: Request, { params }: Context) => {
  await requireAdmin(request);
  const { slug } = await params;
  const { items } = await (await getLoupe()).catalogs.delete(slug);
  return Response.json({ deleted: slug, items });
});
