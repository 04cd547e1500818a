// The store suite, run against every provider (SQLite always; PostgreSQL when TEST_DATABASE_URL_PG is set).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DuplicateCatalogError,
  DuplicateItemError,
  FileAlreadyRecordedError,
  InvalidInputError,
  JobStateError,
  NotFoundError,
  StoreClosedError,
  type EmbeddingRow,
  type Store,
} from '../src/index.ts';
import { newItem, openStore, providers, storeForSuite, vectorFor, type TestDatabase } from './helpers.ts';

const MODEL = 'resnet50-test';

for (const provider of providers) {
  describe(`store on ${provider.name}`, { skip: provider.skip }, () => {
    let store: Store;
    let db: TestDatabase;
    storeForSuite(provider, (opened) => {
      ({ store, db } = opened);
    });

    async function count(table: string, where = ''): Promise<number> {
      const rows = await db.sql<{ n: number | string | bigint }>(`SELECT COUNT(*) AS n FROM "${table}" ${where}`);
      return Number(rows[0]?.n ?? 0);
    }

    test('every model round-trips through the generated client', async () => {
      const catalog = await store.catalogs.create({ slug: 'roundtrip', name: 'Round trip ✓' });
      assert.equal(catalog.name, 'Round trip ✓');
      assert.ok(catalog.createdAt instanceof Date);
      assert.ok(Math.abs(catalog.createdAt.getTime() - Date.now()) < 60_000, 'timestamps are UTC instants');

      const vector = new Float32Array([0.1, -2.5, 3.25e-8, 1e30, -0, 7]);
      const metadata = { caption: 'ünïcødé "quotes"', tags: ['a', 'b'], nested: { n: 1.5, ok: true, none: null } };
      const job = await store.jobs.create({ catalogId: catalog.id, source: 'folder:photos' });
      const { item, sequence } = await store.items.insert({
        ...newItem(catalog.id, 'roundtrip-1'),
        externalId: 'ext-1',
        metadata,
        analysis: {
          modelId: MODEL,
          vector,
          predictions: [
            { classId: 285, label: 'Egyptian cat', score: 0.8125 },
            { classId: 281, label: 'tabby', score: 0.125 },
          ],
          boxes: [{ x0: 10.5, y0: 20, x1: 300, y1: 400.25, classId: 285, label: 'Egyptian cat', score: 0.6 }],
        },
        jobFile: { jobId: job.id, path: 'photos/cat.jpg' },
      });
      assert.ok(sequence !== null && sequence > 0);
      assert.deepEqual(item.metadata, metadata);
      assert.equal(item.externalId, 'ext-1');

      const [hydrated] = await store.items.getByIds([item.id]);
      assert.ok(hydrated);
      assert.deepEqual(
        { ...hydrated, createdAt: undefined, updatedAt: undefined },
        {
          ...item,
          createdAt: undefined,
          updatedAt: undefined,
          predictions: [
            { modelId: MODEL, rank: 1, classId: 285, label: 'Egyptian cat', score: 0.8125 },
            { modelId: MODEL, rank: 2, classId: 281, label: 'tabby', score: 0.125 },
          ],
          boxes: [
            { modelId: MODEL, x0: 10.5, y0: 20, x1: 300, y1: 400.25, classId: 285, label: 'Egyptian cat', score: 0.6 },
          ],
        },
      );
      assert.equal(hydrated.createdAt.getTime(), item.createdAt.getTime());

      const embedding = await store.embeddings.get(item.id, MODEL);
      assert.ok(embedding);
      assert.deepEqual([...embedding.vector], [...vector], 'Float32 values are stored bit-exactly');
      assert.ok(Object.is(embedding.vector[4], -0));
      assert.equal(embedding.classId, 285);
      assert.equal(embedding.sequence, sequence);
      assert.equal(embedding.catalogId, catalog.id);
      const raw = await db.sql<{ vector: Uint8Array; dim: number | bigint }>(
        `SELECT "vector", "dim" FROM "Embedding" WHERE "itemId" = ${item.id}`,
      );
      assert.equal(Number(raw[0]?.dim), 6);
      assert.deepEqual(
        [...new Uint8Array(raw[0]!.vector).slice(0, 4)],
        [...new Uint8Array(new Float32Array([0.1]).buffer)],
        'little-endian bytes',
      );

      const file = await store.jobs.getFile(job.id, 'photos/cat.jpg');
      assert.equal(file?.status, 'ok');
      assert.equal(file?.itemId, item.id);
      assert.equal((await store.jobs.get(job.id))?.filesAdded, 1);

      const events = await db.sql<{ op: string; itemId: number }>(`SELECT "op", "itemId" FROM "IndexEvent"`);
      assert.deepEqual(
        events.map((e) => [e.op, Number(e.itemId)]),
        [['add', item.id]],
      );
    });

    test('catalogs: create, duplicates, ensure, list with counts, rename', async () => {
      const a = await store.catalogs.create({ slug: 'cat-a' });
      assert.equal(a.name, 'cat-a');
      await assert.rejects(store.catalogs.create({ slug: 'cat-a' }), DuplicateCatalogError);
      await assert.rejects(store.catalogs.create({ slug: 'Bad Slug' }), InvalidInputError);
      const ensured = await store.catalogs.ensure({ slug: 'cat-b', name: 'B' });
      assert.equal(ensured.created, true);
      const again = await store.catalogs.ensure({ slug: 'cat-b' });
      assert.deepEqual(again, { catalog: ensured.catalog, created: false });
      await store.items.insert(newItem(a.id));
      await store.items.insert(newItem(a.id));
      const list = await store.catalogs.list();
      const counts = Object.fromEntries(list.map((c) => [c.slug, c.itemCount]));
      assert.equal(counts['cat-a'], 2);
      assert.equal(counts['cat-b'], 0);
      assert.deepEqual(
        list.map((c) => c.slug),
        [...list.map((c) => c.slug)].sort(),
      );
      const renamed = await store.catalogs.update('cat-b', { name: 'Bee' });
      assert.equal(renamed.name, 'Bee');
      assert.equal((await store.catalogs.getBySlug('cat-b'))?.name, 'Bee');
      // Objects are found by default; a catalog can turn them off or ask for masks, at creation or later.
      assert.equal(renamed.objects, 'boxes');
      assert.equal((await store.catalogs.create({ slug: 'cat-c', objects: 'off' })).objects, 'off');
      const masked = await store.catalogs.update('cat-c', { objects: 'masks' });
      assert.deepEqual([masked.name, masked.objects], ['cat-c', 'masks']);
      await assert.rejects(store.catalogs.update('cat-c', { objects: 'all' as never }), /objects must be one of off, boxes, masks/);
      await assert.rejects(store.catalogs.create({ slug: 'cat-d', objects: 'yes' as never }), InvalidInputError);
      assert.equal(await store.catalogs.getBySlug('cat-d'), null);
      assert.equal((await store.catalogs.getById(a.id))?.slug, 'cat-a');
      assert.equal(await store.catalogs.getBySlug('nope'), null);
      await assert.rejects(store.catalogs.update('nope', { name: 'x' }), NotFoundError);
      await assert.rejects(store.catalogs.delete('nope'), NotFoundError);
    });

    test('exactly once: a second insert of the same content raises DuplicateItemError and writes nothing', async () => {
      const catalog = await store.catalogs.create({ slug: 'dups' });
      const other = await store.catalogs.create({ slug: 'dups-other' });
      const first = await store.items.insert({
        ...newItem(catalog.id, 'dup-content'),
        externalId: 'E1',
        analysis: { modelId: MODEL, vector: vectorFor(1) },
      });
      const before = {
        items: await count('Item'),
        embeddings: await count('Embedding'),
        latest: await store.embeddings.latestSequence(),
      };
      const err = await store.items
        .insert({ ...newItem(catalog.id, 'dup-content'), analysis: { modelId: MODEL, vector: vectorFor(2) } })
        .then(
          () => assert.fail('expected a DuplicateItemError'),
          (e: unknown) => e,
        );
      assert.ok(err instanceof DuplicateItemError);
      assert.equal(err.code, 'DUPLICATE_ITEM');
      assert.equal(err.field, 'contentHash');
      assert.equal(err.existingItemId, first.item.id);

      const byExternal = await store.items
        .insert({ ...newItem(catalog.id), externalId: 'E1' })
        .catch((e: unknown) => e);
      assert.ok(byExternal instanceof DuplicateItemError);
      assert.equal(byExternal.field, 'externalId');
      assert.equal(byExternal.existingItemId, first.item.id);

      assert.equal(await count('Item'), before.items);
      assert.equal(await count('Embedding'), before.embeddings);
      assert.equal(await store.embeddings.latestSequence(), before.latest);

      // Racing inserts of the same content: exactly one wins.
      const racing = await Promise.allSettled(
        Array.from({ length: 5 }, () =>
          store.items.insert({ ...newItem(catalog.id, 'raced'), analysis: { modelId: MODEL, vector: vectorFor(3) } }),
        ),
      );
      assert.equal(racing.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of racing) if (r.status === 'rejected') assert.ok(r.reason instanceof DuplicateItemError);

      // The same content in another catalog is a different item.
      const elsewhere = await store.items.insert(newItem(other.id, 'dup-content'));
      assert.notEqual(elsewhere.item.id, first.item.id);
      assert.equal((await store.items.findByContentHash(catalog.id, first.item.contentHash))?.id, first.item.id);
      assert.equal((await store.items.findByExternalId(catalog.id, 'E1'))?.id, first.item.id);
    });

    test('a failed transaction leaves nothing behind', async () => {
      const catalog = await store.catalogs.create({ slug: 'rollback' });
      const job = await store.jobs.create({ catalogId: catalog.id, source: 'zip:x.zip' });
      await store.jobs.recordFile({ jobId: job.id, path: 'taken.jpg', status: 'failed', reason: 'corrupt' });
      const snapshot = async () => ({
        items: await count('Item'),
        embeddings: await count('Embedding'),
        predictions: await count('Prediction'),
        boxes: await count('Box'),
        events: await count('IndexEvent'),
        files: await count('JobFile'),
        job: await store.jobs.get(job.id),
      });
      const before = await snapshot();
      const analysis = {
        modelId: MODEL,
        vector: vectorFor(9),
        predictions: [{ classId: 1, label: 'x', score: 0.5 }],
        boxes: [{ x0: 0, y0: 0, x1: 1, y1: 1, classId: 1, label: 'x', score: 0.5 }],
      };
      // The job file fails after item, embedding, predictions and boxes were written in the transaction.
      await assert.rejects(
        store.items.insert({ ...newItem(catalog.id, 'rb-1'), analysis, jobFile: { jobId: job.id, path: 'taken.jpg' } }),
        FileAlreadyRecordedError,
      );
      await assert.rejects(
        store.items.insert({ ...newItem(catalog.id, 'rb-2'), analysis, jobFile: { jobId: 999_999, path: 'a.jpg' } }),
        (e: unknown) => e instanceof NotFoundError && e.entity === 'job',
      );
      await assert.rejects(
        store.items.insert({ ...newItem(999_999, 'rb-3'), analysis }),
        (e: unknown) => e instanceof NotFoundError && e.entity === 'catalog',
      );
      // Invalid input is refused before any write.
      await assert.rejects(
        store.items.insert({
          ...newItem(catalog.id),
          analysis: { modelId: MODEL, vector: new Float32Array([1, NaN]) },
        }),
        InvalidInputError,
      );
      await assert.rejects(store.items.insert({ ...newItem(catalog.id), contentHash: 'ABC' }), InvalidInputError);
      assert.deepEqual(await snapshot(), before);
      assert.equal(await store.items.findByContentHash(catalog.id, newItem(catalog.id, 'rb-1').contentHash), null);
    });

    test('sequences strictly increase across inserts, replacements and deletes', async () => {
      const catalog = await store.catalogs.create({ slug: 'seq' });
      const seen: number[] = [];
      const ids: number[] = [];
      for (let i = 0; i < 6; i++) {
        const { item, sequence } = await store.items.insert({
          ...newItem(catalog.id),
          analysis: { modelId: MODEL, vector: vectorFor(100 + i) },
        });
        ids.push(item.id);
        seen.push(sequence as number);
      }
      const noVector = await store.items.insert(newItem(catalog.id));
      assert.equal(noVector.sequence, null);
      seen.push((await store.embeddings.upsert(ids[0]!, { modelId: MODEL, vector: vectorFor(7) })).sequence);
      seen.push((await store.embeddings.upsert(noVector.item.id, { modelId: MODEL, vector: vectorFor(8) })).sequence);
      const beforeDelete = await store.embeddings.latestSequence();
      assert.equal(beforeDelete, seen.at(-1));
      assert.deepEqual(await store.items.delete([ids[1]!, ids[2]!, 987_654]), { deleted: 2 });
      const afterDelete = await store.embeddings.latestSequence();
      assert.ok(afterDelete > beforeDelete);
      for (let i = 1; i < seen.length; i++)
        assert.ok(seen[i]! > seen[i - 1]!, `sequence ${seen[i]} follows ${seen[i - 1]}`);
      const events = await db.sql<{ sequence: number; op: string; itemId: number }>(
        `SELECT "sequence", "op", "itemId" FROM "IndexEvent" WHERE "catalogId" = ${catalog.id} ORDER BY "sequence"`,
      );
      assert.deepEqual(
        events.slice(-2).map((e) => [e.op, Number(e.itemId)]),
        [
          ['remove', ids[1]],
          ['remove', ids[2]],
        ],
      );
      assert.equal(await store.items.get(ids[1]!), null);
      assert.equal(await store.embeddings.get(ids[1]!, MODEL), null);
      assert.deepEqual(await store.items.delete([]), { deleted: 0 });
    });

    test('catch-up returns exactly the rows after S, in order and in batches', async () => {
      const catalog = await store.catalogs.create({ slug: 'catchup' });
      const model = 'catchup-model';
      const items: { id: number; sequence: number }[] = [];
      for (let i = 0; i < 10; i++) {
        const { item, sequence } = await store.items.insert({
          ...newItem(catalog.id),
          analysis: {
            modelId: model,
            vector: vectorFor(200 + i),
            predictions: [{ classId: i, label: `c${i}`, score: 1 }],
          },
        });
        items.push({ id: item.id, sequence: sequence as number });
      }
      // Another model's rows never show up.
      await store.embeddings.upsert(items[0]!.id, { modelId: 'other-model', vector: vectorFor(1) });

      const S = items[3]!.sequence;
      const batches: EmbeddingRow[][] = [];
      for await (const batch of store.embeddings.streamAfter({ modelId: model, after: S, batchSize: 4 }))
        batches.push(batch);
      assert.deepEqual(
        batches.map((b) => b.length),
        [4, 2],
      );
      const rows = batches.flat();
      assert.deepEqual(
        rows.map((r) => r.itemId),
        items.slice(4).map((i) => i.id),
      );
      assert.deepEqual(
        rows.map((r) => r.sequence),
        items.slice(4).map((i) => i.sequence),
      );
      assert.deepEqual([...rows[0]!.vector], [...vectorFor(204)]);
      assert.equal(rows[0]!.classId, 4);
      const all: EmbeddingRow[] = [];
      for await (const b of store.embeddings.streamAfter({ modelId: model, after: 0, catalogId: catalog.id }))
        all.push(...b);
      assert.equal(all.length, 10);
      const none: unknown[] = [];
      for await (const b of store.embeddings.streamAfter({ modelId: model, after: items[9]!.sequence })) none.push(b);
      assert.deepEqual(none, []);

      // A snapshot covering S, then changes: a replacement, a deletion, a new item.
      const snapshot = new Map<number, Float32Array>();
      for await (const b of store.embeddings.streamAfter({ modelId: model, after: 0 })) {
        for (const r of b) if (r.sequence <= S) snapshot.set(r.itemId, r.vector);
      }
      await store.embeddings.upsert(items[1]!.id, { modelId: model, vector: vectorFor(999) });
      await store.embeddings.upsert(items[5]!.id, { modelId: model, vector: vectorFor(998) }); // replaces an add after S
      await store.items.delete([items[2]!.id, items[6]!.id]);
      const added = await store.items.insert({
        ...newItem(catalog.id),
        analysis: { modelId: model, vector: vectorFor(997) },
      });

      let lastSequence = S;
      let adds = 0;
      for await (const batch of store.embeddings.changesAfter({ modelId: model, after: S, batchSize: 3 })) {
        assert.ok(batch.lastSequence > lastSequence);
        lastSequence = batch.lastSequence;
        for (const change of batch.changes) {
          if (change.op === 'add') {
            adds++;
            snapshot.set(change.itemId, change.vector);
          } else snapshot.delete(change.itemId);
        }
      }
      assert.equal(lastSequence, await store.embeddings.latestSequence());
      // items[5]'s first add and items[6]'s add were superseded: only current rows are delivered.
      assert.equal(adds, 10 - 4 - 2 + 2 + 1);
      const truth = new Map<number, Float32Array>();
      for await (const b of store.embeddings.streamAfter({ modelId: model, after: 0 })) {
        for (const r of b) truth.set(r.itemId, r.vector);
      }
      assert.deepEqual(
        [...snapshot.keys()].sort((a, b) => a - b),
        [...truth.keys()].sort((a, b) => a - b),
      );
      for (const [id, vector] of truth) assert.deepEqual([...snapshot.get(id)!], [...vector]);
      assert.ok(truth.has(added.item.id));
      assert.deepEqual([...truth.get(items[1]!.id)!], [...vectorFor(999)]);
    });

    test('items: hydrate by ids in order, page, filter by class, count', async () => {
      const catalog = await store.catalogs.create({ slug: 'paging' });
      const ids: number[] = [];
      for (let i = 0; i < 7; i++) {
        const { item } = await store.items.insert({
          ...newItem(catalog.id),
          analysis: {
            modelId: MODEL,
            vector: vectorFor(300 + i),
            predictions: [
              { classId: i % 2 === 0 ? 1 : 2, label: 'x', score: 0.9 },
              { classId: 3, label: 'y', score: 0.05 },
            ],
          },
        });
        ids.push(item.id);
      }
      await store.embeddings.upsert(ids[0]!, {
        modelId: 'm2',
        vector: vectorFor(1),
        predictions: [{ classId: 9, label: 'z', score: 1 }],
      });
      const wanted = [ids[4]!, 123_456, ids[0]!, ids[2]!, ids[4]!];
      const hydrated = await store.items.getByIds(wanted, { modelId: MODEL });
      assert.deepEqual(
        hydrated.map((h) => h.id),
        [ids[4], ids[0], ids[2], ids[4]],
      );
      assert.deepEqual(
        hydrated[1]!.predictions.map((p) => [p.modelId, p.rank, p.classId]),
        [
          [MODEL, 1, 1],
          [MODEL, 2, 3],
        ],
      );
      const allModels = await store.items.getByIds([ids[0]!]);
      assert.equal(allModels[0]!.predictions.length, 3);
      // Content hashes alone (search tells the same image in several catalogs by them).
      const hashes = await store.items.contentHashes(wanted);
      assert.deepEqual([...hashes.keys()].sort((a, b) => a - b), [ids[0], ids[2], ids[4]]);
      assert.equal(hashes.get(ids[2]!), hydrated[2]!.contentHash);

      const pages: number[][] = [];
      let cursor: number | null = null;
      do {
        const page = await store.items.list({ catalogId: catalog.id, limit: 3, cursor });
        pages.push(page.items.map((i) => i.id));
        cursor = page.nextCursor;
      } while (cursor !== null);
      assert.deepEqual(pages, [ids.slice(0, 3), ids.slice(3, 6), ids.slice(6)]);
      const cats = await store.items.list({ catalogId: catalog.id, modelId: MODEL, classId: 2 });
      assert.deepEqual(
        cats.items.map((i) => i.id),
        [ids[1], ids[3], ids[5]],
      );
      await assert.rejects(store.items.list({ classId: 2 }), InvalidInputError);
      assert.equal(await store.items.count({ catalogId: catalog.id }), 7);
      assert.ok((await store.items.count()) >= 7);
    });

    test('embeddings: replace, counts, models, items without a model', async () => {
      const catalog = await store.catalogs.create({ slug: 'reindex' });
      const a = await store.items.insert({
        ...newItem(catalog.id),
        analysis: {
          modelId: 'old',
          vector: vectorFor(1),
          predictions: [{ classId: 1, label: 'a', score: 1 }],
          boxes: [{ x0: 0, y0: 0, x1: 2, y1: 2, classId: 1, label: 'a', score: 1 }],
        },
      });
      const b = await store.items.insert(newItem(catalog.id));
      const without = await store.embeddings.itemsWithout({ modelId: 'new', catalogId: catalog.id });
      assert.deepEqual(
        without.items.map((i) => i.id),
        [a.item.id, b.item.id],
      );
      const replaced = await store.embeddings.upsert(a.item.id, {
        modelId: 'old',
        vector: vectorFor(2, 4),
        predictions: [{ classId: 7, label: 'q', score: 0.7 }],
        boxes: [],
      });
      assert.ok(replaced.sequence > (a.sequence as number));
      const row = await store.embeddings.get(a.item.id, 'old');
      assert.equal(row?.vector.length, 4);
      assert.equal(row?.classId, 7);
      const [h] = await store.items.getByIds([a.item.id], { modelId: 'old' });
      assert.deepEqual(h?.boxes, []);
      assert.deepEqual(
        h?.predictions.map((p) => p.classId),
        [7],
      );
      await store.embeddings.upsert(b.item.id, { modelId: 'new', vector: vectorFor(3) });
      assert.deepEqual(
        (await store.embeddings.itemsWithout({ modelId: 'new', catalogId: catalog.id })).items.map((i) => i.id),
        [a.item.id],
      );
      assert.equal(await store.embeddings.count({ catalogId: catalog.id }), 2);
      assert.equal(await store.embeddings.count({ modelId: 'new', catalogId: catalog.id }), 1);
      const models = await store.embeddings.models();
      assert.ok(models.some((m) => m.modelId === 'new' && m.count >= 1));
      await assert.rejects(store.embeddings.upsert(999_999, { modelId: 'x', vector: vectorFor(1) }), NotFoundError);
    });

    test('jobs: lifecycle, idempotent file outcomes, resume, claim', async () => {
      const catalog = await store.catalogs.create({ slug: 'jobs' });
      await assert.rejects(store.jobs.create({ catalogId: 999_999, source: 'x' }), NotFoundError);
      const job = await store.jobs.create({ catalogId: catalog.id, source: 'folder:/photos' });
      assert.equal(job.status, 'queued');
      assert.equal(job.startedAt, null);
      const started = await store.jobs.start(job.id);
      assert.equal(started.status, 'running');
      assert.ok(started.startedAt && started.heartbeatAt);
      const resumed = await store.jobs.start(job.id);
      assert.equal(resumed.startedAt?.getTime(), started.startedAt.getTime(), 'a resume keeps startedAt');

      const progressed = await store.jobs.progress(job.id, { filesSeen: 4 });
      assert.equal(progressed.filesSeen, 4);
      await assert.rejects(store.jobs.progress(999_999), NotFoundError);

      const ok = await store.items.insert({ ...newItem(catalog.id), jobFile: { jobId: job.id, path: 'a.jpg' } });
      const first = await store.jobs.recordFile({
        jobId: job.id,
        path: 'b.jpg',
        status: 'duplicate',
        itemId: ok.item.id,
      });
      assert.equal(first.recorded, true);
      const again = await store.jobs.recordFile({
        jobId: job.id,
        path: 'b.jpg',
        status: 'duplicate',
        itemId: ok.item.id,
      });
      assert.equal(again.recorded, false);
      assert.deepEqual(again.file, first.file);
      const conflicting = await store.jobs.recordFile({ jobId: job.id, path: 'b.jpg', status: 'failed', reason: 'x' });
      assert.equal(conflicting.recorded, false);
      assert.equal(conflicting.file.status, 'duplicate', 'the first outcome stays');
      await store.jobs.recordFile({ jobId: job.id, path: 'c.jpg', status: 'failed', reason: 'corrupt JPEG' });
      await store.jobs.recordFile({ jobId: job.id, path: 'c.jpg', status: 'failed', reason: 'corrupt JPEG' });
      await assert.rejects(
        store.jobs.recordFile({ jobId: job.id, path: 'd.jpg', status: 'weird' as 'ok' }),
        InvalidInputError,
      );
      await assert.rejects(store.jobs.recordFile({ jobId: 999_999, path: 'd.jpg', status: 'failed' }), NotFoundError);

      const counted = await store.jobs.get(job.id);
      assert.deepEqual([counted?.filesAdded, counted?.filesDuplicate, counted?.filesFailed], [1, 1, 1]);
      assert.deepEqual([...(await store.jobs.recordedPaths(job.id))].sort(), ['a.jpg', 'b.jpg', 'c.jpg']);
      const failed = await store.jobs.files(job.id, { status: 'failed' });
      assert.deepEqual(
        failed.files.map((f) => [f.path, f.reason]),
        [['c.jpg', 'corrupt JPEG']],
      );
      const paged = await store.jobs.files(job.id, { limit: 2 });
      assert.equal(paged.files.length, 2);
      assert.deepEqual(
        (await store.jobs.files(job.id, { limit: 2, cursor: paged.nextCursor })).files.map((f) => f.path),
        ['c.jpg'],
      );

      assert.deepEqual(
        (await store.jobs.findUnfinished({ catalogId: catalog.id, source: 'folder:/photos' })).map((j) => j.id),
        [job.id],
      );
      const done = await store.jobs.finish(job.id, { status: 'done' });
      assert.equal(done.status, 'done');
      assert.ok(done.finishedAt);
      await assert.rejects(store.jobs.finish(job.id, { status: 'failed' }), JobStateError);
      await assert.rejects(store.jobs.start(job.id), JobStateError);
      assert.deepEqual(await store.jobs.findUnfinished({ catalogId: catalog.id }), []);
      assert.equal((await store.jobs.list({ catalogId: catalog.id }))[0]?.id, job.id);

      // claim: queued first; a running job only once its heartbeat is stale. (Claims are global: clear others.)
      for (const other of await store.jobs.findUnfinished()) await store.jobs.finish(other.id, { status: 'cancelled' });
      const queued = await store.jobs.create({ catalogId: catalog.id, source: 'upload:1' });
      const claimed = await store.jobs.claim({ staleAfterMs: 60_000 });
      assert.equal(claimed?.id, queued.id);
      assert.equal(claimed?.status, 'running');
      assert.equal(await store.jobs.claim({ staleAfterMs: 60_000 }), null, 'a live job is not taken');
      // Stale means a heartbeat older than staleAfterMs: wait for that condition, not for a guessed time.
      const beat = (await store.jobs.get(queued.id))!.heartbeatAt!.getTime();
      while (Date.now() - beat <= 10) await new Promise((r) => setTimeout(r, 1));
      const reclaimed = await store.jobs.claim({ staleAfterMs: 10 });
      assert.equal(reclaimed?.id, queued.id, 'a job whose worker stopped beating is taken over');
      await store.jobs.finish(queued.id, { status: 'cancelled', error: 'stopped' });
    });

    test('deleting a catalog cascades and records remove events', async () => {
      const catalog = await store.catalogs.create({ slug: 'doomed' });
      const job = await store.jobs.create({ catalogId: catalog.id, source: 's' });
      const ids: number[] = [];
      for (let i = 0; i < 3; i++) {
        const { item } = await store.items.insert({
          ...newItem(catalog.id),
          analysis: {
            modelId: MODEL,
            vector: vectorFor(i),
            predictions: [{ classId: 1, label: 'a', score: 1 }],
            boxes: [{ x0: 0, y0: 0, x1: 1, y1: 1, classId: 1, label: 'a', score: 1 }],
          },
          jobFile: { jobId: job.id, path: `${i}.jpg` },
        });
        ids.push(item.id);
      }
      await store.embeddings.upsert(ids[0]!, { modelId: 'second', vector: vectorFor(5) });
      const S = await store.embeddings.latestSequence();
      assert.deepEqual(await store.catalogs.delete('doomed'), { items: 3 });
      assert.equal(await store.catalogs.getBySlug('doomed'), null);
      const where = `WHERE "itemId" IN (${ids.join(',')})`;
      for (const table of ['Embedding', 'Prediction', 'Box', 'JobFile'])
        assert.equal(await count(table, where), 0, table);
      assert.equal(await count('Item', `WHERE "catalogId" = ${catalog.id}`), 0);
      assert.equal(await count('IngestJob', `WHERE "id" = ${job.id}`), 0);
      const removes: number[] = [];
      for await (const b of store.embeddings.changesAfter({ modelId: MODEL, after: S })) {
        for (const c of b.changes) if (c.op === 'remove') removes.push(c.itemId);
      }
      assert.deepEqual(
        removes.sort((a, b) => a - b),
        ids,
      );
      assert.equal(await count('IndexEvent', `WHERE "sequence" > ${S} AND "modelId" = 'second'`), 1);
    });

    test('API keys: the secret is shown once, only its hash is stored, revoked keys stop working', async () => {
      const { key, apiKey } = await store.apiKeys.create({ name: 'ci script', scope: 'read' });
      assert.match(key, /^lk_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{32}$/);
      assert.equal(apiKey.prefix, key.slice(0, 11));
      const rows = await db.sql<{ hash: string }>(`SELECT "hash" FROM "ApiKey" WHERE "id" = ${apiKey.id}`);
      assert.equal(rows[0]!.hash.length, 64);
      assert.ok(!rows[0]!.hash.includes(key.slice(12)), 'the secret is not stored');
      const verified = await store.apiKeys.verify(key);
      assert.equal(verified?.id, apiKey.id);
      assert.ok(verified?.lastUsedAt instanceof Date);
      assert.equal(await store.apiKeys.verify(key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A')), null);
      assert.equal(await store.apiKeys.verify('not a key'), null);
      await assert.rejects(store.apiKeys.create({ name: 'x', scope: 'root' as never }), InvalidInputError);
      const admin = await store.apiKeys.create({ name: 'admin script', scope: 'admin' });
      assert.deepEqual(
        (await store.apiKeys.list()).filter((k) => [apiKey.id, admin.apiKey.id].includes(k.id)).map((k) => k.scope),
        ['read', 'admin'],
      );
      await store.apiKeys.revoke(apiKey.id);
      assert.equal(await store.apiKeys.verify(key), null);
      await assert.rejects(store.apiKeys.revoke(999_999), NotFoundError);
    });

    test("an item's objects: boxes in rank order and one vector each, in the item's transaction, replaced and removed through the change log", async () => {
      const OBJECTS = 'objects-test';
      const catalog = await store.catalogs.create({ slug: 'with-objects' });
      const box = (label: string, x0: number, score: number) => ({ x0, y0: 5, x1: x0 + 50, y1: 80, classId: label === 'cat' ? 15 : 16, label, score });
      const before = await store.embeddings.latestSequence({ modelId: OBJECTS });
      const { item } = await store.items.insert({
        ...newItem(catalog.id),
        analysis: { modelId: MODEL, vector: vectorFor(1) },
        objects: { modelId: OBJECTS, objects: [{ ...box('cat', 10, 0.9), vector: vectorFor(2) }, { ...box('dog', 100, 0.6), vector: vectorFor(3) }] },
      });
      const [hydrated] = await store.items.getByIds([item.id], { modelId: MODEL, objectsModelId: OBJECTS });
      assert.deepEqual(hydrated!.objects!.map((o) => [o.label, o.x0, o.score]), [['cat', 10, 0.9], ['dog', 100, 0.6]]);
      assert.deepEqual(hydrated!.boxes, [], "the objects are not the item's own boxes");
      // One embedding row for the objects: their vectors one after another, with its own add event.
      const row = await store.embeddings.get(item.id, OBJECTS);
      assert.deepEqual([...row!.vector], [...vectorFor(2), ...vectorFor(3)]);
      assert.ok((await store.embeddings.latestSequence({ modelId: OBJECTS })) > before);
      // Replaced (reindex): the new list only, a new sequence; an item with no objects keeps an empty row.
      const { sequence } = await store.embeddings.upsertObjects(item.id, { modelId: OBJECTS, objects: [] });
      assert.equal((await store.embeddings.get(item.id, OBJECTS))!.vector.length, 0);
      assert.deepEqual((await store.items.getByIds([item.id], { objectsModelId: OBJECTS }))[0]!.objects, []);
      assert.equal(await store.embeddings.latestSequence({ modelId: OBJECTS }), sequence);
      // A mask is stored with its object (RLE over the whole image) and comes back as it went in.
      const mask = { size: [4, 3] as [number, number], counts: [5, 4, 3] };
      await store.embeddings.upsertObjects(item.id, { modelId: OBJECTS, objects: [{ ...box('cat', 10, 0.9), mask, vector: vectorFor(2) }] });
      assert.deepEqual((await store.items.getByIds([item.id], { objectsModelId: OBJECTS }))[0]!.objects!.map((o) => o.mask), [mask]);
      for (const bad of [{ size: [4, 3], counts: [5, 4] }, { size: [4], counts: [12] }, { size: [4, 3], counts: [13, -1] }])
        await assert.rejects(
          store.embeddings.upsertObjects(item.id, { modelId: OBJECTS, objects: [{ ...box('cat', 10, 0.9), mask: bad as never, vector: vectorFor(2) }] }),
          InvalidInputError,
        );
      await store.embeddings.upsertObjects(item.id, { modelId: OBJECTS, objects: [] });
      // Bad objects are refused before anything is written.
      await assert.rejects(
        store.items.insert({ ...newItem(catalog.id), analysis: { modelId: MODEL, vector: vectorFor(4) }, objects: { modelId: OBJECTS, objects: [{ ...box('cat', 10, 0.9), vector: new Float32Array([1, Number.NaN]) }] } }),
        InvalidInputError,
      );
      await assert.rejects(
        store.items.insert({ ...newItem(catalog.id), analysis: { modelId: MODEL, vector: vectorFor(4) }, objects: { modelId: OBJECTS, objects: Array.from({ length: 33 }, () => ({ ...box('cat', 10, 0.9), vector: vectorFor(5) })) } }),
        /at most 32 objects/,
      );
      // Deleting the item logs a remove event for its objects too.
      await store.items.delete([item.id]);
      const changes = [];
      for await (const batch of store.embeddings.changesAfter({ modelId: OBJECTS, after: sequence })) changes.push(...batch.changes);
      assert.deepEqual(changes.map((c) => [c.op, c.itemId]), [['remove', item.id]]);
    });

    test('stats', async () => {
      const stats = await store.stats();
      assert.equal(stats.provider, provider.name);
      assert.ok(stats.catalogs > 0 && stats.items > 0 && stats.latestSequence > 0);
      assert.ok(stats.embeddings.some((e) => e.modelId === MODEL));
    });
  });

  describe(`store lifecycle on ${provider.name}`, { skip: provider.skip }, () => {
    test('close releases the client; later calls throw StoreClosedError', async () => {
      const { store, cleanup } = await openStore(provider);
      const pending = store.catalogs.create({ slug: 'in-flight' });
      await store.close();
      assert.equal((await pending).slug, 'in-flight', 'close waits for operations in flight');
      await assert.rejects(store.catalogs.list(), StoreClosedError);
      await store.close();
      await cleanup();
    });
  });
}
