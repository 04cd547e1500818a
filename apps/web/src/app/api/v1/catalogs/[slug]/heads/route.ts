import { TrainHead } from '@loupe/api';
import { requireAdmin } from '../../../../../../server/auth';
import { handle } from '../../../../../../server/errors';
import { headJson, runningTrainingFor, startTraining, trainingJson } from '../../../../../../server/heads';
import { readJson } from '../../../../../../server/http';
import { getLoupe } from '../../../../../../server/loupe';

export const dynamic = 'force-dynamic';
type Context = { params: Promise<{ slug: string }> };

/**
 * The catalog's classifier heads, newest first; `active` is the active head's version (null when none). `usable` is
 * false for a head trained on another model's vectors (before the pooling changed): it serves nothing until retrained.
 */
export const GET = handle(async (_request: Request, { params }: Context) => {
  const { slug } = await params;
  const loupe = await getLoupe();
  const heads = await loupe.heads.list(slug);
  const running = await runningTrainingFor(slug);
  return Response.json({ heads: heads.map((h) => ({ ...headJson(h, slug), usable: h.modelId === loupe.modelId })), active: heads.find((h) => h.active)?.version ?? null, training: running ? await trainingJson(running) : null });
});

/**
 * Queues training a head on the catalog's stored vectors with labels from the metadata field `field` (admin). Answers
 * 202 with the training job to poll; refusals (unknown field, one class, too few examples) come back at once as 422,
 * a second training of the same catalog as 409 JOB_CONFLICT.
 */
export const POST = handle(async (request: Request, { params }: Context) => {
  await requireAdmin(request);
  const { slug } = await params;
  const body = TrainHead.parse(await readJson(request));
  const { knnK, ...options } = body;
  const job = await startTraining({ catalog: slug, ...options, ...(knnK ? { knn: { k: knnK } } : {}) });
  return Response.json(await trainingJson(job), { status: 202 });
});
