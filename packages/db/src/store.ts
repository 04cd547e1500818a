// createStore: URL → provider → migrations → Prisma client → repositories.
import { createPrismaClient } from './client.ts';
import { lockKeyFor, StoreContext } from './context.ts';
import { DatabaseUnavailableError } from './errors.ts';
import { migrateTarget } from './migrate.ts';
import { apiKeyRepository } from './repositories/api-keys.ts';
import { calibrationRepository } from './repositories/calibrations.ts';
import { catalogRepository } from './repositories/catalogs.ts';
import { embeddingRepository } from './repositories/embeddings.ts';
import { headRepository, labelRepository } from './repositories/heads.ts';
import { itemRepository } from './repositories/items.ts';
import { jobRepository } from './repositories/jobs.ts';
import { auditRepository, sessionRepository } from './repositories/security.ts';
import type { MigrationReport, Store, StoreOptions } from './types.ts';
import { parseDatabaseUrl, type DatabaseTarget } from './url.ts';

export async function createStore(options: StoreOptions): Promise<Store> {
  const target = parseDatabaseUrl(options.databaseUrl);
  const logger = options.logger;
  const busyTimeoutMs = options.busyTimeoutMs ?? 10_000;
  const migrations: MigrationReport =
    options.migrate === false
      ? { applied: [], alreadyApplied: [] }
      : await migrateTarget(target, logger, busyTimeoutMs);

  const db = createPrismaClient(target, { busyTimeoutMs, maxConnections: options.maxConnections ?? 10, logger });
  try {
    if (target.provider === 'sqlite') {
      // Per connection: enforce foreign keys (cascades) on the client's connection. WAL is persistent in the file
      // (set by the migration runner); busy_timeout comes from the adapter's `timeout` option.
      await db.$executeRawUnsafe('PRAGMA foreign_keys = ON');
      if (options.migrate === false) await db.$queryRawUnsafe('PRAGMA journal_mode = WAL');
    } else {
      await db.$queryRawUnsafe('SELECT 1');
    }
  } catch (cause) {
    await db.$disconnect().catch(() => {});
    throw new DatabaseUnavailableError(`cannot use the ${target.provider} database: ${String(cause)}`, { cause });
  }

  const ctx = new StoreContext(
    db,
    target.provider,
    logger,
    options.transactionTimeoutMs ?? 30_000,
    lockKeyFor(`loupe.sequence.${schemaOf(target)}`),
    target.provider === 'postgresql' ? target.schema : null,
  );
  const catalogs = catalogRepository(ctx);
  const items = itemRepository(ctx);
  const embeddings = embeddingRepository(ctx);
  const jobs = jobRepository(ctx);
  logger?.debug?.({ provider: target.provider, migrations }, 'store opened');

  return {
    provider: target.provider,
    migrations,
    catalogs,
    items,
    embeddings,
    jobs,
    apiKeys: apiKeyRepository(ctx),
    sessions: sessionRepository(ctx),
    audit: auditRepository(ctx),
    heads: headRepository(ctx),
    labels: labelRepository(ctx),
    calibrations: calibrationRepository(ctx),
    async stats() {
      const [catalogCount, itemCount, models, latestSequence] = [
        await ctx.run(() => db.catalog.count()),
        await items.count(),
        await embeddings.models(),
        await embeddings.latestSequence(),
      ];
      return {
        provider: target.provider,
        catalogs: catalogCount,
        items: itemCount,
        embeddings: models,
        latestSequence,
      };
    },
    close: () => ctx.close(),
  };
}

function schemaOf(target: DatabaseTarget): string {
  return target.provider === 'postgresql' ? target.schema : 'main';
}
