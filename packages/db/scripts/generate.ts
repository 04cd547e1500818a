// Generates everything @loupe/db needs from the one models file, offline:
//   1. prisma/sqlite/schema.prisma and prisma/postgresql/schema.prisma from prisma/models.prisma (committed files);
//   2. the two Prisma clients into packages/db/generated/{sqlite,postgresql} (gitignored);
//   3. packages/db/generated/migrations.ts: every prisma/<provider>/migrations/*/migration.sql embedded as a string,
//      so the runner needs no file lookup at run time (works the same under tsx, Next.js bundles and tests).
// Skips step 2 when nothing changed since the last run (a stamp under generated/).
//
//   node --import tsx scripts/generate.ts           generate
//   node --import tsx scripts/generate.ts --check   fail if the committed provider schemas are out of date
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const PROVIDERS = ['sqlite', 'postgresql'] as const;
type Provider = (typeof PROVIDERS)[number];

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = join(packageDir, '..', '..');
const prismaDir = join(repoRoot, 'prisma');
const generatedDir = join(packageDir, 'generated');
const require = createRequire(import.meta.url);

function providerSchema(provider: Provider, models: string): string {
  const output = relative(join(prismaDir, provider), join(generatedDir, provider)).split('\\').join('/');
  return [
    '// GENERATED from prisma/models.prisma by packages/db/scripts/generate.ts — do not edit; edit models.prisma.',
    '',
    'generator client {',
    '  provider            = "prisma-client"',
    `  output              = "${output}"`,
    '  moduleFormat        = "esm"',
    '  importFileExtension = "ts"',
    '}',
    '',
    'datasource db {',
    `  provider = "${provider}"`,
    '}',
    '',
    models.trimEnd(),
    '',
  ].join('\n');
}

function migrationsOf(provider: Provider): { name: string; sql: string }[] {
  const dir = join(prismaDir, provider, 'migrations');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isDirectory())
    .sort()
    .map((name) => {
      const file = join(dir, name, 'migration.sql');
      if (!existsSync(file)) throw new Error(`${relative(repoRoot, file)} is missing`);
      // Read as bytes and decode as UTF-8 unchanged: the runner's checksum must equal sha256 of the file.
      return { name, sql: readFileSync(file, 'utf8') };
    });
}

function main(): void {
  const check = process.argv.includes('--check');
  const models = readFileSync(join(prismaDir, 'models.prisma'), 'utf8');

  // 1. Provider schemas.
  const stale: string[] = [];
  for (const provider of PROVIDERS) {
    const file = join(prismaDir, provider, 'schema.prisma');
    const want = providerSchema(provider, models);
    const have = existsSync(file) ? readFileSync(file, 'utf8') : '';
    if (have === want) continue;
    if (check) stale.push(relative(repoRoot, file));
    else {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, want);
    }
  }
  if (check) {
    if (stale.length > 0) {
      process.stderr.write(`out of date (run: npm run generate -w @loupe/db): ${stale.join(', ')}\n`);
      process.exitCode = 1;
    }
    return;
  }

  // 2. Prisma clients (skipped when the schemas, the Prisma version and this script are unchanged).
  const prismaPackage = require.resolve('prisma/package.json');
  const prismaVersion = (JSON.parse(readFileSync(prismaPackage, 'utf8')) as { version: string }).version;
  const stampFile = join(generatedDir, '.stamp');
  const stamp = createHash('sha256')
    .update(prismaVersion)
    .update(readFileSync(fileURLToPath(import.meta.url)))
    .update(PROVIDERS.map((p) => readFileSync(join(prismaDir, p, 'schema.prisma'), 'utf8')).join('\0'))
    .digest('hex');
  const upToDate =
    existsSync(stampFile) &&
    readFileSync(stampFile, 'utf8') === stamp &&
    PROVIDERS.every((p) => existsSync(join(generatedDir, p, 'client.ts')));
  if (!upToDate) {
    const cli = join(dirname(prismaPackage), 'build', 'index.js');
    for (const provider of PROVIDERS) {
      rmSync(join(generatedDir, provider), { recursive: true, force: true });
      const result = spawnSync(
        process.execPath,
        [cli, 'generate', '--schema', join(prismaDir, provider, 'schema.prisma')],
        {
          cwd: repoRoot,
          encoding: 'utf8',
          env: {
            ...process.env,
            // generate only needs this to name an existing file; see the script it points at.
            PRISMA_SCHEMA_ENGINE_BINARY:
              process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? join(packageDir, 'scripts', 'schema-engine-unavailable.sh'),
            CHECKPOINT_DISABLE: '1',
            PRISMA_HIDE_UPDATE_MESSAGE: '1',
          },
        },
      );
      if (result.status !== 0) {
        process.stderr.write(result.stdout + result.stderr);
        throw new Error(`prisma generate failed for ${provider}`);
      }
    }
    writeFileSync(stampFile, stamp);
  }

  // 3. Embedded migrations.
  const lines = [
    '// GENERATED by packages/db/scripts/generate.ts from prisma/<provider>/migrations — do not edit.',
    'export interface EmbeddedMigration {',
    '  readonly name: string;',
    '  readonly sql: string;',
    '}',
    '',
    'export const migrations: Readonly<Record<"sqlite" | "postgresql", readonly EmbeddedMigration[]>> = {',
    ...PROVIDERS.map((p) => `  ${p}: ${JSON.stringify(migrationsOf(p), null, 2).split('\n').join('\n  ')},`),
    '};',
    '',
  ];
  mkdirSync(generatedDir, { recursive: true });
  const migrationsFile = join(generatedDir, 'migrations.ts');
  const text = lines.join('\n');
  if (!existsSync(migrationsFile) || readFileSync(migrationsFile, 'utf8') !== text) writeFileSync(migrationsFile, text);
  process.stdout.write(`@loupe/db: generated (${upToDate ? 'clients up to date' : 'clients regenerated'})\n`);
}

main();
