// The ingest worker inside the server process: it takes queued jobs (and jobs whose worker died: their heartbeat
// went stale) one at a time, so uploads of thousands of images never hold a request open, and a restarted server
// resumes what was running.
import { getLoupe } from './loupe';
import { logger } from './log';

const g = globalThis as unknown as { loupeWorker?: { stop: () => Promise<void>; wake: () => void } };
const IDLE_POLL_MS = 2000;

export function startWorker(): void {
  if (g.loupeWorker) return;
  const controller = new AbortController();
  let wake: (() => void) | undefined;
  const loop = (async () => {
    const loupe = await getLoupe();
    while (!controller.signal.aborted) {
      try {
        const summary = await loupe.runNextJob({ staleAfterMs: 30_000, signal: controller.signal });
        if (summary) {
          logger().info({ job: summary.job, added: summary.added, duplicates: summary.duplicates, failed: summary.failed.length, ms: summary.tookMs }, 'ingest job finished');
          continue;
        }
      } catch (error) {
        logger().error({ err: error }, 'ingest job stopped with an error; it stays resumable');
      }
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, IDLE_POLL_MS);
      });
    }
  })();
  g.loupeWorker = {
    wake: () => wake?.(),
    stop: async () => {
      controller.abort();
      wake?.();
      await loop;
    },
  };
}

/** Nudges the worker after a job was queued, so it starts at once. */
export function wakeWorker(): void {
  g.loupeWorker?.wake();
}
