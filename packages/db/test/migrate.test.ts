// The offline migration runner: idempotent, Prisma-compatible bookkeeping, one transaction per migration.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { migrations as embedded } from '../generated/migrations.ts';
import { createStore, DatabaseUnavailableError, migrate, MigrationError } from '../src/index.ts';
import { checksumOf, migrateTarget } from '../src/migrate.ts';
import { parseDatabaseUrl } from '../src/url.ts';
import { providers } from './helpers.ts';

const repoRoot = join(fileURLToPath(import.meta.url), '..', '..', '..', '..');

for (const provider of providers) {
  describe(`migrations on ${provider.name}`, { skip: provider.skip }, () => {
    test('apply once, then nothing to do (idempotent); bookkeeping matches Prisma', async () => {
      const db = await provider.create();
      try {
        const names = embedded[provider.name].map((m) => m.name);
        assert.ok(names.length > 0);
        const first = await migrate({ databaseUrl: db.url });
        assert.deepEqual(first, { applied: names, alreadyApplied: [] });
        const second = await migrate({ databaseUrl: db.url });
        assert.deepEqual(second, { applied: [], alreadyApplied: names });
        const store = await createStore({ databaseUrl: db.url });
        assert.deepEqual(store.migrations, { applied: [], alreadyApplied: names });
        await store.close();

        const rows = await db.sql<{
          id: string;
          checksum: string;
          migration_name: string;
          finished_at: unknown;
          applied_steps_count: number | bigint;
          rolled_back_at: unknown;
        }>('SELECT * FROM "_prisma_migrations" ORDER BY migration_name');
        assert.equal(rows.length, names.length);
        for (const [i, row] of rows.entries()) {
          const file = join(repoRoot, 'prisma', provider.name, 'migrations', names[i]!, 'migration.sql');
          assert.equal(row.migration_name, names[i]);
          assert.equal(row.checksum, checksumOf(readFileSync(file, 'utf8')), 'sha256 of the migration file');
          assert.match(row.id, /^[0-9a-f-]{36}$/);
          assert.ok(row.finished_at !== null);
          assert.equal(row.rolled_back_at, null);
          assert.equal(Number(row.applied_steps_count), 1);
        }
      } finally {
        await db.drop();
      }
    });

    test('concurrent starters apply each migration exactly once', async () => {
      const db = await provider.create();
      try {
        const reports = await Promise.all([1, 2, 3].map(() => migrate({ databaseUrl: db.url })));
        const applied = reports.flatMap((r) => r.applied);
        assert.deepEqual(
          applied,
          embedded[provider.name].map((m) => m.name),
        );
        const rows = await db.sql('SELECT migration_name FROM "_prisma_migrations"');
        assert.equal(rows.length, applied.length);
      } finally {
        await db.drop();
      }
    });

    test('a failing migration rolls back entirely and is not recorded', async () => {
      const db = await provider.create();
      try {
        const target = parseDatabaseUrl(db.url);
        const good = embedded[provider.name];
        const bad = {
          name: '29991231000000_broken',
          sql: 'CREATE TABLE "Half" ("id" INTEGER NOT NULL);\nINSERT INTO "Half" ("id") VALUES (1);\nTHIS IS NOT SQL;\n',
        };
        await assert.rejects(
          migrateTarget(target, undefined, 5000, [...good, bad]),
          (e: unknown) => e instanceof MigrationError && e.migration === bad.name,
        );
        const tables = await db.sql(
          provider.name === 'sqlite'
            ? `SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'Half'`
            : `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'Half'`,
        );
        assert.deepEqual(tables, [], 'the failed migration left no table');
        const rows = await db.sql<{ migration_name: string }>('SELECT migration_name FROM "_prisma_migrations"');
        assert.deepEqual(
          rows.map((r) => r.migration_name).sort(),
          good.map((m) => m.name),
          'the earlier migrations stay applied; the broken one is not recorded',
        );
        // Fixed, it applies on the next start.
        const fixed = { ...bad, sql: 'CREATE TABLE "Half" ("id" INTEGER NOT NULL);' };
        const report = await migrateTarget(target, undefined, 5000, [...good, fixed]);
        assert.deepEqual(report.applied, [fixed.name]);
      } finally {
        await db.drop();
      }
    });

    test('an applied migration that was edited is refused', async () => {
      const db = await provider.create();
      try {
        await migrate({ databaseUrl: db.url });
        const name = embedded[provider.name][0]!.name;
        await db.sql(`UPDATE "_prisma_migrations" SET checksum = 'tampered' WHERE migration_name = '${name}'`);
        await assert.rejects(
          createStore({ databaseUrl: db.url }),
          (e: unknown) => e instanceof MigrationError && /modified after it was applied/.test(e.message),
        );
      } finally {
        await db.drop();
      }
    });

    if (provider.name === 'sqlite') {
      test('SQLite databases are in WAL mode (foreign keys: proven by the cascade tests)', async () => {
        const db = await provider.create();
        try {
          const store = await createStore({ databaseUrl: db.url });
          await store.close();
          const mode = await db.sql<{ journal_mode: string }>('PRAGMA journal_mode');
          assert.equal(mode[0]?.journal_mode, 'wal');
        } finally {
          await db.drop();
        }
      });
    }
  });
}

describe('unreachable databases', () => {
  test('an unreachable PostgreSQL server is a DatabaseUnavailableError', async () => {
    await assert.rejects(
      createStore({ databaseUrl: 'postgresql://nobody@127.0.0.1:1/none' }),
      DatabaseUnavailableError,
    );
  });
});
