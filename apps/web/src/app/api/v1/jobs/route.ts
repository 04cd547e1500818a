import { JobListQuery } from '@loupe/api';
import { jobJson } from '../../../../server/api';
import { requireAdmin } from '../../../../server/auth';
import { handle } from '../../../../server/errors';
import { getLoupe } from '../../../../server/loupe';

export const dynamic = 'force-dynamic';

/** Recent ingest jobs (admin), newest first; `?catalog=slug` to filter. */
export const GET = handle(async (request: Request) => {
  await requireAdmin(request);
  const q = JobListQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  return Response.json({ jobs: (await (await getLoupe()).jobs.list(q)).map(jobJson) });
});
