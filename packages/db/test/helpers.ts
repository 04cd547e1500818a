// Test databases: a temp SQLite file per test, and — when TEST_DATABASE_URL_PG is set — a fresh PostgreSQL schema
// per test in that database (dropped afterwards). When the variable is set, an unreachable server FAILS the tests.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { createStore, type Store, type StoreOptions } from '../src/index.ts';

export const PG_ENV = 'TEST_DATABASE_URL_PG';
const pgUrl = process.env[PG_ENV]?.trim() || undefined;

export type ProviderName = 'sqlite' | 'postgresql';

export interface TestDatabase {
  provider: ProviderName;
  url: string;
  /** Runs SQL outside Prisma (introspection, tampering) and returns rows. */
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

export interface ProviderCase {
  name: ProviderName;
  /** Set when the provider cannot run here (only PostgreSQL without TEST_DATABASE_URL_PG). */
  skip: string | false;
  create(): Promise<TestDatabase>;
}

let counter = 0;

function sqliteDatabase(): TestDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'loupe-db-test-'));
  const file = join(dir, 'test.db');
  return {
    provider: 'sqlite',
    url: `file:${file}`,
    async sql<T>(text: string, params: unknown[] = []) {
      const db = new Database(file);
      try {
        const stmt = db.prepare(text);
        return (stmt.reader ? stmt.all(...params) : (stmt.run(...params), [])) as T[];
      } finally {
        db.close();
      }
    },
    async drop() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresDatabase(base: string): TestDatabase {
  const schema = `loupe_t_${process.pid}_${++counter}_${Date.now().toString(36)}`;
  const url = new URL(base);
  url.searchParams.set('schema', schema);
  const plain = new URL(base);
  plain.searchParams.delete('schema');
  async function withClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: plain.toString(), connectionTimeoutMillis: 5000 });
    await client.connect();
    try {
      await client.query(`SET search_path TO "${schema}"`);
      return await fn(client);
    } finally {
      await client.end();
    }
  }
  return {
    provider: 'postgresql',
    url: url.toString(),
    sql: <T>(text: string, params: unknown[] = []) =>
      withClient(async (client) => (await client.query(text, params)).rows as T[]),
    drop: () => withClient(async (client) => void (await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`))),
  };
}

export const providers: ProviderCase[] = [
  { name: 'sqlite', skip: false, create: async () => sqliteDatabase() },
  {
    name: 'postgresql',
    skip: pgUrl ? false : `${PG_ENV} is not set (start one: export ${PG_ENV}="$(scripts/pg-test-server.sh start)")`,
    create: async () => postgresDatabase(pgUrl as string),
  },
];

if (!pgUrl) {
  process.stderr.write(
    `\nNOTE: ${PG_ENV} is not set, so the PostgreSQL half of the @loupe/db tests is SKIPPED.\n` +
      `      Run them with: export ${PG_ENV}="$(scripts/pg-test-server.sh start)"\n\n`,
  );
}

/** A fresh database and a store on it; both are released by the returned cleanup. */
export async function openStore(
  provider: ProviderCase,
  options: Partial<StoreOptions> = {},
): Promise<{ store: Store; db: TestDatabase; cleanup: () => Promise<void> }> {
  const db = await provider.create();
  let store: Store;
  try {
    store = await createStore({ databaseUrl: db.url, ...options });
  } catch (error) {
    await db.drop().catch(() => {});
    throw error;
  }
  return {
    store,
    db,
    cleanup: async () => {
      await store.close();
      await db.drop();
    },
  };
}

/**
 * Inside a describe: opens a fresh store before the suite's tests, hands it (and its database) to `onOpen`, and
 * releases both after them.
 */
export function storeForSuite(
  provider: ProviderCase,
  onOpen: (opened: { store: Store; db: TestDatabase }) => void | Promise<void>,
): void {
  let cleanup: (() => Promise<void>) | undefined;
  before(async () => {
    const opened = await openStore(provider);
    cleanup = opened.cleanup;
    await onOpen(opened);
  });
  after(async () => {
    await cleanup?.();
  });
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

let itemCounter = 0;

/** A valid NewItem for the catalog; `key` makes the content hash unique. */
export function newItem(catalogId: number, key: string = `item-${++itemCounter}`) {
  return {
    catalogId,
    title: `Title ${key}`,
    contentHash: sha256(key),
    storedFile: `originals/${sha256(key).slice(0, 2)}/${sha256(key)}.jpg`,
    thumbnailFile: `thumbs/${sha256(key)}.webp`,
    width: 640,
    height: 480,
    mimeType: 'image/jpeg',
    sizeBytes: 12345,
    sourceName: `${key}.jpg`,
  };
}

/** A deterministic vector of `dim` components for `seed`. */
export function vectorFor(seed: number, dim = 8): Float32Array {
  const v = new Float32Array(dim);
  for (let i = 0; i < dim; i++) v[i] = Math.sin(seed * 12.9898 + i * 78.233) * 0.5;
  return v;
}
