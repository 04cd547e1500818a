import type { Prisma } from '../../generated/sqlite/client.ts';
import type { StoreContext } from '../context.ts';
import { isForeignKeyViolation, isUniqueViolation } from '../context.ts';
import { InvalidInputError, JobStateError, LeaseLostError, NotFoundError } from '../errors.ts';
import type { FileStatus, Job, JobKind, JobRepository } from '../types.ts';
import * as v from '../validate.ts';
import { toJob, toJobFile } from './shared.ts';

export const JOB_KINDS: readonly JobKind[] = ['ingest', 'reindex', 'train-head'];
const UNFINISHED = ['queued', 'running'];
const DEFAULT_MAX_ATTEMPTS = 5;

function kindOf(value: unknown): JobKind {
  if (!JOB_KINDS.includes(value as JobKind)) throw new InvalidInputError(`kind must be one of ${JOB_KINDS.join(', ')}`);
  return value as JobKind;
}
const FILE_STATUSES: readonly FileStatus[] = ['ok', 'duplicate', 'failed'];
const COUNTER: Record<FileStatus, 'filesAdded' | 'filesDuplicate' | 'filesFailed'> = {
  ok: 'filesAdded',
  duplicate: 'filesDuplicate',
  failed: 'filesFailed',
};

/** Thrown inside recordFile's transaction to roll it back when the outcome already exists. */
class AlreadyRecorded extends Error {}
/** Thrown inside recordFile's transaction when the job (or the item) does not exist. */
class MissingReference extends Error {}

export function jobRepository(ctx: StoreContext): JobRepository {
  const { db } = ctx;

  async function mustGet(id: number): Promise<Job> {
    const row = await db.ingestJob.findUnique({ where: { id } });
    if (!row) throw new NotFoundError('job', id);
    return toJob(row);
  }

  /** Explains why a conditional update on an unfinished job matched nothing. */
  async function stateError(id: number, action: string): Promise<never> {
    const job = await mustGet(id);
    throw new JobStateError(id, job.status, `cannot ${action} job ${id}: it is already ${job.status}`);
  }

  return {
    async create(input) {
      const kind = kindOf(input.kind ?? 'ingest');
      const catalogId = input.catalogId === null ? null : v.id('catalogId', input.catalogId);
      if (catalogId === null && kind !== 'reindex') throw new InvalidInputError(`a ${kind} job needs a catalog`);
      const source = v.text('source', input.source, { max: 4096 });
      const params = v.jsonObject('params', input.params ?? {}) as Prisma.InputJsonObject;
      return ctx.run(async () => {
        try {
          return toJob(await db.ingestJob.create({ data: { kind, catalogId, source, params } }));
        } catch (error) {
          if (isForeignKeyViolation(error)) throw new NotFoundError('catalog', catalogId ?? 0);
          throw error;
        }
      });
    },

    async get(id) {
      return ctx.run(async () => {
        const row = await db.ingestJob.findUnique({ where: { id } });
        return row ? toJob(row) : null;
      });
    },

    async list(options = {}) {
      const take = v.limit(options.limit, 100, 10_000);
      return ctx.run(async () => {
        const rows = await db.ingestJob.findMany({
          where: {
            ...(options.catalogId === undefined ? {} : { catalogId: options.catalogId }),
            ...(options.kind === undefined ? {} : { kind: kindOf(options.kind) }),
          },
          orderBy: { id: 'desc' },
          take,
        });
        return rows.map(toJob);
      });
    },

    async start(id) {
      return ctx.run(async () => {
        const now = new Date();
        const { count } = await ctx.write(
          async (tx) => {
            const result = await tx.ingestJob.updateMany({
              where: { id, status: { in: UNFINISHED } },
              data: { status: 'running', heartbeatAt: now },
            });
            await tx.ingestJob.updateMany({ where: { id, startedAt: null }, data: { startedAt: now } });
            return result;
          },
          { sequenced: false },
        );
        if (count === 0) return stateError(id, 'start');
        return mustGet(id);
      });
    },

    async claim(options) {
      const staleAfterMs = v.int('staleAfterMs', options.staleAfterMs, 0);
      const workerId = options.workerId === undefined ? null : v.text('workerId', options.workerId, { max: 200 });
      const kinds = options.kinds?.map(kindOf);
      const maxAttempts = v.int('maxAttempts', options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS, 1);
      return ctx.run(async () => {
        for (let attempt = 0; attempt < 10; attempt++) {
          const now = new Date();
          const staleBefore = new Date(now.getTime() - staleAfterMs);
          const candidate = await db.ingestJob.findFirst({
            where: {
              ...(kinds ? { kind: { in: kinds } } : {}),
              OR: [
                { status: 'queued' },
                { status: 'running', heartbeatAt: { lt: staleBefore } },
                { status: 'running', heartbeatAt: null },
              ],
            },
            orderBy: { id: 'asc' },
          });
          if (!candidate) return null;
          // Compare-and-set on the state we read: of two racing workers, exactly one matches.
          const same = { id: candidate.id, status: candidate.status, heartbeatAt: candidate.heartbeatAt, attempts: candidate.attempts };
          if (candidate.status === 'running' && candidate.attempts >= maxAttempts) {
            // Its workers died maxAttempts times while running it: stop offering it (a poison job).
            await db.ingestJob.updateMany({
              where: same,
              data: {
                status: 'failed',
                workerId: null,
                finishedAt: now,
                error: `its worker stopped without finishing it ${candidate.attempts} times (crash, kill or out of memory); not retried again`,
              },
            });
            continue;
          }
          const { count } = await db.ingestJob.updateMany({
            where: same,
            data: { status: 'running', heartbeatAt: now, startedAt: candidate.startedAt ?? now, workerId, attempts: { increment: 1 } },
          });
          if (count === 1) return mustGet(candidate.id);
        }
        return null;
      });
    },

    async progress(id, update = {}) {
      const data: Prisma.IngestJobUpdateManyMutationInput = { heartbeatAt: new Date() };
      if (update.filesSeen !== undefined) data.filesSeen = v.int('filesSeen', update.filesSeen);
      if (update.report !== undefined) data.progress = v.jsonObject('report', update.report) as Prisma.InputJsonObject;
      const workerId = update.workerId;
      return ctx.run(async () => {
        const { count } = await db.ingestJob.updateMany({ where: { id, ...(workerId === undefined ? {} : { workerId, status: 'running' }) }, data });
        if (count === 0) {
          if (workerId !== undefined && (await db.ingestJob.count({ where: { id } })) > 0) throw new LeaseLostError(id, workerId);
          throw new NotFoundError('job', id);
        }
        return mustGet(id);
      });
    },

    async release(id, workerId) {
      return ctx.run(async () => {
        const { count } = await db.ingestJob.updateMany({
          where: { id, workerId, status: 'running' },
          data: { status: 'queued', workerId: null, heartbeatAt: null },
        });
        if (count === 0) throw new LeaseLostError(id, workerId);
        return mustGet(id);
      });
    },

    async requestCancel(id) {
      return ctx.run(async () => {
        const now = new Date();
        const queued = await db.ingestJob.updateMany({
          where: { id, status: 'queued' },
          data: { status: 'cancelled', cancelRequested: true, finishedAt: now, error: 'cancelled before it started' },
        });
        if (queued.count === 0) {
          const running = await db.ingestJob.updateMany({ where: { id, status: 'running' }, data: { cancelRequested: true } });
          if (running.count === 0) return stateError(id, 'cancel');
        }
        return mustGet(id);
      });
    },

    async recordFile(input) {
      const jobId = v.id('jobId', input.jobId);
      const path = v.text('path', input.path);
      if (!FILE_STATUSES.includes(input.status)) {
        throw new InvalidInputError(`status must be one of ${FILE_STATUSES.join(', ')}`);
      }
      const status = input.status;
      const reason = v.optionalText('reason', input.reason, 10_000);
      const itemId = input.itemId === undefined || input.itemId === null ? null : v.id('itemId', input.itemId);
      return ctx.run(async () => {
        try {
          return await ctx.write(
            async (tx) => {
              let row;
              try {
                row = await tx.jobFile.create({ data: { jobId, path, status, reason, itemId } });
              } catch (error) {
                if (isUniqueViolation(error)) throw new AlreadyRecorded();
                if (isForeignKeyViolation(error)) throw new MissingReference();
                throw error;
              }
              await tx.ingestJob.update({
                where: { id: jobId },
                data: { [COUNTER[status]]: { increment: 1 }, heartbeatAt: new Date() },
              });
              return { recorded: true, file: toJobFile(row) };
            },
            { sequenced: false },
          );
        } catch (error) {
          if (error instanceof MissingReference) {
            const jobExists = (await db.ingestJob.count({ where: { id: jobId } })) > 0;
            throw jobExists ? new NotFoundError('item', itemId ?? 0) : new NotFoundError('job', jobId);
          }
          if (!(error instanceof AlreadyRecorded)) throw error;
          const existing = await db.jobFile.findUnique({ where: { jobId_path: { jobId, path } } });
          if (!existing) throw new Error(`job ${jobId} file ${path} conflicted but cannot be read back`);
          return { recorded: false, file: toJobFile(existing) };
        }
      });
    },

    async getFile(jobId, path) {
      return ctx.run(async () => {
        const row = await db.jobFile.findUnique({ where: { jobId_path: { jobId, path } } });
        return row ? toJobFile(row) : null;
      });
    },

    async recordedPaths(jobId) {
      return ctx.run(async () => {
        const rows = await db.jobFile.findMany({ where: { jobId }, select: { path: true } });
        return new Set(rows.map((r) => r.path));
      });
    },

    async files(jobId, options = {}) {
      const take = v.limit(options.limit, 100, 10_000);
      const after = v.cursor(options.cursor);
      if (options.status !== undefined && !FILE_STATUSES.includes(options.status)) {
        throw new InvalidInputError(`status must be one of ${FILE_STATUSES.join(', ')}`);
      }
      return ctx.run(async () => {
        const rows = await db.jobFile.findMany({
          where: { jobId, id: { gt: after }, ...(options.status === undefined ? {} : { status: options.status }) },
          orderBy: { id: 'asc' },
          take: take + 1,
        });
        const files = rows.slice(0, take).map(toJobFile);
        return { files, nextCursor: rows.length > take ? (files.at(-1)?.id ?? null) : null };
      });
    },

    async finish(id, outcome) {
      if (!['done', 'failed', 'cancelled'].includes(outcome.status)) {
        throw new InvalidInputError('status must be done, failed or cancelled');
      }
      const error = v.optionalText('error', outcome.error, 10_000);
      const result = outcome.result === undefined || outcome.result === null ? undefined : (v.jsonObject('result', outcome.result) as Prisma.InputJsonObject);
      const { workerId } = outcome;
      return ctx.run(async () => {
        const now = new Date();
        const { count } = await db.ingestJob.updateMany({
          where: { id, status: { in: UNFINISHED }, ...(workerId === undefined ? {} : { workerId }) },
          data: { status: outcome.status, error, finishedAt: now, heartbeatAt: now, workerId: null, ...(result ? { result } : {}) },
        });
        if (count === 0) {
          if (workerId !== undefined && (await db.ingestJob.count({ where: { id } })) > 0) throw new LeaseLostError(id, workerId);
          return stateError(id, 'finish');
        }
        return mustGet(id);
      });
    },

    async findUnfinished(options = {}) {
      return ctx.run(async () => {
        const rows = await db.ingestJob.findMany({
          where: {
            status: { in: UNFINISHED },
            ...(options.catalogId === undefined ? {} : { catalogId: options.catalogId }),
            ...(options.source === undefined ? {} : { source: options.source }),
            ...(options.kind === undefined ? {} : { kind: kindOf(options.kind) }),
          },
          orderBy: { id: 'asc' },
        });
        return rows.map(toJob);
      });
    },
  };
}
