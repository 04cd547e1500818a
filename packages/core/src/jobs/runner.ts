// The one job runner: every long-running piece of work (ingest, reindex, head training) is a row that any worker
// claims with a lease (its id + a heartbeat), reports progress into, and ends `done` (with a result), `failed` (with
// a reason), `cancelled`, or — when its worker shuts down — `queued` again for the next one. A worker that dies just
// stops beating; after `staleAfterMs` another worker takes the job over and runs it again from its recorded state
// (ingest skips the files it already recorded; training finds the head it already stored).
//
// The store interface it needs is small on purpose (claim, progress, release, finish): a queue library on PostgreSQL
// could sit behind the same calls.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { LeaseLostError, type Job, type JobKind, type JsonObject, type Store } from '@loupe/db';
import type { Logger } from '../types.ts';

/** What a handler gets besides its job: a signal (shutdown, cancel, lease lost) and a throttled progress report. */
export interface JobContext {
  workerId: string;
  signal: AbortSignal;
  /** The latest progress; written with the next heartbeat (so reporting often costs nothing). */
  report(progress: JsonObject): void;
}

/** Runs one kind of job to its end and returns its result (stored on the row), or throws its failure reason. */
export type JobHandler = (job: Job, context: JobContext) => Promise<JsonObject>;

export type JobHandlers = Record<JobKind, JobHandler>;

export interface JobRunOutcome {
  job: Job;
  /** done | failed | cancelled: finished here; released: given back on shutdown; lost: another worker holds it now. */
  outcome: 'done' | 'failed' | 'cancelled' | 'released' | 'lost';
  error?: string;
  tookMs: number;
}

export interface RunNextOptions {
  /** Stops the current job: it is given back to the queue (`released`) and runs again on the next claim. */
  signal?: AbortSignal;
  /** Only these kinds (default: all). */
  kinds?: readonly JobKind[];
}

export interface JobRunnerOptions {
  store: Store;
  handlers: JobHandlers;
  logger?: Logger;
  /** This worker's lease name (default: host, pid and a random suffix). */
  workerId?: string;
  /** A running job whose heartbeat is older than this is taken over (default 30 s). */
  staleAfterMs?: number;
  /** How often a running job's heartbeat (and its latest progress) is written (default 2 s; keep well under staleAfterMs). */
  heartbeatMs?: number;
  /** A job claimed this many times without finishing fails instead of running again (default 5). */
  maxAttempts?: number;
}

/** A short reason for a job's failure: typed errors keep their message, anything else is named as unexpected. */
function reasonOf(error: unknown): string {
  const e = error as Error & { code?: string };
  const first = String(e?.message ?? e).split('\n')[0]!;
  if (!e?.code) return `unexpected error: ${first}`;
  return first.startsWith(e.code) ? first : `${e.code}: ${first}`;
}

export function defaultWorkerId(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

export function createJobRunner(options: JobRunnerOptions) {
  const { store, handlers, logger } = options;
  const workerId = options.workerId ?? defaultWorkerId();
  const staleAfterMs = options.staleAfterMs ?? 30_000;
  const heartbeatMs = options.heartbeatMs ?? Math.min(2000, Math.max(10, Math.floor(staleAfterMs / 3)));

  /** Claims the oldest runnable job and runs it to an outcome; undefined when there is nothing to do. */
  async function runNext(run: RunNextOptions = {}): Promise<JobRunOutcome | undefined> {
    if (run.signal?.aborted) return undefined;
    const job = await store.jobs.claim({ staleAfterMs, workerId, kinds: run.kinds, maxAttempts: options.maxAttempts });
    if (!job) return undefined;
    const started = performance.now();
    const controller = new AbortController();
    let why: 'shutdown' | 'cancel' | 'lost' | undefined;
    const stop = (reason: typeof why) => {
      why ??= reason;
      controller.abort(reason);
    };
    const onShutdown = () => stop('shutdown');
    run.signal?.addEventListener('abort', onShutdown, { once: true });
    if (job.cancelRequested) stop('cancel');

    let latest: JsonObject | undefined;
    let beating: Promise<void> = Promise.resolve();
    const beat = async () => {
      try {
        const now = await store.jobs.progress(job.id, { workerId, ...(latest ? { report: latest } : {}) });
        latest = undefined;
        if (now.cancelRequested) stop('cancel');
      } catch (error) {
        if (error instanceof LeaseLostError) stop('lost');
        else logger?.warn?.({ err: error, job: job.id }, 'job heartbeat failed; retrying at the next beat');
      }
    };
    const timer = setInterval(() => {
      beating = beating.then(beat);
    }, heartbeatMs);
    timer.unref?.();

    const context: JobContext = { workerId, signal: controller.signal, report: (p) => (latest = p) };
    logger?.info?.({ job: job.id, kind: job.kind, attempt: job.attempts, worker: workerId }, 'job claimed');
    let result: JsonObject | undefined;
    let failure: unknown;
    try {
      result = await handlers[job.kind](job, context);
    } catch (error) {
      failure = error;
    } finally {
      clearInterval(timer);
      run.signal?.removeEventListener('abort', onShutdown);
      await beating;
    }
    // Whatever the handler reported last is kept on the row, whatever the outcome.
    if (latest) await store.jobs.progress(job.id, { workerId, report: latest }).catch(() => undefined);

    const end = async (outcome: JobRunOutcome['outcome'], error?: string): Promise<JobRunOutcome> => {
      const row = (await store.jobs.get(job.id)) ?? job;
      const tookMs = Math.round(performance.now() - started);
      logger?.info?.({ job: job.id, kind: job.kind, outcome, error, ms: tookMs }, 'job ended');
      return { job: row, outcome, tookMs, ...(error ? { error } : {}) };
    };
    try {
      if (why === 'lost') return await end('lost');
      if (why === 'shutdown') {
        await store.jobs.release(job.id, workerId);
        return await end('released');
      }
      if (why === 'cancel') {
        await store.jobs.finish(job.id, { status: 'cancelled', error: 'cancelled on request', workerId });
        return await end('cancelled');
      }
      if (failure !== undefined) {
        const error = reasonOf(failure);
        if (!(failure as { code?: string })?.code) logger?.error?.({ err: failure, job: job.id }, 'job failed unexpectedly');
        await store.jobs.finish(job.id, { status: 'failed', error, workerId });
        return await end('failed', error);
      }
      await store.jobs.finish(job.id, { status: 'done', result: result ?? {}, workerId });
      return await end('done');
    } catch (error) {
      // Finishing raced with a takeover (our heartbeat went stale): the new holder owns the outcome.
      if (error instanceof LeaseLostError) return end('lost');
      throw error;
    }
  }

  return { workerId, staleAfterMs, runNext };
}

export type JobRunner = ReturnType<typeof createJobRunner>;

export interface JobWorker {
  /** Runs the next job now instead of at the next poll. */
  wake(): void;
  /** Stops: the running job (if any) is given back to the queue; resolves when the loop has ended. */
  stop(): Promise<void>;
  /** Resolves when the loop ends (after stop()). */
  readonly done: Promise<void>;
}

/**
 * A loop that runs jobs one after another and polls for new ones when idle — the worker of `loupe worker` and of the
 * web server. An error outside a job (the database down) is reported and retried at the next poll.
 */
export function startJobWorker(
  runner: JobRunner,
  options: { idlePollMs?: number; kinds?: readonly JobKind[]; onOutcome?: (outcome: JobRunOutcome) => void; onError?: (error: unknown) => void } = {},
): JobWorker {
  const controller = new AbortController();
  let wake: (() => void) | undefined;
  const done = (async () => {
    while (!controller.signal.aborted) {
      try {
        const outcome = await runner.runNext({ signal: controller.signal, kinds: options.kinds });
        if (outcome) {
          options.onOutcome?.(outcome);
          continue;
        }
      } catch (error) {
        options.onError?.(error);
      }
      if (controller.signal.aborted) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.idlePollMs ?? 2000);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  })();
  return {
    wake: () => wake?.(),
    stop: async () => {
      controller.abort();
      wake?.();
      await done;
    },
    done,
  };
}
