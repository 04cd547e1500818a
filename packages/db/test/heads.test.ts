// Classifier heads, item labels and metadata edits, on every provider (PostgreSQL when TEST_DATABASE_URL_PG is set).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidInputError, NotFoundError, type Store } from '../src/index.ts';
import { newItem, providers, storeForSuite } from './helpers.ts';

const MODEL = 'resnet50-test';
const onnx = (n: number) => Uint8Array.from({ length: n }, (_, i) => i % 251);

for (const provider of providers) {
  describe(`heads and labels on ${provider.name}`, { skip: provider.skip }, () => {
    let store: Store;
    storeForSuite(provider, (opened) => {
      store = opened.store;
    });

    test('heads: versions per catalog, one active, older kept and re-activatable, bytes round-trip', async () => {
      const shoes = await store.catalogs.create({ slug: 'shoes' });
      const other = await store.catalogs.create({ slug: 'other' });
      const base = { labelField: 'category', classes: ['boot', 'sneaker'], metrics: { accuracy: 0.9, knn: { accuracy: 0.8 } }, modelId: MODEL, settings: { seed: 1 } };
      const v1 = await store.heads.create({ ...base, catalogId: shoes.id, onnx: onnx(1000), activate: true });
      assert.deepEqual([v1.version, v1.active, v1.onnxBytes], [1, true, 1000]);
      assert.deepEqual(v1.onnx, onnx(1000));
      assert.deepEqual(v1.metrics, base.metrics);
      const v2 = await store.heads.create({ ...base, catalogId: shoes.id, classes: ['boot', 'sandal', 'sneaker'], onnx: onnx(2000), activate: true });
      assert.equal(v2.version, 2);
      const o1 = await store.heads.create({ ...base, catalogId: other.id, onnx: onnx(10) });
      assert.deepEqual([o1.version, o1.active], [1, false], 'versions count per catalog; not active unless asked');

      assert.equal((await store.heads.active(shoes.id))?.id, v2.id);
      const list = await store.heads.list(shoes.id);
      assert.deepEqual(
        list.map((h) => [h.version, h.active, h.onnxBytes, h.classes.length]),
        [
          [2, true, 2000, 3],
          [1, false, 1000, 2],
        ],
      );
      assert.equal('onnx' in list[0]!, false, 'lists leave the bytes out');

      const again = await store.heads.activate(v1.id);
      assert.equal(again.active, true);
      assert.deepEqual((await store.heads.list(shoes.id)).map((h) => h.active), [false, true]);
      assert.equal((await store.heads.active(other.id)), null, 'other catalogs are untouched');
      await store.heads.deactivate(shoes.id);
      assert.equal(await store.heads.active(shoes.id), null);
      assert.equal((await store.heads.get(v2.id))?.onnx.byteLength, 2000);
      assert.equal(await store.heads.get(99999), null);

      await assert.rejects(store.heads.activate(99999), NotFoundError);
      await assert.rejects(store.heads.create({ ...base, catalogId: 99999, onnx: onnx(5) }), NotFoundError);
      await assert.rejects(store.heads.create({ ...base, catalogId: shoes.id, classes: ['only'], onnx: onnx(5) }), InvalidInputError);
      await assert.rejects(store.heads.create({ ...base, catalogId: shoes.id, onnx: new Uint8Array(0) }), InvalidInputError);
    });

    test('labels: predicted and confirmed per item per head, filter ids, counts; cascades', async () => {
      const catalog = await store.catalogs.create({ slug: 'labelled' });
      const items = [];
      for (let i = 0; i < 4; i++) items.push((await store.items.insert(newItem(catalog.id))).item);
      const head = await store.heads.create({ catalogId: catalog.id, labelField: 'kind', classes: ['a', 'b'], metrics: {}, modelId: MODEL, settings: {}, onnx: onnx(8) });
      const { written } = await store.labels.upsert(head.id, [
        { itemId: items[0]!.id, label: 'a', score: 1, source: 'confirmed' },
        { itemId: items[1]!.id, label: 'a', score: 0.75, source: 'predicted' },
        { itemId: items[2]!.id, label: 'b', score: 0.6, source: 'predicted' },
      ]);
      assert.equal(written, 3);
      // Replacing: the latest label of an item wins.
      await store.labels.upsert(head.id, [{ itemId: items[2]!.id, label: 'a', score: 0.9, source: 'predicted' }]);
      const got = await store.labels.forItems(head.id, items.map((i) => i.id));
      assert.equal(got.size, 3);
      assert.deepEqual(
        [...got.values()].map((l) => [l.itemId, l.label, l.score, l.source]),
        [
          [items[0]!.id, 'a', 1, 'confirmed'],
          [items[1]!.id, 'a', 0.75, 'predicted'],
          [items[2]!.id, 'a', 0.9, 'predicted'],
        ],
      );
      assert.deepEqual(await store.labels.itemIds(head.id, 'a'), [items[0]!.id, items[1]!.id, items[2]!.id]);
      assert.deepEqual(await store.labels.itemIds(head.id, 'b'), []);
      assert.deepEqual(await store.labels.counts(head.id), [{ label: 'a', predicted: 2, confirmed: 1 }]);
      await assert.rejects(store.labels.upsert(99999, [{ itemId: items[3]!.id, label: 'a', score: 1, source: 'predicted' }]), NotFoundError);
      await assert.rejects(store.labels.upsert(head.id, [{ itemId: items[3]!.id, label: 'a', score: 1, source: 'guessed' as never }]), InvalidInputError);

      await store.items.delete([items[0]!.id]);
      assert.deepEqual(await store.labels.itemIds(head.id, 'a'), [items[1]!.id, items[2]!.id], 'deleting an item deletes its labels');
      await store.catalogs.delete('labelled');
      assert.equal(await store.heads.get(head.id), null, 'deleting a catalog deletes its heads');
    });

    test('items.setMetadataField: single and bulk, set and remove, other fields kept', async () => {
      const catalog = await store.catalogs.create({ slug: 'meta' });
      const a = (await store.items.insert({ ...newItem(catalog.id), metadata: { colour: 'red', kind: 'boot' } })).item;
      const b = (await store.items.insert({ ...newItem(catalog.id), metadata: {} })).item;
      const [one] = await store.items.setMetadataField([a.id], 'kind', 'sneaker');
      assert.deepEqual(one!.metadata, { colour: 'red', kind: 'sneaker' });
      const bulk = await store.items.setMetadataField([a.id, b.id, 99999], 'kind', 'sandal');
      assert.deepEqual(bulk.map((i) => [i.id, i.metadata.kind]), [
        [a.id, 'sandal'],
        [b.id, 'sandal'],
      ]);
      const [removed] = await store.items.setMetadataField([a.id], 'kind', null);
      assert.deepEqual(removed!.metadata, { colour: 'red' });
      assert.deepEqual((await store.items.get(b.id))!.metadata, { kind: 'sandal' });
      await assert.rejects(store.items.setMetadataField([a.id], '', 'x'), InvalidInputError);
      await assert.rejects(store.items.setMetadataField([a.id], '__proto__', 'x'), InvalidInputError);
    });
  });
}
