// Reindexing is a persisted job (kind "reindex"), run by whichever worker claims it. Started by an admin
// (POST /api/v1/reindex) or at boot when items lack a vector of the configured model (e.g. after LOUPE_POOLING or the
// default pooling changed), so an upgraded server becomes fully searchable again without a manual step.
import type { JobView } from '@loupe/core';
import { getLoupe } from './loupe';
import { logger } from './log';
import { wakeWorker } from './worker';

/** The admin's view of a reindex job (the shape the dashboard polls). */
export function reindexJson(job: JobView) {
  const p = job.progress;
  const r = job.result;
  return {
    job: job.id,
    status: job.status,
    startedAt: (job.startedAt ?? job.createdAt).toISOString(),
    done: typeof p.done === 'number' ? p.done : 0,
    total: typeof p.total === 'number' ? p.total : 0,
    ...(job.finishedAt ? { finishedAt: job.finishedAt.toISOString() } : {}),
    ...(job.error ? { error: job.error } : {}),
    ...(r ? { reindexed: r.reindexed, failed: r.failed } : {}),
  };
}

/** The latest reindex job, or null. */
export async function reindexState(): Promise<ReturnType<typeof reindexJson> | null> {
  const [job] = await (await getLoupe()).jobs.list({ kind: 'reindex', limit: 1 });
  return job ? reindexJson(job) : null;
}

/** Queues a reindex unless one is queued or running (then returns that one). */
export async function startReindex(options: { catalog?: string; all?: boolean } = {}): Promise<ReturnType<typeof reindexJson>> {
  const job = await (await getLoupe()).jobs.enqueueReindex(options);
  wakeWorker();
  return reindexJson(job);
}

/** At boot: queues a reindex when some items have no vector of the model this server searches. */
export async function reindexIfNeeded(): Promise<void> {
  const loupe = await getLoupe();
  const stats = await loupe.stats();
  const missing = stats.items - stats.indexed;
  if (missing <= 0) return;
  logger().warn({ missing, model: stats.model }, 'items without a vector of this model (the pooling changed?): reindexing them in the background');
  await startReindex();
}
