// Reindex computes the active model's embeddings for items that lack them; the same ingest/search flow runs on
// PostgreSQL when TEST_DATABASE_URL_PG is set (CI starts one), failing — not skipping — if it is set but unreachable.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createEmbedder, vectorModelId, type Embedder } from '@loupe/embedding';
import { openLoupe, type Loupe } from '../src/index.ts';
import { sha256Hex } from '../src/storage.ts';
import { folderOf, openWithInternals, PHOTOS, tempDir } from './helpers.ts';

let embedder: Embedder;
const opened: Loupe[] = [];
before(async () => {
  embedder = await createEmbedder({ device: 'cpu' });
});
after(async () => {
  for (const l of opened) await l.close();
  await embedder.dispose();
});

describe('reindex', () => {
  it('computes embeddings for items stored without one, and they become searchable', async () => {
    const loupe = await openWithInternals({ dataDir: tempDir(), embedder });
    opened.push(loupe);
    await loupe.ingest(folderOf(['photos/cat.jpg', 'photos/orange.jpg']), { catalog: 'c' });
    // An item whose vector was never computed (as after a model change): stored file, no embedding.
    const bytes = readFileSync(join(PHOTOS, 'squirrel.jpg'));
    const hash = sha256Hex(bytes);
    const stored = await loupe.storage.store(bytes, hash, 'jpeg');
    const catalog = (await loupe.store.catalogs.getBySlug('c'))!;
    const { item } = await loupe.store.items.insert({
      catalogId: catalog.id,
      title: 'squirrel',
      contentHash: hash,
      ...stored,
      width: 535,
      height: 426,
      mimeType: 'image/jpeg',
      sizeBytes: bytes.length,
      sourceName: 'squirrel.jpg',
    });
    assert.equal((await loupe.stats()).indexed, 2);
    const result = await loupe.reindex();
    assert.deepEqual(result, { reindexed: 1, objects: 1, failed: [] }, 'the stored item had neither a vector nor objects');
    assert.equal((await loupe.stats()).indexed, 3);
    const [r] = await loupe.search([join(PHOTOS, 'squirrel.jpg')], { k: 1 });
    assert.ok(r!.ok && r!.value.results[0]!.id === item.id && r!.value.results[0]!.score > 0.999);
    const squirrel = (await loupe.store.items.getByIds([item.id], { modelId: loupe.modelId }))[0]!;
    assert.equal(squirrel.predictions[0]!.label, 'fox squirrel', 'reindex stores predictions too');
    // --all recomputes every item (a new sequence each), and nothing is duplicated.
    const before = await loupe.store.embeddings.latestSequence();
    assert.deepEqual(await loupe.reindex({ all: true }), { reindexed: 3, objects: 3, failed: [] });
    assert.equal(await loupe.store.embeddings.latestSequence(), before + 6, 'a new sequence for each vector and each item’s objects');
    assert.equal((await loupe.stats()).indexed, 3);
  });
});

describe('changing the pooling', () => {
  it("a data directory indexed with 'avg' opens with the GeM default unindexed; reindex brings every item back, and 'avg' still finds its own vectors", async () => {
    const dataDir = tempDir();
    const avgEmbedder = await createEmbedder({ device: 'cpu', pooling: 'avg' });
    try {
      const old = await openLoupe({ dataDir, embedder: avgEmbedder });
      await old.ingest(folderOf(['photos/cat.jpg', 'photos/orange.jpg', 'photos/eagle.jpg']), { catalog: 'c' });
      assert.deepEqual([(await old.stats()).indexed, (await old.stats()).pooling, old.modelId], [3, 'avg', vectorModelId('avg')]);
      await old.close();

      const now = await openLoupe({ dataDir, embedder });
      opened.push(now);
      const stats = await now.stats();
      assert.deepEqual([stats.items, stats.indexed, stats.pooling, stats.model], [3, 0, 'gem', vectorModelId('gem')]);
      assert.deepEqual(await now.reindex(), { reindexed: 3, objects: 3, failed: [] }, 'objects too: their vectors are the new pooling’s');
      assert.equal((await now.stats()).indexed, 3);
      const [r] = await now.search([join(PHOTOS, 'eagle.jpg')], { k: 1 });
      assert.ok(r!.ok && r!.value.results[0]!.item.sourceName === 'eagle.jpg' && r!.value.results[0]!.score > 0.999);

      // the average-pooled vectors are still there, under their own id
      const back = await openLoupe({ dataDir: dataDir, embedder: avgEmbedder });
      opened.push(back);
      assert.equal((await back.stats()).indexed, 3);
    } finally {
      await avgEmbedder.dispose();
    }
  });

  it('refuses a shared embedder whose pooling is not the one asked for', async () => {
    await assert.rejects(openLoupe({ dataDir: tempDir(), embedder, embedding: { pooling: 'avg' } }), /pools with "gem" but pooling "avg" was asked for/);
  });
});

const pgUrl = process.env.TEST_DATABASE_URL_PG;
describe('ingest and search on PostgreSQL', { skip: pgUrl ? false : 'TEST_DATABASE_URL_PG is not set (CI sets it)' }, () => {
  it('the same flow on PostgreSQL: ingest, duplicates, search, delete, a second process catches up', async () => {
    const schema = `core_${process.pid}_${Date.now()}`;
    const url = `${pgUrl}${pgUrl!.includes('?') ? '&' : '?'}schema=${schema}`;
    const dataDir = tempDir();
    const writer = await openLoupe({ dataDir, databaseUrl: url, embedder });
    const reader = await openLoupe({ dataDir: tempDir(), databaseUrl: url, embedder });
    opened.push(writer, reader);
    assert.equal((await writer.stats()).database, 'postgresql');
    const summary = await writer.ingest(folderOf(['photos/cat.jpg', 'photos/espresso.jpg', 'photos/eagle.jpg', ['photos/cat.jpg', 'again.jpg'], ['bad/text.jpg', 'x.jpg']]), {
      catalog: 'pg',
    });
    assert.deepEqual([summary.added, summary.duplicates, summary.failed.length], [3, 1, 1]);
    const [r] = await reader.search([join(PHOTOS, 'eagle.jpg')], { k: 3, catalog: 'pg' });
    assert.ok(r!.ok);
    assert.equal(r!.value.results[0]!.item.sourceName, 'eagle.jpg');
    assert.ok(r!.value.results[0]!.score > 0.999);
    await writer.removeItems([r!.value.results[0]!.id]);
    assert.equal((await reader.stats()).indexed, 2);
  });
});
