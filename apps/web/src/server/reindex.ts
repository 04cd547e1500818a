// Reindexing in the server process: one at a time, its progress kept for the admin dashboard. Started by an admin
// (POST /api/v1/reindex) or at boot when items lack a vector of the configured model (e.g. after LOUPE_POOLING or
// the default pooling changed), so an upgraded server becomes fully searchable again without a manual step.
import { getLoupe } from './loupe';
import { logger } from './log';

export interface ReindexState {
  startedAt: string;
  done: number;
  total: number;
  finishedAt?: string;
  error?: string;
  reindexed?: number;
  failed?: number;
}

const g = globalThis as unknown as { loupeReindex?: ReindexState };

export function reindexState(): ReindexState | null {
  return g.loupeReindex ?? null;
}

/** Starts a reindex unless one is running (then returns that one's state). */
export async function startReindex(options: { catalog?: string; all?: boolean } = {}): Promise<ReindexState> {
  if (g.loupeReindex && !g.loupeReindex.finishedAt) return g.loupeReindex;
  const state: ReindexState = { startedAt: new Date().toISOString(), done: 0, total: 0 };
  g.loupeReindex = state;
  const loupe = await getLoupe();
  void loupe
    .reindex({ ...options, onProgress: (done, total) => Object.assign(state, { done, total }) })
    .then((r) => {
      Object.assign(state, { reindexed: r.reindexed, failed: r.failed.length });
      logger().info({ reindexed: r.reindexed, failed: r.failed.length }, 'reindex finished');
    })
    .catch((error) => {
      state.error = (error as Error).message;
      logger().error({ err: error }, 'reindex failed');
    })
    .finally(() => (state.finishedAt = new Date().toISOString()));
  return state;
}

/** At boot: reindexes in the background when some items have no vector of the model this server searches. */
export async function reindexIfNeeded(): Promise<void> {
  const loupe = await getLoupe();
  const stats = await loupe.stats();
  const missing = stats.items - stats.indexed;
  if (missing <= 0) return;
  logger().warn({ missing, model: stats.model }, 'items without a vector of this model (the pooling changed?): reindexing them in the background');
  await startReindex();
}
