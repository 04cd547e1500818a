// Pure functions: URL → provider, and the vector byte format.
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import {
  decodeVector,
  encodeVector,
  InvalidInputError,
  parseDatabaseUrl,
  redactDatabaseUrl,
  UnsupportedDatabaseUrlError,
} from '../src/index.ts';
import { validateVector } from '../src/vector.ts';

test('the URL scheme picks the provider', () => {
  assert.deepEqual(parseDatabaseUrl('file:./data/loupe.db'), { provider: 'sqlite', file: resolve('data/loupe.db') });
  assert.deepEqual(parseDatabaseUrl('file:/var/lib/loupe/x.db?connection_limit=1'), {
    provider: 'sqlite',
    file: '/var/lib/loupe/x.db',
  });
  assert.deepEqual(parseDatabaseUrl('file:///tmp/a%20b.db'), { provider: 'sqlite', file: '/tmp/a b.db' });
  assert.deepEqual(parseDatabaseUrl('sqlite:rel.db'), { provider: 'sqlite', file: resolve('rel.db') });
  assert.deepEqual(parseDatabaseUrl('postgres://u:p@h:5432/db'), {
    provider: 'postgresql',
    connectionString: 'postgres://u:p@h:5432/db',
    schema: 'public',
  });
  assert.deepEqual(parseDatabaseUrl('postgresql://u@h/db?schema=tenant_1&sslmode=require'), {
    provider: 'postgresql',
    connectionString: 'postgresql://u@h/db?sslmode=require',
    schema: 'tenant_1',
  });
  for (const bad of ['', 'mysql://h/db', 'loupe.db', 'file::memory:', 'postgresql://h/db?schema=a;drop']) {
    assert.throws(() => parseDatabaseUrl(bad), UnsupportedDatabaseUrlError, bad);
  }
});

test('passwords are redacted for logs', () => {
  assert.equal(redactDatabaseUrl('postgresql://u:secret@h:5432/db'), 'postgresql://u:***@h:5432/db');
  assert.equal(redactDatabaseUrl('file:./x.db'), 'file:./x.db');
});

test('vectors are Float32 little-endian bytes, bit-exact', () => {
  const v = new Float32Array([1, -0, 0.1, Number.MAX_VALUE, Number.MIN_VALUE, -3.5e-20]);
  const bytes = encodeVector(v);
  assert.equal(bytes.byteLength, 24);
  assert.deepEqual([...bytes.slice(0, 4)], [0x00, 0x00, 0x80, 0x3f], '1.0f little-endian');
  const back = decodeVector(bytes, 6);
  assert.deepEqual([...back], [...v]);
  assert.ok(Object.is(back[1], -0));
  // A view into a larger buffer at an odd offset decodes the same.
  const padded = new Uint8Array(bytes.byteLength + 3);
  padded.set(bytes, 3);
  assert.deepEqual([...decodeVector(padded.subarray(3), 6)], [...v]);
  assert.throws(() => decodeVector(bytes, 5), /expected 20/);
  assert.throws(() => validateVector('v', new Float32Array([1, Infinity])), InvalidInputError);
  assert.throws(() => validateVector('v', new Float32Array(0)), InvalidInputError);
  assert.throws(() => validateVector('v', [1, 2] as unknown as Float32Array), InvalidInputError);
});
