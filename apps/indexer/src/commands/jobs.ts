// loupe jobs list | show | cancel, and loupe worker — the persisted jobs (ingest, reindex, head training) that any
// worker runs: this command's, the web server's, or another machine's on the same database.
import { startJobWorker, type JobRunOutcome, type JobView } from '@loupe/core';
import { InvalidArgumentError, type Command } from 'commander';
import { EXIT, type CliContext } from '../context.ts';
import { parsePositiveInt } from '../options.ts';
import { modelOptions, storeOptions, withLoupe, type StoreFlags } from './catalog.ts';

const KINDS = ['ingest', 'reindex', 'train-head'] as const;

function parseKind(value: string): (typeof KINDS)[number] {
  if (!(KINDS as readonly string[]).includes(value)) throw new InvalidArgumentError(`a job kind is one of ${KINDS.join(', ')}`);
  return value as (typeof KINDS)[number];
}

function parseJobId(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`not a job id: ${value}`);
  return n;
}

export function jobLine(j: JobView) {
  return {
    id: j.id,
    kind: j.kind,
    catalog: j.catalog,
    source: j.source,
    status: j.status,
    files: { seen: j.filesSeen, added: j.filesAdded, duplicates: j.filesDuplicate, failed: j.filesFailed },
    progress: j.progress,
    result: j.result,
    error: j.error,
    worker: j.workerId,
    attempts: j.attempts,
    createdAt: j.createdAt.toISOString(),
    startedAt: j.startedAt?.toISOString() ?? null,
    finishedAt: j.finishedAt?.toISOString() ?? null,
    heartbeatAt: j.heartbeatAt?.toISOString() ?? null,
  };
}

/** One line a person reads: what, where, how far. */
function describe(j: JobView): string {
  const p = j.progress;
  const how =
    j.kind === 'ingest'
      ? `${j.filesAdded + j.filesDuplicate + j.filesFailed}/${j.filesSeen} files (${j.filesAdded} added, ${j.filesDuplicate} duplicates, ${j.filesFailed} failed)`
      : j.kind === 'reindex'
        ? `${Number(p.done ?? 0)}/${Number(p.total ?? 0)} items`
        : `${String(p.phase ?? 'queued')}${p.phase === 'training' ? ` epoch ${String(p.epoch)}/${String(p.maxEpochs)}` : ''}`;
  return `#${String(j.id).padEnd(5)} ${j.kind.padEnd(10)} ${j.status.padEnd(9)} ${(j.catalog ?? '(all)').padEnd(16)} ${how}${j.error ? `  — ${j.error}` : ''}`;
}

export function registerJobCommands(program: Command, ctx: () => CliContext): void {
  const jobs = program.command('jobs').description('persisted jobs of every kind: ingest, reindex, head training');
  storeOptions(jobs.command('list'))
    .description('recent jobs, newest first')
    .option('--catalog <slug>', 'only this catalog')
    .option('--kind <kind>', `only this kind (${KINDS.join(', ')})`, parseKind)
    .option('--limit <n>', 'how many', parsePositiveInt, 20)
    .action(async (flags: StoreFlags & { catalog?: string; kind?: (typeof KINDS)[number]; limit: number }) => {
      const c = ctx();
      await withLoupe(c, flags, async (loupe) => {
        const list = await loupe.jobs.list({ catalog: flags.catalog, kind: flags.kind, limit: flags.limit });
        if (flags.json) for (const j of list) c.out(JSON.stringify(jobLine(j)));
        else if (list.length === 0) c.out('no jobs');
        else for (const j of list) c.out(describe(j));
      });
    });
  storeOptions(jobs.command('show').argument('<id>', 'job id', parseJobId))
    .description("one job: its progress, result or failure reason, and an ingest's failed files")
    .action(async (id: number, flags: StoreFlags) => {
      const c = ctx();
      await withLoupe(c, flags, async (loupe) => {
        const job = await loupe.jobs.get(id);
        if (!job) {
          c.err(`no job ${id}`);
          c.setExitCode(EXIT.usage);
          return;
        }
        const failures = await loupe.jobs.failures(id);
        if (flags.json) c.out(JSON.stringify({ ...jobLine(job), failures }));
        else {
          c.out(describe(job));
          c.out(`  source    ${job.source}`);
          c.out(`  worker    ${job.workerId ?? '—'} (attempt ${job.attempts})`);
          if (job.result) c.out(`  result    ${JSON.stringify(job.result)}`);
          for (const f of failures) c.out(`  failed: ${f.file}: ${f.reason}`);
        }
      });
    });
  storeOptions(jobs.command('cancel').argument('<id>', 'job id', parseJobId))
    .description("cancel a job: a queued one at once, a running one at its worker's next heartbeat")
    .action(async (id: number, flags: StoreFlags) => {
      const c = ctx();
      await withLoupe(c, flags, async (loupe) => {
        const job = await loupe.jobs.cancel(id);
        c.out(flags.json ? JSON.stringify(jobLine(job)) : job.status === 'cancelled' ? `cancelled job ${id}` : `asked job ${id}'s worker to stop`);
      });
    });

  modelOptions(program.command('worker'))
    .description('run queued jobs (ingest, reindex, head training) until stopped; SIGTERM gives the current job back and exits 0')
    .option('--stale-after <s>', "take over a running job whose worker has not beaten its heartbeat for this long", parsePositiveInt, 30)
    .option('--kind <kind...>', `only these kinds (${KINDS.join(', ')})`)
    .option('--until-idle', 'exit once no job is left instead of waiting for more')
    .option('--poll <ms>', 'how often to look for new jobs when idle', parsePositiveInt, 2000)
    .action(async (flags: StoreFlags & { staleAfter: number; kind?: string[]; untilIdle?: boolean; poll: number }) => {
      const c = ctx();
      const kinds = flags.kind?.map(parseKind);
      await withLoupe(c, flags, async (loupe) => {
        const runner = loupe.jobs.runner({ staleAfterMs: flags.staleAfter * 1000 });
        const report = (o: JobRunOutcome) => {
          if (flags.json) c.out(JSON.stringify({ worker: runner.workerId, job: o.job.id, kind: o.job.kind, outcome: o.outcome, error: o.error ?? null, result: o.job.result, tookMs: o.tookMs }));
          else c.out(`job ${o.job.id} (${o.job.kind}, ${o.job.source}): ${o.outcome}${o.error ? ` — ${o.error}` : ''} in ${(o.tookMs / 1000).toFixed(1)} s`);
        };
        c.err(`worker ${runner.workerId}: waiting for jobs${kinds ? ` (${kinds.join(', ')})` : ''}`);
        if (flags.untilIdle) {
          const controller = new AbortController();
          const stop = () => controller.abort();
          process.once('SIGTERM', stop);
          process.once('SIGINT', stop);
          try {
            for (;;) {
              const outcome = await runner.runNext({ signal: controller.signal, kinds });
              if (!outcome) break;
              report(outcome);
            }
          } finally {
            process.off('SIGTERM', stop);
            process.off('SIGINT', stop);
          }
          return;
        }
        const worker = startJobWorker(runner, { idlePollMs: flags.poll, kinds, onOutcome: report, onError: (error) => c.err(`worker: ${(error as Error).message}; retrying`) });
        const stop = () => {
          c.err('stopping: giving the current job back to the queue');
          void worker.stop();
        };
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
        try {
          await worker.done;
        } finally {
          process.off('SIGTERM', stop);
          process.off('SIGINT', stop);
        }
      });
    });
}
