import pino from 'pino';
import { env } from './env';

const g = globalThis as unknown as { loupeLogger?: pino.Logger };
export function logger(): pino.Logger {
  g.loupeLogger ??= pino({ level: env().LOUPE_LOG_LEVEL, base: { app: 'loupe-web' } });
  return g.loupeLogger;
}
