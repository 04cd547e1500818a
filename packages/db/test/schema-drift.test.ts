// Proves the hand-written migrations build exactly the schema prisma/models.prisma describes, on each provider:
// the tables, columns (type as Prisma maps it, nullability, default), primary keys, unique and plain indexes (with
// Prisma's names) and foreign keys (columns, target, actions) read back from the database must equal what the
// models imply. Prisma's migrate engine cannot run here, so this is the drift check in its place.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { migrate } from '../src/index.ts';
import { providers, type ProviderName, type TestDatabase } from './helpers.ts';

const packageDir = join(fileURLToPath(import.meta.url), '..', '..');
const modelsFile = join(packageDir, '..', '..', 'prisma', 'models.prisma');

interface TableShape {
  columns: Record<string, string>;
  primaryKey: string[];
  indexes: Record<string, string>;
  foreignKeys: string[];
}
type SchemaShape = Record<string, TableShape>;

const TYPES: Record<ProviderName, Record<string, string>> = {
  sqlite: { Int: 'INTEGER', String: 'TEXT', DateTime: 'DATETIME', Json: 'JSONB', Bytes: 'BLOB', Float: 'REAL', Boolean: 'BOOLEAN' },
  postgresql: {
    Int: 'integer',
    String: 'text',
    DateTime: 'timestamp(3) without time zone',
    Json: 'jsonb',
    Bytes: 'bytea',
    Float: 'double precision',
    Boolean: 'boolean',
  },
};
const ACTIONS: Record<string, string> = {
  Cascade: 'CASCADE',
  SetNull: 'SET NULL',
  Restrict: 'RESTRICT',
  NoAction: 'NO ACTION',
  SetDefault: 'SET DEFAULT',
};

function list(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** What prisma/models.prisma implies, in the same canonical shape as the introspection below. */
function expectedShape(provider: ProviderName): SchemaShape {
  const source = readFileSync(modelsFile, 'utf8');
  const models = [...source.matchAll(/^model (\w+) \{\n([\s\S]*?)^\}/gm)].map((m) => ({ name: m[1]!, body: m[2]! }));
  const modelNames = new Set(models.map((m) => m.name));
  const shape: SchemaShape = {};
  for (const model of models) {
    const table: TableShape = { columns: {}, primaryKey: [], indexes: {}, foreignKeys: [] };
    for (const raw of model.body.split('\n')) {
      const line = raw.replace(/\/\/.*$/, '').trim();
      if (line === '') continue;
      const block = /^@@(id|unique|index)\(\[([^\]]*)\]\)$/.exec(line);
      if (block) {
        const cols = list(block[2]!);
        if (block[1] === 'id') table.primaryKey = cols;
        else {
          const suffix = block[1] === 'unique' ? 'key' : 'idx';
          table.indexes[`${model.name}_${cols.join('_')}_${suffix}`] =
            `${block[1] === 'unique' ? 'unique' : 'index'}(${cols.join(',')})`;
        }
        continue;
      }
      const field = /^(\w+)\s+(\w+)(\?|\[\])?\s*(.*)$/.exec(line);
      assert.ok(field, `cannot parse model line: ${line}`);
      const [, name, type, modifier, attrs] = field as unknown as [string, string, string, string | undefined, string];
      if (modelNames.has(type)) {
        const relation =
          /@relation\(fields: \[([^\]]*)\], references: \[([^\]]*)\](?:, onDelete: (\w+))?(?:, onUpdate: (\w+))?\)/.exec(
            attrs,
          );
        if (relation) {
          table.foreignKeys.push(
            `(${list(relation[1]!).join(',')}) -> ${type}(${list(relation[2]!).join(',')}) on delete ${ACTIONS[relation[3] ?? 'Restrict']} on update ${ACTIONS[relation[4] ?? 'Cascade']}`,
          );
        }
        continue;
      }
      const sqlType = TYPES[provider][type];
      assert.ok(sqlType, `no ${provider} mapping for ${type}`);
      let dflt = 'none';
      const d = /@default\(((?:[^()]|\([^()]*\))*)\)/.exec(attrs);
      if (d) {
        const value = d[1]!;
        if (value === 'autoincrement()')
          dflt = provider === 'sqlite' ? 'autoincrement' : `nextval(${model.name}_${name}_seq)`;
        else if (value === 'now()') dflt = 'CURRENT_TIMESTAMP';
        else if (value.startsWith('"')) dflt = `'${JSON.parse(value) as string}'`;
        else dflt = value;
      }
      table.columns[name] = `${sqlType} ${modifier === '?' ? 'NULL' : 'NOT NULL'} default=${dflt}`;
      if (/@id\b/.test(attrs)) table.primaryKey = [name];
      if (/@unique\b/.test(attrs)) table.indexes[`${model.name}_${name}_key`] = `unique(${name})`;
    }
    table.foreignKeys.sort();
    shape[model.name] = table;
  }
  return shape;
}

async function sqliteShape(db: TestDatabase): Promise<SchemaShape> {
  const shape: SchemaShape = {};
  const tables = await db.sql<{ name: string; sql: string }>(
    `SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT IN ('_prisma_migrations', 'sqlite_sequence') ORDER BY name`,
  );
  for (const { name, sql } of tables) {
    const table: TableShape = { columns: {}, primaryKey: [], indexes: {}, foreignKeys: [] };
    const columns = await db.sql<{
      name: string;
      type: string;
      notnull: number;
      dflt_value: string | null;
      pk: number;
    }>(`PRAGMA table_info("${name}")`);
    const autoincrement = /AUTOINCREMENT/i.test(sql);
    for (const c of columns.sort((a, b) => a.pk - b.pk)) if (c.pk > 0) table.primaryKey.push(c.name);
    for (const c of columns) {
      let dflt = c.dflt_value ?? 'none';
      if (autoincrement && table.primaryKey.length === 1 && table.primaryKey[0] === c.name) dflt = 'autoincrement';
      table.columns[c.name] = `${c.type} ${c.notnull ? 'NOT NULL' : 'NULL'} default=${dflt}`;
    }
    for (const index of await db.sql<{ name: string; unique: number; origin: string }>(
      `PRAGMA index_list("${name}")`,
    )) {
      if (index.origin === 'pk') continue;
      const cols = await db.sql<{ seqno: number; name: string }>(`PRAGMA index_info("${index.name}")`);
      const names = cols.sort((a, b) => a.seqno - b.seqno).map((c) => c.name);
      table.indexes[index.name] = `${index.unique ? 'unique' : 'index'}(${names.join(',')})`;
    }
    const fks = await db.sql<{
      id: number;
      seq: number;
      table: string;
      from: string;
      to: string;
      on_update: string;
      on_delete: string;
    }>(`PRAGMA foreign_key_list("${name}")`);
    const byId = new Map<number, typeof fks>();
    for (const fk of fks) byId.set(fk.id, [...(byId.get(fk.id) ?? []), fk]);
    for (const parts of byId.values()) {
      parts.sort((a, b) => a.seq - b.seq);
      const first = parts[0]!;
      table.foreignKeys.push(
        `(${parts.map((p) => p.from).join(',')}) -> ${first.table}(${parts.map((p) => p.to).join(',')}) on delete ${first.on_delete} on update ${first.on_update}`,
      );
    }
    table.foreignKeys.sort();
    shape[name] = table;
  }
  return shape;
}

async function postgresShape(db: TestDatabase): Promise<SchemaShape> {
  const shape: SchemaShape = {};
  const tables = await db.sql<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name <> '_prisma_migrations' ORDER BY table_name`,
  );
  for (const { table_name: name } of tables) {
    const table: TableShape = { columns: {}, primaryKey: [], indexes: {}, foreignKeys: [] };
    const columns = await db.sql<{
      column_name: string;
      type: string;
      is_nullable: string;
      column_default: string | null;
    }>(
      `SELECT a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS type,
              CASE WHEN a.attnotnull THEN 'NO' ELSE 'YES' END AS is_nullable,
              pg_get_expr(d.adbin, d.adrelid) AS column_default
         FROM pg_attribute a
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attrelid = format('%I.%I', current_schema(), $1::text)::regclass AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum`,
      [name],
    );
    for (const c of columns) {
      let dflt = c.column_default ?? 'none';
      dflt = dflt
        .replace(/^nextval\('(?:[\w]+\.)?"?([^"']+)"?'::regclass\)$/, 'nextval($1)')
        .replace(/^('.*')::(text|jsonb)$/, '$1');
      table.columns[c.column_name] = `${c.type} ${c.is_nullable === 'NO' ? 'NOT NULL' : 'NULL'} default=${dflt}`;
    }
    const indexes = await db.sql<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1`,
      [name],
    );
    for (const index of indexes) {
      const cols = list(/\(([^)]*)\)\s*$/.exec(index.indexdef)![1]!).map((c) => c.replaceAll('"', ''));
      if (index.indexname === `${name}_pkey`) {
        table.primaryKey = cols;
        continue;
      }
      table.indexes[index.indexname] =
        `${/CREATE UNIQUE INDEX/.test(index.indexdef) ? 'unique' : 'index'}(${cols.join(',')})`;
    }
    const fks = await db.sql<{ conname: string; def: string }>(
      `SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
        WHERE contype = 'f' AND conrelid = format('%I.%I', current_schema(), $1::text)::regclass`,
      [name],
    );
    for (const fk of fks) {
      const m = /^FOREIGN KEY \(([^)]*)\) REFERENCES (?:[\w]+\.)?"?(\w+)"?\(([^)]*)\)(.*)$/.exec(fk.def);
      assert.ok(m, `cannot parse ${fk.def}`);
      const from = list(m[1]!).map((c) => c.replaceAll('"', ''));
      assert.equal(fk.conname, `${name}_${from.join('_')}_fkey`, 'Prisma names foreign keys Model_field_fkey');
      const onDelete = /ON DELETE (CASCADE|SET NULL|RESTRICT|SET DEFAULT)/.exec(m[4]!)?.[1] ?? 'NO ACTION';
      const onUpdate = /ON UPDATE (CASCADE|SET NULL|RESTRICT|SET DEFAULT)/.exec(m[4]!)?.[1] ?? 'NO ACTION';
      table.foreignKeys.push(
        `(${from.join(',')}) -> ${m[2]}(${list(m[3]!)
          .map((c) => c.replaceAll('"', ''))
          .join(',')}) on delete ${onDelete} on update ${onUpdate}`,
      );
    }
    table.foreignKeys.sort();
    shape[name] = table;
  }
  return shape;
}

for (const provider of providers) {
  describe(`schema drift on ${provider.name}`, { skip: provider.skip }, () => {
    test('the migrated database is exactly what prisma/models.prisma describes', async () => {
      const db = await provider.create();
      try {
        await migrate({ databaseUrl: db.url });
        const actual = provider.name === 'sqlite' ? await sqliteShape(db) : await postgresShape(db);
        const expected = expectedShape(provider.name);
        assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), 'tables');
        for (const name of Object.keys(expected)) assert.deepEqual(actual[name], expected[name], `table ${name}`);
      } finally {
        await db.drop();
      }
    });
  });
}

test('the committed provider schemas are generated from prisma/models.prisma', () => {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(packageDir, 'scripts', 'generate.ts'), '--check'],
    {
      encoding: 'utf8',
    },
  );
  assert.equal(result.status, 0, result.stderr);
});
