// The job worker inside the server process (unless LOUPE_WORKERS=0, when `loupe worker` processes run the jobs): it
// claims queued jobs of every kind — ingest, reindex, head training — one at a time, and jobs whose worker died
// (their heartbeat went stale), so uploads never hold a request open and a restarted server resumes what was running.
import { startJobWorker, type JobWorker } from '@loupe/core';
import { env } from './env';
import { getLoupe } from './loupe';
import { logger } from './log';

const g = globalThis as unknown as { loupeWorker?: Promise<JobWorker | null> };

export function startWorker(): void {
  g.loupeWorker ??= (async () => {
    if (env().LOUPE_WORKERS === 0) {
      logger().info('LOUPE_WORKERS=0: this server runs no jobs (run `loupe worker` processes)');
      return null;
    }
    const loupe = await getLoupe();
    const runner = loupe.jobs.runner();
    logger().info({ worker: runner.workerId }, 'job worker started');
    return startJobWorker(runner, {
      onOutcome: (o) => logger().info({ job: o.job.id, kind: o.job.kind, outcome: o.outcome, error: o.error, ms: o.tookMs }, 'job ended'),
      onError: (error) => logger().error({ err: error }, 'the job worker could not claim a job; retrying'),
    });
  })();
}

/** Nudges the worker after a job was queued, so it starts at once. */
export function wakeWorker(): void {
  void g.loupeWorker?.then((w) => w?.wake());
}
