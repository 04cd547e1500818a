// One Loupe per server process: the store, the model and the index are shared by every request.
import { resolve } from 'node:path';
import { openLoupe, type Loupe } from '@loupe/core';
import { env } from './env';
import { logger } from './log';

const g = globalThis as unknown as { loupe?: Promise<Loupe>; loupeReady?: boolean };

export function getLoupe(): Promise<Loupe> {
  if (!g.loupe) {
    const e = env();
    g.loupe = openLoupe({
      dataDir: resolve(e.LOUPE_DATA_DIR),
      mediaDir: resolve(e.LOUPE_MEDIA_DIR ?? e.LOUPE_DATA_DIR),
      databaseUrl: e.DATABASE_URL,
      embedding: { device: e.LOUPE_DEVICE, threads: e.LOUPE_THREADS, workers: e.LOUPE_INFERENCE_WORKERS, maxPixels: e.LOUPE_MAX_PIXELS, modelDir: e.LOUPE_MODEL_DIR, pooling: e.LOUPE_POOLING, precision: e.LOUPE_PRECISION },
      objects: e.LOUPE_OBJECTS === 'on',
      logger: logger(),
    });
    g.loupe.catch(() => (g.loupe = undefined));
  }
  return g.loupe;
}

/** Loads the model and the index so that the first search does not pay for it; health turns 200 after this. */
export async function warmUp(): Promise<void> {
  await (await getLoupe()).warmUp();
  g.loupeReady = true;
}

export function isReady(): boolean {
  return g.loupeReady === true;
}
