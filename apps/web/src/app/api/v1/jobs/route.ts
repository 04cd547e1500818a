import { z } from 'zod';
import { jobJson } from '../../../../server/api';
import { requireAdmin } from '../../../../server/auth';
import { handle, notFound } from '../../../../server/errors';
import { getLoupe } from '../../../../server/loupe';

export const dynamic = 'force-dynamic';

/** Recent ingest jobs (admin), newest first; `?catalog=slug` to filter. */
export const GET = handle(async (request: Request) => {
  await requireAdmin(request);
  const q = z.object({ catalog: z.string().optional(), limit: z.coerce.number().int().min(1).max(200).default(20) }).parse(Object.fromEntries(new URL(request.url).searchParams));
  const loupe = await getLoupe();
  const catalogs = new Map((await loupe.catalogs.list()).map((c) => [c.id, c.slug]));
  let catalogId: number | undefined;
  if (q.catalog) {
    catalogId = [...catalogs].find(([, slug]) => slug === q.catalog)?.[0];
    if (catalogId === undefined) throw notFound(`no catalog "${q.catalog}"`);
  }
  const jobs = await loupe.store.jobs.list({ catalogId, limit: q.limit });
  return Response.json({ jobs: jobs.map((j) => jobJson(j, catalogs.get(j.catalogId) ?? '')) });
});
