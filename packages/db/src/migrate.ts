// The offline migration runner ("route 2" in FACTS.md): applies prisma/<provider>/migrations/*/migration.sql in
// name order through better-sqlite3 or pg, and records them in Prisma's own `_prisma_migrations` table (same
// layout and sha256 checksums as `prisma migrate deploy`), so Prisma's CLI, where its engine is available, agrees.
// - each migration runs in its own transaction together with its bookkeeping row: it is applied entirely or not;
// - idempotent: applied migrations are skipped after their checksum is verified;
// - concurrent starters are serialized: PostgreSQL by Prisma's advisory lock key, SQLite by BEGIN IMMEDIATE.
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { migrations as embedded, type EmbeddedMigration } from '../generated/migrations.ts';
import { DatabaseUnavailableError, MigrationError } from './errors.ts';
import type { Logger, MigrationReport } from './types.ts';
import { parseDatabaseUrl, type DatabaseTarget } from './url.ts';

/** The key `prisma migrate` locks with, so this runner and Prisma's CLI exclude each other. */
const PRISMA_MIGRATE_LOCK_KEY = 72707369;

const SQLITE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

const POSTGRES_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export interface MigrateOptions {
  databaseUrl: string;
  logger?: Logger;
  /** SQLite: how long to wait for another process's write lock (default 10 000 ms). */
  busyTimeoutMs?: number;
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
}

export function checksumOf(sql: string): string {
  return createHash('sha256').update(sql, 'utf8').digest('hex');
}

/** Applies pending migrations to the database named by the URL. */
export async function migrate(options: MigrateOptions): Promise<MigrationReport> {
  return migrateTarget(parseDatabaseUrl(options.databaseUrl), options.logger, options.busyTimeoutMs ?? 10_000);
}

export async function migrateTarget(
  target: DatabaseTarget,
  logger: Logger | undefined,
  busyTimeoutMs: number,
  list: readonly EmbeddedMigration[] = embedded[target.provider],
): Promise<MigrationReport> {
  const sorted = [...list].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const report =
    target.provider === 'sqlite'
      ? migrateSqlite(target.file, sorted, busyTimeoutMs, logger)
      : await migratePostgres(target.connectionString, target.schema, sorted, logger);
  if (report.applied.length > 0) logger?.info?.({ applied: report.applied }, 'database migrations applied');
  return report;
}

/** Verifies an applied migration; returns true when it is applied and unchanged. */
function checkApplied(row: AppliedRow | undefined, migration: EmbeddedMigration): boolean {
  if (!row) return false;
  if (row.finished_at === null || row.finished_at === undefined) {
    throw new MigrationError(
      `migration ${migration.name} is recorded as started but not finished (a failed run of another tool); ` +
        'fix the database by hand, then mark it with `prisma migrate resolve`',
      migration.name,
    );
  }
  if (row.checksum !== checksumOf(migration.sql)) {
    throw new MigrationError(
      `migration ${migration.name} was modified after it was applied (checksum differs); ` +
        'never edit an applied migration: add a new one',
      migration.name,
    );
  }
  return true;
}

function warnUnknown(applied: string[], known: readonly EmbeddedMigration[], logger: Logger | undefined): void {
  const names = new Set(known.map((m) => m.name));
  const unknown = applied.filter((name) => !names.has(name));
  if (unknown.length > 0) {
    logger?.warn?.({ unknown }, 'the database has migrations this code does not know (is this code older?)');
  }
}

function migrateSqlite(
  file: string,
  list: readonly EmbeddedMigration[],
  busyTimeoutMs: number,
  logger: Logger | undefined,
): MigrationReport {
  let db: Database.Database;
  try {
    mkdirSync(dirname(file), { recursive: true });
    db = new Database(file, { timeout: busyTimeoutMs });
  } catch (cause) {
    throw new DatabaseUnavailableError(`cannot open the SQLite database ${file}: ${String(cause)}`, { cause });
  }
  const report: MigrationReport = { applied: [], alreadyApplied: [] };
  try {
    db.pragma('journal_mode = WAL');
    // Off on this connection so that table-rebuild migrations work; violations are checked before each commit.
    db.pragma('foreign_keys = OFF');
    db.exec(SQLITE_MIGRATIONS_TABLE);
    const findRow = db.prepare<[string], AppliedRow>(
      'SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE migration_name = ? AND rolled_back_at IS NULL ORDER BY started_at DESC LIMIT 1',
    );
    for (const migration of list) {
      db.exec('BEGIN IMMEDIATE');
      try {
        if (checkApplied(findRow.get(migration.name), migration)) {
          db.exec('COMMIT');
          report.alreadyApplied.push(migration.name);
          continue;
        }
        const id = randomUUID();
        db.prepare(
          'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES (?, ?, ?, current_timestamp, 0)',
        ).run(id, checksumOf(migration.sql), migration.name);
        try {
          db.exec(migration.sql);
        } catch (cause) {
          throw new MigrationError(`migration ${migration.name} failed: ${String(cause)}`, migration.name, { cause });
        }
        const violations = db.pragma('foreign_key_check') as unknown[];
        if (violations.length > 0) {
          throw new MigrationError(
            `migration ${migration.name} leaves ${violations.length} foreign key violation(s)`,
            migration.name,
          );
        }
        db.prepare(
          'UPDATE "_prisma_migrations" SET finished_at = current_timestamp, applied_steps_count = 1 WHERE id = ?',
        ).run(id);
        db.exec('COMMIT');
        report.applied.push(migration.name);
        logger?.debug?.({ migration: migration.name }, 'migration applied');
      } catch (error) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw error;
      }
    }
    const all = db
      .prepare<[], { migration_name: string }>(
        'SELECT migration_name FROM "_prisma_migrations" WHERE rolled_back_at IS NULL',
      )
      .all()
      .map((r) => r.migration_name);
    warnUnknown(all, list, logger);
    return report;
  } catch (error) {
    if (error instanceof MigrationError) throw error;
    throw new MigrationError(`migrating ${file} failed: ${String(error)}`, null, { cause: error });
  } finally {
    db.close();
  }
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

async function migratePostgres(
  connectionString: string,
  schema: string,
  list: readonly EmbeddedMigration[],
  logger: Logger | undefined,
): Promise<MigrationReport> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 10_000 });
  // A dropped connection is reported through the failing query; without a listener it would crash the process.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (cause) {
    await client.end().catch(() => {});
    throw new DatabaseUnavailableError(`cannot connect to PostgreSQL: ${String(cause)}`, { cause });
  }
  const report: MigrationReport = { applied: [], alreadyApplied: [] };
  let locked = false;
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK_KEY]);
    locked = true;
    if (schema !== 'public') await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    await client.query(`SET search_path TO ${quoteIdent(schema)}`);
    await client.query(POSTGRES_MIGRATIONS_TABLE);
    for (const migration of list) {
      const rows = await client.query<AppliedRow>(
        'SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE migration_name = $1 AND rolled_back_at IS NULL ORDER BY started_at DESC LIMIT 1',
        [migration.name],
      );
      if (checkApplied(rows.rows[0], migration)) {
        report.alreadyApplied.push(migration.name);
        continue;
      }
      await client.query('BEGIN');
      try {
        const id = randomUUID();
        await client.query(
          'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)',
          [id, checksumOf(migration.sql), migration.name],
        );
        try {
          await client.query(migration.sql);
        } catch (cause) {
          throw new MigrationError(`migration ${migration.name} failed: ${String(cause)}`, migration.name, { cause });
        }
        await client.query(
          'UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1',
          [id],
        );
        await client.query('COMMIT');
        report.applied.push(migration.name);
        logger?.debug?.({ migration: migration.name }, 'migration applied');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      }
    }
    const all = await client.query<{ migration_name: string }>(
      'SELECT migration_name FROM "_prisma_migrations" WHERE rolled_back_at IS NULL',
    );
    warnUnknown(
      all.rows.map((r) => r.migration_name),
      list,
      logger,
    );
    return report;
  } catch (error) {
    if (error instanceof MigrationError) throw error;
    throw new MigrationError(`migrating PostgreSQL schema "${schema}" failed: ${String(error)}`, null, {
      cause: error,
    });
  } finally {
    if (locked) await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_LOCK_KEY]).catch(() => {});
    await client.end().catch(() => {});
  }
}
