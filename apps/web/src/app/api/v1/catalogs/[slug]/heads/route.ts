import { z } from 'zod';
import { requireAdmin } from '../../../../../../server/auth';
import { ApiError, handle } from '../../../../../../server/errors';
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
  const running = runningTrainingFor(slug);
  return Response.json({ heads: heads.map((h) => ({ ...headJson(h, slug), usable: h.modelId === loupe.modelId })), active: heads.find((h) => h.active)?.version ?? null, training: running ? trainingJson(running) : null });
});

const trainBody = z.object({
  field: z.string().trim().min(1).max(200),
  seed: z.number().int().optional(),
  hidden: z.number().int().min(0).max(1024).optional(),
  maxEpochs: z.number().int().min(1).max(1000).optional(),
  validationSplit: z.number().min(0.05).max(0.5).optional(),
  minExamplesPerClass: z.number().int().min(2).max(10_000).optional(),
  knnK: z.number().int().min(1).max(100).optional(),
  activate: z.boolean().optional(),
});

/**
 * Trains a head on the catalog's stored vectors with labels from the metadata field `field` (admin). Answers 202 with
 * a training job to poll once training has begun; refusals (unknown field, one class, too few examples) come back
 * at once as 422.
 */
export const POST = handle(async (request: Request, { params }: Context) => {
  await requireAdmin(request);
  const { slug } = await params;
  const body = trainBody.parse(await readJson(request));
  if (runningTrainingFor(slug)) throw new ApiError(409, 'TRAINING_RUNNING', `a head of "${slug}" is being trained already`);
  const { knnK, ...options } = body;
  const job = await startTraining({ catalog: slug, ...options, knn: knnK ? { k: knnK } : undefined });
  return Response.json(trainingJson(job), { status: 202 });
});
