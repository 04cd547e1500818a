// The one place that knows there are two generated Prisma clients. Both come from the same models
// (prisma/models.prisma), so their model APIs are identical, but TypeScript cannot assign one client type to the
// other: repositories are typed against the SQLite client and the PostgreSQL client is cast to it here, once.
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient as PostgresPrismaClient } from '../generated/postgresql/client.ts';
import { PrismaClient as SqlitePrismaClient, type Prisma } from '../generated/sqlite/client.ts';
import type { Logger } from './types.ts';
import type { DatabaseTarget } from './url.ts';

export type Db = SqlitePrismaClient;
export type Tx = Prisma.TransactionClient;

export interface ClientOptions {
  busyTimeoutMs: number;
  maxConnections: number;
  logger: Logger | undefined;
}

export function createPrismaClient(target: DatabaseTarget, options: ClientOptions): Db {
  if (target.provider === 'sqlite') {
    const adapter = new PrismaBetterSqlite3({ url: `file:${target.file}`, timeout: options.busyTimeoutMs });
    return new SqlitePrismaClient({ adapter });
  }
  const logError = (err: Error): void => options.logger?.warn?.({ err: err.message }, 'PostgreSQL connection error');
  const adapter = new PrismaPg(
    {
      connectionString: target.connectionString,
      max: options.maxConnections,
      connectionTimeoutMillis: 10_000,
    },
    // Prisma qualifies its queries with the schema; the repositories' few raw statements do so themselves.

    { schema: target.schema, onPoolError: logError, onConnectionError: logError },
  );
  // The single cast between the two generated client types (see the comment at the top).
  return new PostgresPrismaClient({ adapter }) as unknown as Db;
}
