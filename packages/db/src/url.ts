// Database URL → provider and connection settings. The scheme alone picks the provider.
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UnsupportedDatabaseUrlError } from './errors.ts';

export type DatabaseTarget =
  { provider: 'sqlite'; file: string } | { provider: 'postgresql'; connectionString: string; schema: string };

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export function parseDatabaseUrl(databaseUrl: string): DatabaseTarget {
  const url = databaseUrl.trim();
  if (url === '') throw new UnsupportedDatabaseUrlError('databaseUrl is empty');
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();

  if (scheme === 'file' || scheme === 'sqlite') {
    let rest = url.slice(scheme.length + 1);
    const query = rest.indexOf('?');
    if (query >= 0) rest = rest.slice(0, query);
    let file: string;
    if (rest.startsWith('//')) {
      try {
        file = fileURLToPath(`file:${rest}`);
      } catch (cause) {
        throw new UnsupportedDatabaseUrlError(`cannot read a file path from ${JSON.stringify(url)}: ${String(cause)}`);
      }
    } else file = decodeURIComponent(rest);
    if (file === '' || file === ':memory:' || file.startsWith(':memory:')) {
      throw new UnsupportedDatabaseUrlError(
        'in-memory SQLite is not supported (the migration runner and the client use separate connections); use a file',
      );
    }
    return { provider: 'sqlite', file: isAbsolute(file) ? file : resolve(file) };
  }

  if (scheme === 'postgres' || scheme === 'postgresql') {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new UnsupportedDatabaseUrlError('the PostgreSQL URL cannot be parsed');
    }
    const schema = parsed.searchParams.get('schema') ?? 'public';
    if (!SCHEMA_NAME.test(schema)) {
      throw new UnsupportedDatabaseUrlError(`schema ${JSON.stringify(schema)} is not a plain identifier`);
    }
    parsed.searchParams.delete('schema');
    return { provider: 'postgresql', connectionString: parsed.toString(), schema };
  }

  throw new UnsupportedDatabaseUrlError(
    `unsupported database URL scheme ${scheme ? `"${scheme}:"` : '(none)'}: use file:, sqlite:, postgres: or postgresql:`,
  );
}

/** The URL without its password, for logs and error messages. */
export function redactDatabaseUrl(databaseUrl: string): string {
  return databaseUrl.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@?#]*):[^@/?#]*@/i, '$1:***@');
}
