import { IdParam } from '@loupe/api';
import { jobJson } from '../../../../../server/api';
import { requireAdmin } from '../../../../../server/auth';
import { handle, notFound } from '../../../../../server/errors';
import { getLoupe } from '../../../../../server/loupe';

export const dynamic = 'force-dynamic';

/** A job of any kind: progress (count, rate, ETA, its report), result, and an ingest's failed files with reasons (admin). */
export const GET = handle(async (request: Request, { params }: { params: Promise<{ id: string }> }) => {
  await requireAdmin(request);
  const id = IdParam.parse((await params).id);
  const loupe = await getLoupe();
  const job = await loupe.jobs.get(id);
  if (!job) throw notFound(`no job ${id}`);
  return Response.json({ ...jobJson(job), failures: await loupe.jobs.failures(id) });
});
