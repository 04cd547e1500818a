// Configuration for Prisma's CLI only (the library never reads it): `npx prisma <command>` run from packages/db
// picks the SQLite or PostgreSQL schema and migrations by the DATABASE_URL scheme, like createStore does.
// Here `prisma generate` runs through `npm run generate` instead; commands that need Prisma's native schema engine
// (migrate, db push/pull, studio's introspection) only work where that engine is installed.
import { defineConfig } from 'prisma/config';

const url = process.env.DATABASE_URL ?? 'file:../../data/loupe.db';
const provider = /^postgres(ql)?:/i.test(url) ? 'postgresql' : 'sqlite';

export default defineConfig({
  schema: `../../prisma/${provider}/schema.prisma`,
  migrations: { path: `../../prisma/${provider}/migrations` },
  datasource: { url },
});
