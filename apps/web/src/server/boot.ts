import { env } from './env';
import { getLoupe, warmUp } from './loupe';
import { logger } from './log';
import { reindexIfNeeded } from './reindex';
import { startWorker, wakeWorker } from './worker';

export async function boot(): Promise<void> {
  const e = env(); // fails fast on bad configuration
  const log = logger();
  startWorker();
  void warmUp()
    .then(async () => {
      const info = await (await getLoupe()).images.modelInfo();
      log.info({ model: info.modelId, provider: info.provider, skipped: info.skipped }, 'ready to search');
      await reindexIfNeeded();
    })
    .catch((error) => log.error({ err: error }, 'start-up failed: searches will fail until this is fixed'));
  if (e.LOUPE_DEMO_SOURCE) {
    const loupe = await getLoupe();
    if (!(await loupe.catalogs.list()).some((c) => c.slug === 'demo')) {
      const job = await loupe.jobs.enqueueIngest(e.LOUPE_DEMO_SOURCE, { catalog: 'demo', catalogName: 'Demo photos' });
      log.info({ job: job.id, source: e.LOUPE_DEMO_SOURCE }, 'queued the demo catalog');
      wakeWorker();
    }
  }
  if (!e.LOUPE_ADMIN_PASSWORD) log.warn('LOUPE_ADMIN_PASSWORD is not set: admin sign-in is disabled (API keys still work)');
}
