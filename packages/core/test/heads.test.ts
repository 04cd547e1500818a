// A catalog's own classifier head, end to end on the real model and a real SQLite store: ingest a labelled manifest
// of real photos (augmented copies made here), train from the stored vectors, classify, auto-label, search with
// labels and a label filter, edit labels, versions and activation, and the refusals.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { createEmbedder, vectorModelId, type Embedder } from '@loupe/embedding';
import { TooFewClassesError, TooFewExamplesError, TrainingCancelledError } from '@loupe/heads';
import { HeadModelMismatchError, InvalidQueryError, NotFoundError, openLoupe, UnknownFieldError, type HeadTrainingProgress } from '../src/index.ts';
import { EDITS, photoVariant, type Crop } from '../../../tests/fixtures/variants.ts';
import { openWithInternals, tempDir } from './helpers.ts';

const CLASSES: Record<string, string[]> = { bird: ['robin.jpg', 'eagle.jpg'], cat: ['cat.jpg'], fruit: ['orange.jpg'], squirrel: ['squirrel.jpg'] };

const variant = (file: string, crop: Crop, kind: keyof typeof EDITS) => photoVariant(file, crop, EDITS[kind]);

const TRAIN_CROPS: Crop[] = [
  [0, 0, 1, 1],
  [0, 0, 0.85, 0.85],
  [0.15, 0.15, 1, 1],
  [0.15, 0, 1, 0.85],
  [0, 0.15, 0.85, 1],
];

describe('classifier heads', () => {
  let embedder: Embedder;
  let loupe: Awaited<ReturnType<typeof openWithInternals>>;
  const dataDir = tempDir();
  let heldOut: Array<{ path: string; label: string }>;

  before(async () => {
    embedder = await createEmbedder({ device: 'cpu' });
    loupe = await openWithInternals({ dataDir, embedder });
    // A manifest: "kind" is the label; "single" has one value for all; "sparse" leaves one class with 2 examples.
    const dir = tempDir('loupe-heads-src-');
    const rows = ['path,kind,single,sparse,colour'];
    heldOut = [];
    for (const [label, files] of Object.entries(CLASSES)) {
      let n = 0;
      for (const file of files) {
        for (const [i, crop] of TRAIN_CROPS.entries()) {
          for (const kind of ['plain', 'mirrored'] as const) {
            const name = `${label}-${file.replace('.jpg', '')}-${i}-${kind}.jpg`;
            writeFileSync(join(dir, name), await variant(file, crop, kind));
            rows.push(`${name},${label},same,${label === 'cat' && n >= 2 ? '' : label},`);
            n++;
          }
        }
        const held = join(tempDir('loupe-heads-held-'), `${label}-${file}`);
        writeFileSync(held, await variant(file, [0.05, 0.05, 0.95, 0.95], 'rotated'));
        heldOut.push({ path: held, label });
      }
    }
    writeFileSync(join(dir, 'manifest.csv'), rows.join('\n') + '\n');
    const summary = await loupe.ingest(join(dir, 'manifest.csv'), { catalog: 'zoo' });
    assert.equal(summary.added, rows.length - 1);
  });
  after(async () => {
    await loupe?.close();
    await embedder?.dispose();
  });

  it('refuses an unknown field (naming the fields there are), one class, too few examples, no catalog', async () => {
    await assert.rejects(loupe.heads.train({ catalog: 'zoo', field: 'species' }), (e: unknown) => {
      assert.ok(e instanceof UnknownFieldError);
      assert.equal(e.code, 'UNKNOWN_FIELD');
      assert.match(e.message, /no item of catalog "zoo" has a value in the metadata field "species"; its items have: kind, single, sparse/);
      return true;
    });
    await assert.rejects(loupe.heads.train({ catalog: 'zoo', field: 'colour' }), UnknownFieldError, 'empty values are no labels');
    await assert.rejects(loupe.heads.train({ catalog: 'zoo', field: 'single' }), (e: unknown) => e instanceof TooFewClassesError && /only one class \("same"\)/.test(e.message));
    await assert.rejects(loupe.heads.train({ catalog: 'zoo', field: 'sparse' }), (e: unknown) => e instanceof TooFewExamplesError && /"cat" \(2\)/.test(e.message));
    await assert.rejects(loupe.heads.train({ catalog: 'nope', field: 'kind' }), NotFoundError);
    await assert.rejects(loupe.heads.classify([heldOut[0]!.path], { catalog: 'zoo' }), /no active head/);
    assert.deepEqual(await loupe.heads.list('zoo'), [], 'nothing stored by refused trainings');
  });

  it('cancels: the signal stops training and nothing is stored', async () => {
    const controller = new AbortController();
    await assert.rejects(
      loupe.heads.train({ catalog: 'zoo', field: 'kind', signal: controller.signal, onProgress: (p) => p.phase === 'training' && p.epoch === 2 && controller.abort() }),
      TrainingCancelledError,
    );
    assert.deepEqual(await loupe.heads.list('zoo'), []);
  });

  it('trains from the stored vectors with progress, stores and activates v1, labels every item (confirmed)', async () => {
    const phases = new Set<string>();
    const epochs: number[] = [];
    const result = await loupe.heads.train({
      catalog: 'zoo',
      field: 'kind',
      seed: 3,
      onProgress: (p: HeadTrainingProgress) => {
        phases.add(p.phase);
        if (p.phase === 'training') epochs.push(p.epoch);
      },
    });
    assert.deepEqual([...phases], ['loading', 'training', 'labelling']);
    assert.deepEqual(result.classes, ['bird', 'cat', 'fruit', 'squirrel']);
    assert.deepEqual([result.head.version, result.head.active, result.head.labelField], [1, true, 'kind']);
    assert.equal(result.trainAccuracy, 1);
    assert.equal(result.validationAccuracy, 1);
    assert.ok(result.knnAccuracy !== null && result.knnAccuracy > 0.5);
    assert.equal(epochs.length, result.metrics.epochs);
    assert.equal(result.metrics.validation.confusion.length, 4);
    assert.equal(result.labelled, 50);
    assert.equal(result.head.modelId, loupe.modelId);
    assert.equal((result.head.settings as { seed: number }).seed, 3);
    const stored = await loupe.heads.get('zoo');
    assert.equal(stored.id, result.head.id);
    assert.ok(stored.onnx.byteLength > 4 * 4 * 2048, 'the ONNX head is stored');
    const counts = await loupe.store.labels.counts(result.head.id);
    assert.deepEqual(counts, [
      { label: 'bird', predicted: 0, confirmed: 20 },
      { label: 'cat', predicted: 0, confirmed: 10 },
      { label: 'fruit', predicted: 0, confirmed: 10 },
      { label: 'squirrel', predicted: 0, confirmed: 10 },
    ]);
  });

  it('classifies held-out photos with the catalog’s classes and a CAM box, next to the ImageNet classes', async () => {
    const results = await loupe.heads.classify(
      heldOut.map((h) => h.path),
      { catalog: 'zoo', topK: 3 },
    );
    for (const [i, r] of results.entries()) {
      assert.ok(r.ok);
      const { head, predictions, width, height } = r.value;
      assert.equal(head.predictions[0]!.label, heldOut[i]!.label, heldOut[i]!.path);
      assert.equal(head.predictions.length, 3);
      assert.ok(head.box && head.box.label === heldOut[i]!.label && head.box.x1 <= width && head.box.y1 <= height);
      assert.equal(head.version, 1);
      assert.ok(predictions.length >= 1, 'ImageNet classes too');
    }
  });

  it('new items get auto-labels on ingest (predicted), search shows labels and filters by them', async () => {
    const dir = tempDir('loupe-heads-new-');
    for (const h of heldOut) writeFileSync(join(dir, h.path.split('/').pop()!), await sharp(h.path).jpeg().toBuffer());
    const summary = await loupe.ingest(dir, { catalog: 'zoo' });
    assert.equal(summary.added, heldOut.length);
    const head = (await loupe.heads.active('zoo'))!;
    const counts = await loupe.store.labels.counts(head.id);
    assert.deepEqual(counts.map((c) => [c.label, c.predicted]), [
      ['bird', 2],
      ['cat', 1],
      ['fruit', 1],
      ['squirrel', 1],
    ]);

    const [response] = await loupe.search([heldOut[0]!.path], { catalog: 'zoo', k: 5 });
    assert.ok(response!.ok);
    assert.equal(response!.value.query!.head!.predictions[0]!.label, heldOut[0]!.label);
    assert.ok(response!.value.query!.head!.box);
    for (const r of response!.value.results) assert.ok(r.label && typeof r.label.label === 'string' && ['predicted', 'confirmed'].includes(r.label.source));

    const [fruit] = await loupe.search([heldOut[0]!.path], { catalog: 'zoo', k: 50, label: 'fruit' });
    assert.ok(fruit!.ok);
    assert.equal(fruit!.value.results.length, 11);
    assert.ok(fruit!.value.results.every((r) => r.label!.label === 'fruit'));
    await assert.rejects(loupe.search([heldOut[0]!.path], { label: 'fruit' }), InvalidQueryError);
  });

  it('an admin edits labels (single and bulk): the field is set and the label becomes confirmed', async () => {
    const head = (await loupe.heads.active('zoo'))!;
    const page = await loupe.store.items.list({ catalogId: head.catalogId, limit: 1000 });
    const unlabelled = page.items.filter((i) => i.metadata.kind === undefined).map((i) => i.id);
    assert.equal(unlabelled.length, heldOut.length);
    const updated = await loupe.heads.setLabels('zoo', unlabelled.slice(0, 2), 'kind', 'bird');
    assert.deepEqual(updated.map((i) => i.metadata.kind), ['bird', 'bird']);
    const labels = await loupe.store.labels.forItems(head.id, unlabelled);
    assert.deepEqual([labels.get(unlabelled[0]!)!.source, labels.get(unlabelled[0]!)!.score], ['confirmed', 1]);
    assert.equal(labels.get(unlabelled[2]!)!.source, 'predicted');
    await assert.rejects(loupe.heads.setLabels('zoo', [999999], 'kind', 'bird'), NotFoundError);
    await assert.rejects(loupe.heads.setLabels('zoo', unlabelled, 'kind', '  '), InvalidQueryError);
  });

  it('versions: a second head is kept inactive when asked; activation switches and relabels', async () => {
    const second = await loupe.heads.train({ catalog: 'zoo', field: 'kind', activate: false, hidden: 32, maxEpochs: 20 });
    assert.deepEqual([second.head.version, second.head.active, second.labelled], [2, false, 0]);
    assert.deepEqual((await loupe.heads.list('zoo')).map((h) => [h.version, h.active]), [
      [2, false],
      [1, true],
    ]);
    const { head, labelled } = await loupe.heads.activate('zoo', 2);
    assert.deepEqual([head.version, head.active, labelled], [2, true, 55]);
    assert.equal((await loupe.heads.active('zoo'))!.version, 2);
    // An MLP head classifies but gives no CAM box.
    const [r] = await loupe.heads.classify([heldOut[0]!.path], { catalog: 'zoo' });
    assert.ok(r!.ok);
    assert.equal(r!.value.head.box, null);
    await loupe.heads.activate('zoo', 1);
    await assert.rejects(loupe.heads.activate('zoo', 7), NotFoundError);
  });

  it("a head trained on another pooling's vectors serves nothing here: classify and activate refuse it by name, search leaves it out", async () => {
    const avgEmbedder = await createEmbedder({ device: 'cpu', pooling: 'avg' });
    const old = await openLoupe({ dataDir, embedder: avgEmbedder });
    try {
      await old.reindex();
      const trained = await old.heads.train({ catalog: 'zoo', field: 'kind', maxEpochs: 20 });
      assert.deepEqual([trained.head.version, trained.head.active, trained.head.modelId], [3, true, vectorModelId('avg')]);
    } finally {
      await old.close();
      await avgEmbedder.dispose();
    }
    // A fresh GeM instance on the same data: v3 is the active head in the store, but it reads average-pooled vectors.
    const now = await openLoupe({ dataDir, embedder });
    try {
      await assert.rejects(
        now.heads.classify([heldOut[0]!.path], { catalog: 'zoo' }),
        (e) => e instanceof HeadModelMismatchError && /head v3 of catalog "zoo" was trained on vectors of "resnet50-imagenet1k-keras@1"/.test(e.message),
      );
      await assert.rejects(now.heads.activate('zoo', 3), HeadModelMismatchError);
      const [r] = await now.search([heldOut[0]!.path], { catalog: 'zoo', k: 3 });
      assert.ok(r!.ok);
      assert.equal(r!.value.query!.head, undefined);
      assert.ok(r!.value.results.every((x) => x.label === undefined));
      await assert.rejects(now.search([heldOut[0]!.path], { catalog: 'zoo', label: 'bird' }), InvalidQueryError);
      // Items listed or read under that head carry no label either (they used to: the web routes read the store's
      // active head directly, skipping the model check).
      const page = await now.items.list('zoo', { limit: 5 });
      assert.equal(page.items.length, 5);
      assert.ok(page.items.every((v) => v.label === undefined), 'no label from a head of another model');
      assert.equal((await now.items.get(page.items[0]!.item.id)).label, undefined);
      // a head trained on this instance's vectors can be activated again
      await now.heads.activate('zoo', 1);
      const [again] = await now.search([heldOut[0]!.path], { catalog: 'zoo', k: 3 });
      assert.ok(again!.ok && again!.value.query!.head!.predictions[0]!.label === heldOut[0]!.label);
      const labelled = await now.items.list('zoo', { limit: 5 });
      assert.ok(labelled.items.every((v) => v.label !== undefined && v.label !== null), 'under a head of this model, every item has its label');
    } finally {
      await now.close();
    }
  });
});
