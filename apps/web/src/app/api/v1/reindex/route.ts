import { z } from 'zod';
import { requireAdmin } from '../../../../server/auth';
import { handle } from '../../../../server/errors';
import { readJson } from '../../../../server/http';
import { logger } from '../../../../server/log';
import { getLoupe } from '../../../../server/loupe';

export const dynamic = 'force-dynamic';

const g = globalThis as unknown as { loupeReindex?: { startedAt: string; done: number; total: number; finishedAt?: string; error?: string } };

/** Starts computing the active model's embeddings for items that lack them (or all, with `all`) — admin; 202. */
export const POST = handle(async (request: Request) => {
  await requireAdmin(request);
  const body = z.object({ catalog: z.string().optional(), all: z.boolean().optional() }).parse((await readJson(request)) ?? {});
  if (g.loupeReindex && !g.loupeReindex.finishedAt) return Response.json({ reindex: g.loupeReindex }, { status: 202 });
  const state: NonNullable<typeof g.loupeReindex> = { startedAt: new Date().toISOString(), done: 0, total: 0 };
  g.loupeReindex = state;
  const loupe = await getLoupe();
  void loupe
    .reindex({ ...body, onProgress: (done, total) => Object.assign(state, { done, total }) })
    .then((r) => logger().info({ reindexed: r.reindexed, failed: r.failed.length }, 'reindex finished'))
    .catch((error) => {
      state.error = (error as Error).message;
      logger().error({ err: error }, 'reindex failed');
    })
    .finally(() => (state.finishedAt = new Date().toISOString()));
  return Response.json({ reindex: state }, { status: 202 });
});

/** The state of the last reindex (admin). */
export const GET = handle(async (request: Request) => {
  await requireAdmin(request);
  return Response.json({ reindex: g.loupeReindex ?? null });
});
