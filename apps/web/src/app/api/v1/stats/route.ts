import { requireAdmin } from '../../../../server/auth';
import { handle } from '../../../../server/errors';
import { getLoupe } from '../../../../server/loupe';

export const dynamic = 'force-dynamic';

/** Dashboard numbers (admin): counts, index size, model id, execution provider and why others were skipped. */
export const GET = handle(async (request: Request) => {
  await requireAdmin(request);
  const loupe = await getLoupe();
  const [stats, info] = await Promise.all([loupe.stats(), loupe.images.modelInfo()]);
  return Response.json({ ...stats, provider: info.provider, inferenceWorkers: info.workers, skippedProviders: info.skipped, memoryMB: Math.round(process.memoryUsage().rss / 1e6) });
});
