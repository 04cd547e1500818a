// Jobs of every kind (ingest, reindex, head training): an upload's progress, rate, ETA and per-file failures; any job's
// progress report, result, worker and attempts.
import { z } from 'zod';
import { named, timestamp } from './registry.ts';

export const JobStatus = z.enum(['queued', 'running', 'done', 'failed', 'cancelled']);
export const JobKind = z.enum(['ingest', 'reindex', 'train-head']);

export const Job = named(
  'Job',
  z.strictObject({
    id: z.int(),
    kind: JobKind,
    catalog: z.string().describe("'' for a reindex of every catalog"),
    status: JobStatus,
    total: z.int(),
    done: z.int(),
    added: z.int(),
    duplicates: z.int(),
    failed: z.int(),
    ratePerSecond: z.number(),
    etaSeconds: z.int().nullable(),
    error: z.string().nullable(),
    progress: z.record(z.string(), z.unknown()).describe('the latest progress report (per kind)'),
    result: z.record(z.string(), z.unknown()).nullable().describe('what a done job produced (per kind)'),
    worker: z.string().nullable().describe('the worker holding it; null while queued or finished'),
    attempts: z.int().describe('times a worker claimed it (more than 1: taken over after a crash, or given back on shutdown)'),
    createdAt: timestamp,
    startedAt: timestamp.nullable(),
    finishedAt: timestamp.nullable(),
  }),
);
export const JobDetail = named('JobDetail', Job.extend({ failures: z.array(z.strictObject({ file: z.string(), reason: z.string().nullable() })) }));
export const JobList = named('JobList', z.strictObject({ jobs: z.array(Job) }));
export const JobListQuery = named(
  'JobListQuery',
  z.object({ catalog: z.string().min(1).optional(), kind: JobKind.optional(), limit: z.coerce.number().int().min(1).max(200).default(20) }),
);

export type JobStatus = z.infer<typeof JobStatus>;
export type JobKind = z.infer<typeof JobKind>;
export type Job = z.infer<typeof Job>;
export type JobDetail = z.infer<typeof JobDetail>;
export type JobList = z.infer<typeof JobList>;
