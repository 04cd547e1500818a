import { requireAdmin } from '../../../../../../../../server/auth';
import { handle, notFound } from '../../../../../../../../server/errors';
import { getTrainingJob, trainingJson } from '../../../../../../../../server/heads';

export const dynamic = 'force-dynamic';
type Context = { params: Promise<{ slug: string; id: string }> };

async function jobOf(params: Context['params']) {
  const { slug, id } = await params;
  const job = getTrainingJob(id);
  if (!job || job.catalog !== slug) throw notFound(`no training ${id} for catalog "${slug}"`);
  return job;
}

/** A training's progress: phase, epoch, losses, validation accuracy; the head when done; the error when failed (admin). */
export const GET = handle(async (request: Request, { params }: Context) => {
  await requireAdmin(request);
  return Response.json(trainingJson(await jobOf(params)));
});

/** Cancels a running training; nothing is stored (admin). */
export const DELETE = handle(async (request: Request, { params }: Context) => {
  await requireAdmin(request);
  const job = await jobOf(params);
  job.controller.abort();
  return Response.json(trainingJson(job));
});
