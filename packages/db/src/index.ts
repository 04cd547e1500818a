// @loupe/db — the store: catalogs, items, embeddings (with the index change log) and ingest jobs, on SQLite or
// PostgreSQL. Public surface only; see README.md.

// factory
export { createStore } from './store.ts';
export { migrate, type MigrateOptions } from './migrate.ts';
export { parseDatabaseUrl, redactDatabaseUrl, type DatabaseTarget } from './url.ts';
export { encodeVector, decodeVector } from './vector.ts';

// errors
export {
  DbError,
  UnsupportedDatabaseUrlError,
  DatabaseUnavailableError,
  MigrationError,
  InvalidInputError,
  NotFoundError,
  DuplicateCatalogError,
  DuplicateItemError,
  FileAlreadyRecordedError,
  JobStateError,
  LeaseLostError,
  StoreClosedError,
  type DbErrorCode,
  type EntityName,
} from './errors.ts';

// types
export { JOB_KINDS } from './repositories/jobs.ts';
export { CATALOG_OBJECTS } from './types.ts';
export type * from './types.ts';
