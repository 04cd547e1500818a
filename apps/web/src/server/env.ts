// The web app's configuration, read from the environment once and validated; the app fails fast on bad values.
import { z } from 'zod';

const optionalNumber = (schema: z.ZodNumber) => z.preprocess((v) => (v === '' || v === undefined ? undefined : Number(v)), schema.optional());

const schema = z.object({
  LOUPE_DATA_DIR: z.string().min(1).default('./data'),
  /** Originals, thumbnails and uploads waiting for a worker: shared by every process of a deployment (default: the data directory). */
  LOUPE_MEDIA_DIR: z.string().min(1).optional(),
  DATABASE_URL: z.string().min(1).optional(),
  LOUPE_DEVICE: z.enum(['auto', 'cpu', 'cuda', 'webgpu']).default('auto'),
  LOUPE_THREADS: optionalNumber(z.number().int().positive()),
  /** Inference worker threads on the CPU, each with its own session: cores ÷ threads by default, 0 for none. */
  LOUPE_INFERENCE_WORKERS: optionalNumber(z.number().int().min(0)),
  LOUPE_MODEL_DIR: z.string().min(1).optional(),
  /** How images become vectors (GeM by default; 'avg' keeps data indexed before GeM was the default). */
  LOUPE_POOLING: z.enum(['gem', 'avg']).default('gem'),
  /** Which build of the network runs: fp32, or int8 (faster on CPUs; its vectors have their own model id). */
  LOUPE_PRECISION: z.enum(['fp32', 'int8']).default('fp32'),
  /** Admin sign-in is disabled until a password is configured. */
  /** Ingest detects each item's objects and indexes them for search by object ('off': items get none). */
  LOUPE_OBJECTS: z.enum(['on', 'off']).default('on'),
  LOUPE_ADMIN_PASSWORD: z.string().min(8, 'LOUPE_ADMIN_PASSWORD must have at least 8 characters').optional(),
  /** Signs session cookies; generated and kept in the data directory when unset. */
  LOUPE_SESSION_SECRET: z.string().min(32).optional(),
  LOUPE_MAX_IMAGE_MB: optionalNumber(z.number().positive()).default(20),
  LOUPE_MAX_UPLOAD_MB: optionalNumber(z.number().positive()).default(1024),
  LOUPE_MAX_PIXELS: optionalNumber(z.number().int().positive()).default(100_000_000),
  /** Decoded-pixel budget of one public query image (search, classify, localize, embed); ingest keeps LOUPE_MAX_PIXELS. */
  LOUPE_QUERY_MAX_PIXELS: optionalNumber(z.number().int().positive()).default(40_000_000),
  /** Public image queries analysed at once; more wait in a queue of LOUPE_QUERY_QUEUE, past which they get 503. */
  LOUPE_QUERY_CONCURRENCY: optionalNumber(z.number().int().positive()).default(2),
  LOUPE_QUERY_QUEUE: optionalNumber(z.number().int().min(0)).default(16),
  /** Public image queries per client IP per minute (0: no limit); API keys with the admin scope are not limited. */
  LOUPE_QUERY_RATE_PER_MINUTE: optionalNumber(z.number().int().min(0)).default(120),
  /** Wrong passwords per client IP per 15 minutes before a 15-minute lockout; and for all clients together per minute. */
  LOUPE_LOGIN_ATTEMPTS_PER_IP: optionalNumber(z.number().int().positive()).default(10),
  LOUPE_LOGIN_ATTEMPTS_GLOBAL: optionalNumber(z.number().int().positive()).default(100),
  /** A folder, zip or manifest ingested into the "demo" catalog on first start. */
  LOUPE_DEMO_SOURCE: z.string().min(1).optional(),
  /** Job workers inside this server (ingest, reindex, head training): 1 by default, 0 when `loupe worker` processes run them. */
  LOUPE_WORKERS: optionalNumber(z.number().int().min(0).max(1)).default(1),
  LOUPE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type WebEnv = z.infer<typeof schema>;

let cached: WebEnv | undefined;

export function env(): WebEnv {
  if (!cached) {
    const present = Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== ''));
    const parsed = schema.safeParse(present);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw new Error(`invalid configuration: ${problems}`);
    }
    cached = parsed.data;
  }
  return cached;
}
