// The web app's configuration, read from the environment once and validated; the app fails fast on bad values.
import { z } from 'zod';

const optionalNumber = (schema: z.ZodNumber) => z.preprocess((v) => (v === '' || v === undefined ? undefined : Number(v)), schema.optional());

const schema = z.object({
  LOUPE_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.string().min(1).optional(),
  LOUPE_DEVICE: z.enum(['auto', 'cpu', 'cuda', 'webgpu']).default('auto'),
  LOUPE_THREADS: optionalNumber(z.number().int().positive()),
  LOUPE_MODEL_DIR: z.string().min(1).optional(),
  /** How images become vectors (GeM by default; 'avg' keeps data indexed before GeM was the default). */
  LOUPE_POOLING: z.enum(['gem', 'avg']).default('gem'),
  /** Admin sign-in is disabled until a password is configured. */
  LOUPE_ADMIN_PASSWORD: z.string().min(8, 'LOUPE_ADMIN_PASSWORD must have at least 8 characters').optional(),
  /** Signs session cookies; generated and kept in the data directory when unset. */
  LOUPE_SESSION_SECRET: z.string().min(32).optional(),
  LOUPE_MAX_IMAGE_MB: optionalNumber(z.number().positive()).default(20),
  LOUPE_MAX_UPLOAD_MB: optionalNumber(z.number().positive()).default(1024),
  LOUPE_MAX_PIXELS: optionalNumber(z.number().int().positive()).default(100_000_000),
  /** A folder, zip or manifest ingested into the "demo" catalog on first start. */
  LOUPE_DEMO_SOURCE: z.string().min(1).optional(),
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
