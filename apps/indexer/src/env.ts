// The CLI's configuration from the environment, read and validated once. Flags override these.
import { z } from 'zod';

const schema = z.object({
  LOUPE_DATA_DIR: z.string().min(1).default('./data'),
  /** Originals and thumbnails, shared by every process of a deployment (default: the data directory). */
  LOUPE_MEDIA_DIR: z.string().min(1).optional(),
  DATABASE_URL: z.string().min(1).optional(),
  LOUPE_DEVICE: z.enum(['auto', 'cpu', 'cuda', 'webgpu']).default('auto'),
  LOUPE_THREADS: z.coerce.number().int().positive().optional(),
  /** Inference worker threads on the CPU (`--workers` overrides): cores ÷ threads by default, 0 for none. */
  LOUPE_INFERENCE_WORKERS: z.coerce.number().int().min(0).optional(),
  /** How images become vectors (GeM by default; 'avg' keeps data indexed before GeM was the default). */
  LOUPE_POOLING: z.enum(['gem', 'avg']).default('gem'),
  /** Which build of the network runs (`--precision` overrides): fp32, or int8 (faster on CPUs, its own vector model id). */
  LOUPE_PRECISION: z.enum(['fp32', 'int8']).default('fp32'),
  /** Ingest detects each item's objects and indexes them for search by object ('off': items get none). */
  LOUPE_OBJECTS: z.enum(['on', 'off']).default('on'),
  LOUPE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),
});

export type CliEnv = z.infer<typeof schema>;

export function readEnv(source: Record<string, string | undefined> = process.env): CliEnv {
  // An empty variable (`DATABASE_URL=`) means "not set", as in most tools.
  const present = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid environment: ${problems}`);
  }
  return parsed.data;
}
