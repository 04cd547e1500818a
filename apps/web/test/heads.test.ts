// The classifier-head routes through the typed client, against the built app: upload a labelled manifest of real
// photos (augmented copies made here), train in the background with progress, metrics and the confusion image,
// classify and search with the catalog's labels, edit labels, versions, and the refusals.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { LoupeApiError, LoupeClient, type HeadTraining } from '@loupe/client';
import { checkedFetch, covered, uncovered } from './contract.ts';
import { startServer, type RunningServer } from './server.ts';
import { labelledSet, type Crop } from '../../../tests/fixtures/variants.ts';

const PASSWORD = 'correct horse battery staple';
const CLASSES = { bird: 'robin.jpg', cat: 'cat.jpg', fruit: 'orange.jpg' } as const;
const CROPS: Crop[] = [
  [0, 0, 1, 1],
  [0, 0, 0.85, 0.85],
  [0.15, 0.15, 1, 1],
];

async function expectError(promise: Promise<unknown>, status: number, code?: string): Promise<LoupeApiError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof LoupeApiError, `expected an API error, got ${String(error)}`);
    assert.equal(error.status, status, error.message);
    if (code) assert.equal(error.code, code, error.message);
    return error;
  }
  assert.fail(`expected HTTP ${status}`);
}

describe('REST API v1: classifier heads', () => {
  let server: RunningServer;
  let anonymous: LoupeClient;
  let admin: LoupeClient;
  const held: Record<string, Uint8Array> = {};

  before(async () => {
    server = await startServer({ LOUPE_ADMIN_PASSWORD: PASSWORD });
    anonymous = new LoupeClient({ baseUrl: server.url, fetch: checkedFetch });
    admin = new LoupeClient({ baseUrl: server.url, fetch: checkedFetch });
    await admin.login(PASSWORD);
    const set = await labelledSet(CLASSES, CROPS);
    for (const [label, bytes] of Object.entries(set.held)) held[label] = new Uint8Array(bytes);
    const files = [...set.files.map((f) => ({ data: new Uint8Array(f.data), name: f.name })), { data: new TextEncoder().encode(set.manifest), name: 'manifest.csv' }];
    const job = await admin.items.upload('zoo', files);
    const done = await admin.jobs.wait(job.id, { timeoutMs: 180_000 });
    assert.deepEqual([done.status, done.added], ['done', 18]);
  });
  after(async () => {
    await server?.stop();
  });

  it('OpenAPI lists the head routes', async () => {
    const doc = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as { paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } };
    for (const path of ['/catalogs/{slug}/heads', '/catalogs/{slug}/heads/jobs/{id}', '/catalogs/{slug}/heads/{version}', '/catalogs/{slug}/heads/{version}/activate', '/catalogs/{slug}/heads/{version}/confusion', '/catalogs/{slug}/labels', '/catalogs/{slug}/fields'])
      assert.ok(doc.paths[path], `OpenAPI lacks ${path}`);
    for (const schema of ['Head', 'HeadDetail', 'HeadTraining', 'ItemLabel', 'HeadPredictions']) assert.ok(doc.components.schemas[schema], `no schema ${schema}`);
  });

  it('refuses: no credentials (401), unknown field, one class, too few examples (422), unknown catalog (404)', async () => {
    await expectError(anonymous.heads.train('zoo', { field: 'kind' }), 401, 'UNAUTHORIZED');
    const unknown = await expectError(admin.heads.train('zoo', { field: 'species' }), 422, 'UNKNOWN_FIELD');
    assert.match(unknown.message, /"species".*its items have: kind, single/);
    assert.match((await expectError(admin.heads.train('zoo', { field: 'single' }), 422, 'TOO_FEW_CLASSES')).message, /only one class \("same"\)/);
    assert.match((await expectError(admin.heads.train('zoo', { field: 'kind', minExamplesPerClass: 7 }), 422, 'TOO_FEW_EXAMPLES')).message, /"bird" \(6\)/);
    await expectError(admin.heads.train('nope', { field: 'kind' }), 404, 'NOT_FOUND');
    await expectError(admin.heads.train('zoo', { field: '' }), 422, 'VALIDATION_FAILED');
    await expectError(anonymous.classify(held.bird!, { catalog: 'zoo' }), 404, 'NOT_FOUND');
    assert.deepEqual((await anonymous.heads.list('zoo')).heads, []);
    // Without an active head, items carry no label at all (not even null).
    const [first] = (await anonymous.items.list('zoo', { limit: 1 })).items;
    assert.equal('label' in first!, false);
    assert.equal('label' in (await anonymous.items.get(first!.id)), false);
  });

  it('trains in the background (202) with progress to poll, then shows metrics, kNN baseline and the confusion image', async () => {
    assert.deepEqual(await admin.heads.fields('zoo'), [
      { field: 'kind', items: 18, values: 3 },
      { field: 'single', items: 18, values: 1 },
    ]);
    const started = await admin.heads.train('zoo', { field: 'kind' });
    assert.ok(['queued', 'running', 'done'].includes(started.status), started.status);
    const seen: HeadTraining[] = [];
    const done = await admin.heads.waitForTraining('zoo', started.id, { intervalMs: 50, onProgress: (t) => seen.push(t) });
    assert.equal(done.status, 'done', JSON.stringify(done.error));
    // Progress is written with the job's heartbeat (every 2 s): a training shorter than that may never be polled in its
    // training phase. Whenever it is, it says which epoch; the finished head's history has every epoch.
    for (const t of seen.filter((x) => x.phase === 'training')) assert.ok(t.epoch !== null && t.maxEpochs !== null && t.epoch <= t.maxEpochs, JSON.stringify(t));
    assert.deepEqual([done.head!.version, done.head!.active, done.head!.classes], [1, true, ['bird', 'cat', 'fruit']]);

    const list = await anonymous.heads.list('zoo');
    assert.equal(list.active, 1);
    // trained on the server's own (GeM) vectors, so it can serve
    assert.deepEqual([list.heads[0]!.backbone, list.heads[0]!.usable], [(await anonymous.health()).model, true]);
    const detail = await anonymous.heads.get('zoo', 1);
    assert.equal(detail.metrics.validation!.perClass.length, 3);
    assert.equal(detail.metrics.validation!.confusion.length, 3);
    assert.ok(detail.metrics.knn && detail.metrics.knn.k === 10);
    assert.deepEqual(detail.metrics.history.map((h) => h.epoch), Array.from({ length: detail.metrics.epochs }, (_, i) => i + 1), 'one history entry per epoch');
    assert.equal((await anonymous.heads.get('zoo', 'active')).id, detail.id);
    const png = await anonymous.heads.confusion('zoo', 1);
    assert.equal((await sharp(png).metadata()).format, 'png');
    const svg = new TextDecoder().decode(await anonymous.heads.confusion('zoo', 1, { format: 'svg', of: 'knn' }));
    assert.match(svg, /^<svg [\s\S]*kNN \(k=10\)/);
  });

  it('classify and search show the catalog’s label next to the ImageNet classes; search filters by it', async () => {
    for (const label of ['bird', 'cat', 'fruit']) {
      const r = await anonymous.classify(held[label]!, { catalog: 'zoo' });
      assert.equal(r.head!.predictions[0]!.label, label);
      assert.equal(r.head!.box!.label, label);
      assert.ok(r.predictions.length > 0);
    }
    const plain = await anonymous.classify(held.cat!);
    assert.equal(plain.head, undefined);

    const search = await anonymous.search(held.fruit!, { catalog: 'zoo', k: 5 });
    assert.equal(search.query!.head!.predictions[0]!.label, 'fruit');
    assert.equal(search.results[0]!.label!.label, 'fruit');
    assert.equal(search.results[0]!.label!.source, 'confirmed');
    // One item (the item page) carries the same label as in search results and lists.
    assert.deepEqual((await anonymous.items.get(search.results[0]!.id)).label, search.results[0]!.label);
    const filtered = await anonymous.search(held.fruit!, { catalog: 'zoo', k: 50, label: 'cat' });
    assert.equal(filtered.results.length, 6);
    assert.ok(filtered.results.every((r) => r.label!.label === 'cat'));
    await expectError(anonymous.search(held.fruit!, { label: 'cat' }), 400, 'INVALID_QUERY');
  });

  it('admins edit labels (bulk) and items carry their labels; versions and re-activation', async () => {
    const page = await anonymous.items.list('zoo', { limit: 100 });
    assert.ok(page.items.every((i) => i.label && i.label.source === 'confirmed'));
    const birds = page.items.filter((i) => i.label!.label === 'bird').map((i) => i.id);
    await expectError(anonymous.setLabels('zoo', birds, 'kind', 'parrot'), 401);
    const { updated } = await admin.setLabels('zoo', birds.slice(0, 2), 'kind', 'parrot');
    assert.deepEqual(updated.map((u) => u.metadata.kind), ['parrot', 'parrot']);
    const after = await anonymous.items.list('zoo', { limit: 100 });
    assert.equal(after.items.filter((i) => i.label?.label === 'parrot').length, 2);
    await expectError(admin.setLabels('zoo', [999999], 'kind', 'x'), 404);

    const second = await admin.heads.train('zoo', { field: 'kind', activate: false, minExamplesPerClass: 2, seed: 5 });
    const done = await admin.heads.waitForTraining('zoo', second.id);
    assert.equal((await admin.heads.cancel('zoo', second.id)).status, 'done', 'cancelling a finished training changes nothing');
    assert.deepEqual([done.head!.version, done.head!.active, done.head!.classes], [2, false, ['bird', 'cat', 'fruit', 'parrot']]);
    const activated = await admin.heads.activate('zoo', 2);
    assert.deepEqual([activated.version, activated.active, activated.labelled], [2, true, 18]);
    assert.deepEqual((await anonymous.heads.list('zoo')).heads.map((h) => [h.version, h.active]), [
      [2, true],
      [1, false],
    ]);
    await admin.heads.activate('zoo', 1);
    assert.equal((await anonymous.heads.list('zoo')).active, 1);
    await expectError(admin.heads.activate('zoo', 9), 404);
  });

  it('every heads, labels and fields route answered with a body that matches @loupe/api', () => {
    assert.deepEqual(uncovered((r) => /heads|labels|fields/.test(r.path)), []);
    assert.ok(covered.size > 0);
  });
});
