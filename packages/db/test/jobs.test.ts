// Jobs of every kind as leased rows, on every provider (PostgreSQL when TEST_DATABASE_URL_PG is set): kinds and
// params, a lease held by one worker and fenced against another, a stale job's takeover, the attempts bound, giving
// a job back, cancelling, results.
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidInputError, JobStateError, LeaseLostError, type Store } from '../src/index.ts';
import { providers, storeForSuite } from './helpers.ts';

for (const provider of providers) {
  describe(`jobs on ${provider.name}`, { skip: provider.skip }, () => {
    let store: Store;
    let catalogId: number;
    storeForSuite(provider, async (opened) => {
      store = opened.store;
      catalogId = (await store.catalogs.create({ slug: 'jobs' })).id;
    });
    // Claims are global: every test starts with no unfinished job.
    beforeEach(async () => {
      for (const job of await store.jobs.findUnfinished()) await store.jobs.finish(job.id, { status: 'cancelled' });
    });

    test('kinds, params and a catalog-less reindex; ingest and training need a catalog', async () => {
      const reindex = await store.jobs.create({ kind: 'reindex', catalogId: null, source: 'reindex:missing', params: { all: false } });
      assert.deepEqual([reindex.kind, reindex.catalogId, reindex.params, reindex.progress, reindex.result, reindex.attempts], ['reindex', null, { all: false }, {}, null, 0]);
      const train = await store.jobs.create({ kind: 'train-head', catalogId, source: 'train-head:kind', params: { field: 'kind', seed: 3 } });
      assert.equal(train.kind, 'train-head');
      assert.equal((await store.jobs.create({ catalogId, source: 'folder:x' })).kind, 'ingest', 'ingest by default');
      await assert.rejects(store.jobs.create({ kind: 'train-head', catalogId: null, source: 'x' }), InvalidInputError);
      await assert.rejects(store.jobs.create({ kind: 'bake' as 'ingest', catalogId, source: 'x' }), InvalidInputError);
      assert.deepEqual(
        (await store.jobs.list({ kind: 'train-head' })).map((j) => j.id),
        [train.id],
      );
      assert.deepEqual(
        (await store.jobs.findUnfinished({ kind: 'reindex' })).map((j) => j.id),
        [reindex.id],
      );
      const claimed = await store.jobs.claim({ staleAfterMs: 60_000, workerId: 'w1', kinds: ['train-head'] });
      assert.equal(claimed?.id, train.id, 'kinds filter what a worker takes');
    });

    test('a lease: the holder beats and reports, another worker is fenced out, a stale job is taken over', async () => {
      const job = await store.jobs.create({ kind: 'train-head', catalogId, source: 'train-head:kind' });
      const a = await store.jobs.claim({ staleAfterMs: 60_000, workerId: 'a' });
      assert.deepEqual([a?.id, a?.status, a?.workerId, a?.attempts], [job.id, 'running', 'a', 1]);
      assert.equal(await store.jobs.claim({ staleAfterMs: 60_000, workerId: 'b' }), null, 'a live lease is not taken');
      const beaten = await store.jobs.progress(job.id, { workerId: 'a', report: { phase: 'training', epoch: 3 } });
      assert.deepEqual(beaten.progress, { phase: 'training', epoch: 3 });
      await assert.rejects(store.jobs.progress(job.id, { workerId: 'b' }), LeaseLostError);

      // Worker a stops beating (it died): after the lease, b takes the job over; a is now fenced out.
      await sleep(30);
      const b = await store.jobs.claim({ staleAfterMs: 10, workerId: 'b' });
      assert.deepEqual([b?.id, b?.workerId, b?.attempts], [job.id, 'b', 2]);
      assert.deepEqual(b?.progress, { phase: 'training', epoch: 3 }, 'the last report survives the takeover');
      await assert.rejects(store.jobs.progress(job.id, { workerId: 'a' }), (e: unknown) => e instanceof LeaseLostError && e.code === 'LEASE_LOST');
      await assert.rejects(store.jobs.finish(job.id, { status: 'done', workerId: 'a' }), LeaseLostError, 'the old holder cannot finish it');
      const done = await store.jobs.finish(job.id, { status: 'done', workerId: 'b', result: { head: 7 } });
      assert.deepEqual([done.status, done.workerId, done.result], ['done', null, { head: 7 }]);
      await assert.rejects(store.jobs.progress(job.id, { workerId: 'b' }), LeaseLostError, 'a finished job holds no lease');
    });

    test('a job that keeps killing its workers fails after maxAttempts, with a reason', async () => {
      const job = await store.jobs.create({ catalogId, source: 'zip:poison.zip' });
      assert.equal((await store.jobs.claim({ staleAfterMs: 0, workerId: 'w1', maxAttempts: 2 }))?.attempts, 1);
      await sleep(5);
      assert.equal((await store.jobs.claim({ staleAfterMs: 0, workerId: 'w2', maxAttempts: 2 }))?.attempts, 2);
      await sleep(5);
      assert.equal(await store.jobs.claim({ staleAfterMs: 0, workerId: 'w3', maxAttempts: 2 }), null);
      const failed = await store.jobs.get(job.id);
      assert.equal(failed?.status, 'failed');
      assert.match(failed?.error ?? '', /stopped without finishing it 2 times/);
    });

    test('release gives a running job back; cancel stops a queued job at once and flags a running one', async () => {
      const job = await store.jobs.create({ kind: 'reindex', catalogId: null, source: 'reindex:missing' });
      await store.jobs.claim({ staleAfterMs: 60_000, workerId: 'w' });
      await assert.rejects(store.jobs.release(job.id, 'other'), LeaseLostError);
      const back = await store.jobs.release(job.id, 'w');
      assert.deepEqual([back.status, back.workerId, back.heartbeatAt], ['queued', null, null]);
      assert.equal((await store.jobs.claim({ staleAfterMs: 60_000, workerId: 'w2' }))?.id, job.id, 'a released job is claimed at once');

      const flagged = await store.jobs.requestCancel(job.id);
      assert.deepEqual([flagged.status, flagged.cancelRequested], ['running', true]);
      assert.equal((await store.jobs.progress(job.id, { workerId: 'w2' })).cancelRequested, true, 'the holder sees the request at its heartbeat');
      await store.jobs.finish(job.id, { status: 'cancelled', workerId: 'w2' });
      await assert.rejects(store.jobs.requestCancel(job.id), JobStateError);

      const queued = await store.jobs.create({ kind: 'reindex', catalogId: null, source: 'reindex:all' });
      const cancelled = await store.jobs.requestCancel(queued.id);
      assert.equal(cancelled.status, 'cancelled');
      assert.equal(await store.jobs.claim({ staleAfterMs: 60_000, workerId: 'w' }), null);
    });
  });
}
