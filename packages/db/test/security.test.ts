// Admin sessions and the audit log on every provider (SQLite always; PostgreSQL when TEST_DATABASE_URL_PG is set).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Store } from '../src/index.ts';
import { providers, storeForSuite } from './helpers.ts';

for (const provider of providers) {
  describe(`sessions and audit on ${provider.name}`, { skip: provider.skip }, () => {
    let store: Store;
    storeForSuite(provider, (opened) => {
      store = opened.store;
    });

    test('a session is valid until revoked, expired, or made under another password; revokeAll ends them all', async () => {
      const later = new Date(Date.now() + 60_000);
      await store.sessions.create({ token: 'token-a', passwordTag: 'p1', expiresAt: later });
      await store.sessions.create({ token: 'token-b', passwordTag: 'p1', expiresAt: later });
      await store.sessions.create({ token: 'token-old', passwordTag: 'p1', expiresAt: new Date(Date.now() - 1000) });
      assert.equal(await store.sessions.isValid('token-a', 'p1'), true);
      assert.equal(await store.sessions.isValid('token-a', 'p2'), false, 'another password');
      assert.equal(await store.sessions.isValid('token-old', 'p1'), false, 'expired');
      assert.equal(await store.sessions.isValid('unknown', 'p1'), false);
      assert.equal(await store.sessions.isValid('', 'p1'), false);
      await store.sessions.revoke('token-a');
      assert.equal(await store.sessions.isValid('token-a', 'p1'), false);
      assert.equal(await store.sessions.isValid('token-b', 'p1'), true);
      assert.equal(await store.sessions.revokeAll(), 2);
      assert.equal(await store.sessions.isValid('token-b', 'p1'), false);
    });

    test('audit events are listed newest first, in pages', async () => {
      for (const action of ['login', 'key-created', 'catalog-deleted']) await store.audit.record({ action, actor: 'session', ip: '127.0.0.1' });
      const first = await store.audit.list({ limit: 2 });
      assert.deepEqual(first.events.map((e) => e.action), ['catalog-deleted', 'key-created']);
      const second = await store.audit.list({ limit: 2, cursor: first.nextCursor });
      assert.deepEqual(second.events.map((e) => [e.action, e.actor, e.ip, e.detail]), [['login', 'session', '127.0.0.1', null]]);
      assert.equal(second.nextCursor, null);
    });
  });
}
