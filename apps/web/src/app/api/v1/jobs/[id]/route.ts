import { z } from 'zod';
import { jobJson } from '../../../../../server/api';
import { requireAdmin } from '../../../../../server/auth';
import { handle, notFound } from '../../../../../server/errors';
import { getLoupe } from '../../../../../server/loupe';

export const dynamic = 'force-dynamic';

/** A job's progress (count, rate, ETA) and its per-file failures with reasons (admin). */
export const GET = handle(async (request: Request, { params }: { params: Promise<{ id: string }> }) => {
  await requireAdmin(request);
  const id = z.coerce.number().int().positive().parse((await params).id);
  const loupe = await getLoupe();
  const job = await loupe.store.jobs.get(id);
  if (!job) throw notFound(`no job ${id}`);
  const catalog = await loupe.store.catalogs.getById(job.catalogId);
  const { files } = await loupe.store.jobs.files(id, { status: 'failed', limit: 200 });
  return Response.json({ ...jobJson(job, catalog?.slug ?? ''), failures: files.map((f) => ({ file: f.path, reason: f.reason })) });
});
