import { requireAdmin } from '../../../../server/auth';
import { handle } from '../../../../server/errors';
import { getLoupe } from '../../../../server/loupe';

export const dynamic = 'force-dynamic';

/** Dashboard numbers (admin): counts, index size, model id, execution provider and why others were skipped. */
export const GET = handle(async (request: Request) => {
  await requireAdmin(request);
  const loupe = await getLoupe();
  const stats = await loupe.stats();
  const info = (await loupe.embedder()).info();
  return Response.json({ ...stats, skippedProviders: info.skipped, memoryMB: Math.round(process.memoryUsage().rss / 1e6) });
});
