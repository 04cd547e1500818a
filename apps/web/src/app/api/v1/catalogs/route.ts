import { z } from 'zod';
import { requireAdmin } from '../../../../server/auth';
import { catalogJson } from '../../../../server/api';
import { handle } from '../../../../server/errors';
import { readJson } from '../../../../server/http';
import { getLoupe } from '../../../../server/loupe';

export const dynamic = 'force-dynamic';

/** Every catalog with its item count. */
export const GET = handle(async () => {
  const loupe = await getLoupe();
  return Response.json({ catalogs: (await loupe.catalogs.list()).map(catalogJson) });
});

const createBody = z.object({
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'slug: lowercase letters, digits and dashes, starting with a letter or digit, at most 63'),
  name: z.string().trim().min(1).max(200).optional(),
});

/** Creates a catalog (admin): `{ "slug", "name" }`. */
export const POST = handle(async (request: Request) => {
  await requireAdmin(request);
  const body = createBody.parse(await readJson(request));
  const loupe = await getLoupe();
  const catalog = await loupe.catalogs.create(body.slug, body.name);
  return Response.json(catalogJson(catalog), { status: 201 });
});
