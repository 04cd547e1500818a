import { CreateCatalog } from '@loupe/api';
import { catalogJson } from '../../../../server/api';
import { requireAdmin } from '../../../../server/auth';
import { handle } from '../../../../server/errors';
import { readJson } from '../../../../server/http';
import { getLoupe } from '../../../../server/loupe';

export const dynamic = 'force-dynamic';

/** Every catalog with its item count. */
export const GET = handle(async () => Response.json({ catalogs: (await (await getLoupe()).catalogs.list()).map(catalogJson) }));

/** Creates a catalog (admin): `{ "slug", "name", "objects" }`. */
export const POST = handle(async (request: Request) => {
  await requireAdmin(request);
  const { slug, ...options } = CreateCatalog.parse(await readJson(request));
  return Response.json(catalogJson(await (await getLoupe()).catalogs.create(slug, options)), { status: 201 });
});
