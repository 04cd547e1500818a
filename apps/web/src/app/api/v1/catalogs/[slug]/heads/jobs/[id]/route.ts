import { requireAdmin } from '../../../../../../../../server/auth';
import { handle, notFound } from '../../../../../../../../server/errors';
import { trainingJobOf, trainingJson } from '../../../../../../../../server/heads';
import { getLoupe } from '../../../../../../../../server/loupe';

export const dynamic = 'force-dynamic';
type Context = { params: Promise<{ slug: string; id: string }> };

async function jobOf(params: Context['params']) {
  const { slug, id } = await params;
  const job = await trainingJobOf(slug, id);
  if (!job) throw notFound(`no training ${id} for catalog "${slug}"`);
  return job;
}

/** A training's progress: phase, epoch, losses, validation accuracy; the head when done; the error when failed (admin). */
export const GET = handle(async (request: Request, { params }: Context) => {
  await requireAdmin(request);
  return Response.json(await trainingJson(await jobOf(params)));
});

/** Cancels a training: a queued one at once, a running one at its worker's next heartbeat; nothing is stored (admin). */
export const DELETE = handle(async (request: Request, { params }: Context) => {
  await requireAdmin(request);
  const job = await jobOf(params);
  return Response.json(await trainingJson(await (await getLoupe()).jobs.cancel(job.id)));
});
