// Sign-in, API keys, health, dashboard numbers, reindex.
import { z } from 'zod';
import { named, timestamp } from './registry.ts';

export const Login = named('Login', z.object({ password: z.string().min(1).max(1000) }));
export const SignedIn = named('SignedIn', z.strictObject({ signedIn: z.boolean() }));
export const Session = named(
  'Session',
  z.strictObject({ admin: z.boolean(), via: z.enum(['session', 'key']).nullable(), signInEnabled: z.boolean() }),
);

export const ApiKeyScope = z.enum(['read', 'admin']);
export const ApiKeyInfo = named(
  'ApiKeyInfo',
  z.strictObject({ id: z.int(), name: z.string(), prefix: z.string(), scope: ApiKeyScope, createdAt: timestamp, lastUsedAt: timestamp.nullable(), revoked: z.boolean() }),
);
export const ApiKeyList = named('ApiKeyList', z.strictObject({ keys: z.array(ApiKeyInfo) }));
export const CreateApiKey = named('CreateApiKey', z.object({ name: z.string().trim().min(1).max(100), scope: ApiKeyScope }));
export const ApiKeyCreated = named('ApiKeyCreated', ApiKeyInfo.extend({ key: z.string().describe('the key itself, shown this once') }));
export const ApiKeyRevoked = named('ApiKeyRevoked', z.strictObject({ revoked: z.int() }));

const pooling = z.enum(['gem', 'avg']);
const precision = z.enum(['fp32', 'int8']).describe('which build of the network runs (LOUPE_PRECISION)');

export const Health = named(
  'Health',
  z.strictObject({
    status: z.enum(['ok', 'starting']),
    model: z.string().optional().describe("the vectors' model id (network + pooling + precision): send it with a vector you computed"),
    pooling: pooling.optional(),
    precision: precision.optional(),
    provider: z.string().optional(),
    inferenceWorkers: z.int().optional().describe('inference worker threads on the CPU (LOUPE_INFERENCE_WORKERS); 0 when the network runs in the server thread (a GPU)'),
    indexed: z.int().optional().describe("vectors in this replica's index"),
    sequence: z.int().optional().describe("the change-log sequence this replica's index covers (replicas converge on the database's latest)"),
  }),
);

export const Stats = named(
  'Stats',
  z.strictObject({
    catalogs: z.int(),
    items: z.int(),
    indexed: z.int().describe('items with a vector of `model`; the rest are reindexed in the background'),
    model: z.string(),
    pooling,
    precision,
    provider: z.string().nullable(),
    inferenceWorkers: z.int().nullable().describe('inference worker threads on the CPU; 0 on a GPU; null before the network is loaded'),
    database: z.enum(['sqlite', 'postgresql']),
    sequence: z.int(),
    skippedProviders: z.array(z.strictObject({ provider: z.string(), reason: z.string() })),
    memoryMB: z.int(),
  }),
);

export const StartReindex = named('StartReindex', z.object({ catalog: z.string().min(1).optional(), all: z.boolean().optional() }));
export const ReindexState = named(
  'ReindexState',
  z.strictObject({
    reindex: z
      .strictObject({
        job: z.int().describe('the reindex job (kind "reindex"; also in /jobs)'),
        status: z.enum(['queued', 'running', 'done', 'failed', 'cancelled']),
        startedAt: timestamp,
        done: z.int(),
        total: z.int(),
        finishedAt: timestamp.optional(),
        error: z.string().optional(),
        reindexed: z.int().optional(),
        failed: z.int().optional(),
      })
      .nullable(),
  }),
);

export type Session = z.infer<typeof Session>;
export type ApiKeyInfo = z.infer<typeof ApiKeyInfo>;
export type ApiKeyCreated = z.infer<typeof ApiKeyCreated>;
export type Health = z.infer<typeof Health>;
export type Stats = z.infer<typeof Stats>;
export type ReindexState = z.infer<typeof ReindexState>;
