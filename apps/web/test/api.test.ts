// Every REST route through the typed client, against the built app on a fresh data directory: shapes, auth, limits
// and error codes. The real model, a real SQLite store, real photos.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { openApiDocument } from '@loupe/api';
import { LoupeApiError, LoupeClient } from '@loupe/client';
import { checkedFetch, uncovered } from './contract.ts';
import { startServer, type RunningServer } from './server.ts';

const FIXTURES = fileURLToPath(new URL('../../../tests/fixtures/', import.meta.url));
const LOUPE_BIN = fileURLToPath(new URL('../../indexer/bin/loupe.js', import.meta.url));
const photo = (f: string) => ({ data: new Uint8Array(readFileSync(join(FIXTURES, 'photos', f))), name: f });
const bad = (f: string) => ({ data: new Uint8Array(readFileSync(join(FIXTURES, 'bad', f))), name: f });
const PASSWORD = 'correct horse battery staple';

async function expectError(promise: Promise<unknown>, status: number, code?: string | RegExp): Promise<LoupeApiError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof LoupeApiError, `expected an API error, got ${String(error)}`);
    assert.equal(error.status, status, error.message);
    if (code) assert.match(error.code, typeof code === 'string' ? new RegExp(`^${code}$`) : code);
    assert.ok(!/\n\s+at /.test(error.message), 'no stack trace in error messages');
    return error;
  }
  assert.fail(`expected HTTP ${status}`);
}

describe('REST API v1', () => {
  let server: RunningServer;
  let anonymous: LoupeClient;
  let admin: LoupeClient;
  let catIds: number[] = [];

  before(async () => {
    server = await startServer({ LOUPE_ADMIN_PASSWORD: PASSWORD, LOUPE_MAX_IMAGE_MB: '1' });
    anonymous = new LoupeClient({ baseUrl: server.url, fetch: checkedFetch });
    admin = new LoupeClient({ baseUrl: server.url, fetch: checkedFetch });
    await admin.login(PASSWORD);
  });
  after(async () => {
    await server?.stop();
  });

  it('health, OpenAPI document', async () => {
    const health = await anonymous.health();
    assert.equal(health.status, 'ok');
    assert.equal(health.provider, 'cpu');
    assert.ok((health.inferenceWorkers ?? 0) >= 1, `the inference pool: ${health.inferenceWorkers} workers`);
    const doc = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    assert.equal(doc.openapi, '3.1.0');
    assert.deepEqual(doc, JSON.parse(JSON.stringify(openApiDocument())), 'the server serves the document generated from @loupe/api');
    for (const path of ['/search', '/classify', '/localize', '/detect', '/embed', '/catalogs', '/catalogs/{slug}/items', '/items/{id}', '/jobs/{id}', '/health'])
      assert.ok(doc.paths[path], `OpenAPI lacks ${path}`);
  });

  it('admin routes: 401 without credentials, 403 with a read key, wrong password 401', async () => {
    await expectError(anonymous.catalogs.create('nope'), 401, 'UNAUTHORIZED');
    await expectError(anonymous.stats(), 401);
    await expectError(anonymous.jobs.list(), 401);
    await expectError(anonymous.items.upload('x', [photo('cat.jpg')]), 401);
    await expectError(anonymous.keys.list(), 401);
    await expectError(new LoupeClient({ baseUrl: server.url, fetch: checkedFetch }).login('wrong'), 401);
    await expectError(anonymous.withApiKey('lk_nonsense').catalogs.create('x'), 401);
    const read = await admin.keys.create('reader', 'read');
    assert.match(read.key, /^lk_/);
    const reader = anonymous.withApiKey(read.key);
    await expectError(reader.catalogs.create('nope'), 403, 'FORBIDDEN');
    assert.ok(Array.isArray(await reader.catalogs.list()), 'a read key can read');
    const adminKey = await admin.keys.create('script', 'admin');
    const script = anonymous.withApiKey(adminKey.key);
    assert.equal((await script.catalogs.create('by-key', { name: 'Made by a key' })).slug, 'by-key');
    await expectError(script.keys.list(), 403, 'FORBIDDEN'); // keys are managed from a session only
    assert.ok((await admin.keys.list()).some((k) => k.id === adminKey.id && !k.revoked));
    await admin.keys.revoke(adminKey.id);
    await expectError(script.catalogs.create('after-revoke'), 401);
  });

  it('catalogs: create (201), duplicate (409), bad slug (422), rename, objects setting, get, delete', async () => {
    const created = await admin.catalogs.create('photos', { name: 'Photos' });
    assert.deepEqual([created.slug, created.name, created.objects, created.items], ['photos', 'Photos', 'boxes', 0]);
    // The birds are stored with their objects' masks (checked after their upload below).
    assert.equal((await admin.catalogs.create('birds', { objects: 'off' })).objects, 'off');
    assert.deepEqual(await admin.catalogs.update('birds', { objects: 'masks' }).then((c) => [c.name, c.objects]), ['birds', 'masks']);
    await expectError(admin.catalogs.update('birds', { objects: 'all' as never }), 422, 'VALIDATION_FAILED');
    await expectError(admin.catalogs.update('birds', {}), 422, 'VALIDATION_FAILED');
    await expectError(admin.catalogs.create('photos'), 409, 'DUPLICATE_CATALOG');
    await expectError(admin.catalogs.create('Bad Slug!'), 422, 'VALIDATION_FAILED');
    assert.equal((await admin.catalogs.update('by-key', { name: 'Renamed' })).name, 'Renamed');
    assert.equal((await anonymous.catalogs.get('by-key')).name, 'Renamed');
    await admin.catalogs.delete('by-key');
    await expectError(anonymous.catalogs.get('by-key'), 404, 'NOT_FOUND');
  });

  it('uploads images and a zip (202), the worker ingests them, job progress and failures are reported', async () => {
    const job = await admin.items.upload('photos', [photo('cat.jpg'), photo('espresso.jpg'), photo('orange.jpg'), photo('squirrel.jpg'), bad('text.jpg')]);
    assert.ok(['queued', 'running'].includes(job.status));
    const done = await admin.jobs.wait(job.id, { timeoutMs: 120_000 });
    assert.equal(done.status, 'done');
    assert.deepEqual([done.added, done.failed, done.total], [4, 1, 5]);
    assert.match(done.failures[0]!.reason ?? '', /not a supported image/);
    assert.ok((await admin.jobs.list()).some((j) => j.id === job.id));
    const page = await anonymous.items.list('photos');
    assert.equal(page.items.length, 4);
    catIds = page.items.filter((i) => i.sourceName.endsWith('cat.jpg')).map((i) => i.id);
    assert.equal(catIds.length, 1);
    const cat = await anonymous.items.get(catIds[0]!);
    assert.equal(cat.title, 'cat.jpg', 'an uploaded image keeps its file name as its title');
    assert.equal(cat.predictions[0]!.label, 'Egyptian cat');
    assert.ok(cat.boxes.length >= 1);
    // Thumbnails: WebP, cached by content.
    const thumb = await checkedFetch(`${server.url}${cat.thumbnailUrl}`);
    assert.equal(thumb.headers.get('content-type'), 'image/webp');
    assert.match(thumb.headers.get('cache-control') ?? '', /immutable/);
    const meta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
    assert.ok(Math.max(meta.width!, meta.height!) <= 256);
    const again = await checkedFetch(`${server.url}${cat.thumbnailUrl}`, { headers: { 'if-none-match': thumb.headers.get('etag')! } });
    assert.equal(again.status, 304);
    const original = await checkedFetch(`${server.url}${cat.imageUrl}`);
    assert.equal(original.headers.get('content-type'), 'image/jpeg');

    // A zip with a corrupt entry: the good ones are added, the bad one reported.
    const yazl = (await import('yazl')).default;
    const zip = new yazl.ZipFile();
    zip.addBuffer(readFileSync(join(FIXTURES, 'photos', 'eagle.jpg')), 'birds/eagle.jpg');
    zip.addBuffer(readFileSync(join(FIXTURES, 'photos', 'robin.jpg')), 'birds/robin.jpg');
    zip.addBuffer(readFileSync(join(FIXTURES, 'bad', 'truncated-body.jpg')), 'birds/broken.jpg');
    zip.end();
    const chunks: Buffer[] = [];
    for await (const c of zip.outputStream) chunks.push(c as Buffer);
    const zipJob = await admin.items.upload('birds', [{ data: new Uint8Array(Buffer.concat(chunks)), name: 'birds.zip' }]);
    const zipDone = await admin.jobs.wait(zipJob.id, { timeoutMs: 120_000 });
    assert.deepEqual([zipDone.status, zipDone.added, zipDone.failed], ['done', 2, 1]);
    assert.equal(zipDone.failures[0]!.file, 'birds/broken.jpg');
    // A catalog that stores masks: each object of its items carries its mask (RLE over the whole photo).
    const eagle = (await anonymous.items.list('birds')).items.find((i) => i.sourceName.endsWith('eagle.jpg'))!;
    assert.ok(eagle.objects.length > 0 && eagle.objects.every((o) => o.mask?.size[0] === eagle.height && o.mask.size[1] === eagle.width), JSON.stringify(eagle.objects.map((o) => o.mask?.size)));
    assert.ok(cat.objects.length > 0 && cat.objects.every((o) => o.mask === undefined), 'no masks where the catalog does not ask for them');
  });

  it('search by image: the photo itself first (score ≈ 1), query classes and boxes, pagination, filters', async () => {
    const response = await anonymous.search(photo('cat.jpg'), { k: 2 });
    assert.equal(response.query!.predictions[0]!.label, 'Egyptian cat');
    assert.equal(response.query!.predictions.length, 5);
    assert.ok(response.query!.boxes.length >= 1);
    assert.deepEqual(Object.keys(response.results[0]!).sort(), ['catalog', 'height', 'id', 'match', 'objectLabels', 'score', 'thumbnailUrl', 'title', 'topClass', 'topClassScore', 'width']);
    assert.equal(response.results[0]!.id, catIds[0]);
    assert.ok(response.results[0]!.score > 0.999);
    // What the item shows: its detected objects' labels (here the cat), and the top class with its probability.
    assert.equal(response.results[0]!.objectLabels[0], 'cat');
    assert.equal(response.results[0]!.topClass, 'Egyptian cat');
    assert.ok(response.results[0]!.topClassScore! > 0.65 && response.results[0]!.topClassScore! <= 1);
    assert.equal(response.results.length, 2);
    assert.ok(response.nextCursor);
    // The cursor names the query: the next page needs neither the image nor another forward pass.
    const next = await anonymous.searchMore(response.nextCursor!, { k: 2 });
    assert.equal(next.results.length, 2);
    assert.ok(!next.results.some((r) => response.results.some((s) => s.id === r.id)), 'pages do not overlap');
    assert.ok(next.results[0]!.score <= response.results[1]!.score);
    assert.deepEqual(next.query, response.query, 'the query analysis comes with every page');
    // A client that sends the image again with the cursor gets the same page (the image is not analysed).
    const resent = await anonymous.search(photo('cat.jpg'), { k: 2, cursor: response.nextCursor });
    assert.deepEqual(resent.results.map((r) => r.id), next.results.map((r) => r.id));
    let last = next;
    const seen = [...response.results, ...next.results].map((r) => r.id);
    while (last.nextCursor) {
      last = await anonymous.searchMore(last.nextCursor, { k: 2 });
      seen.push(...last.results.map((r) => r.id));
    }
    assert.equal(new Set(seen).size, seen.length, 'no item twice across pages');
    assert.equal(seen.length, (await admin.stats()).indexed, 'paging reaches every item, then nextCursor is null');
    await expectError(anonymous.searchMore('AAAAAAAAAAAAAAAA.2'), 410, 'CURSOR_EXPIRED');
    await expectError(anonymous.searchMore('not a cursor'), 400, 'INVALID_QUERY');
    const birds = await anonymous.search(photo('cat.jpg'), { catalog: 'birds', k: 10 });
    assert.ok(birds.results.length === 2 && birds.results.every((r) => r.catalog === 'birds'));
    const strict = await anonymous.search(photo('cat.jpg'), { minScore: 0.99, k: 10 });
    assert.deepEqual(strict.results.map((r) => r.id), [catIds[0]]);
    await expectError(anonymous.search(photo('cat.jpg'), { catalog: 'nope' }), 404);
  });

  it('search by a region, by an item (more like this) and by a vector', async () => {
    const full = await anonymous.search(photo('dog-bicycle-truck.jpg'), { k: 3 });
    const region = await anonymous.search(photo('dog-bicycle-truck.jpg'), { k: 3, box: { x0: 369, y0: 42, x1: 588, y1: 160 } });
    assert.notDeepEqual(region.query!.predictions[0], full.query!.predictions[0]);
    assert.equal(region.query!.width, 640, 'a region query still reports the full image size');
    const more = await anonymous.searchByItem(catIds[0]!, { k: 3 });
    assert.equal(more.query, null);
    assert.ok(!more.results.some((r) => r.id === catIds[0]));
    const { vector, model } = await anonymous.embed(photo('cat.jpg'));
    const health = await anonymous.health();
    assert.deepEqual([model, health.pooling], [health.model, 'gem']);
    const byVector = await anonymous.searchByVector(vector, { k: 3, model });
    const byImage = await anonymous.search(photo('cat.jpg'), { k: 3 });
    assert.deepEqual(byVector.results.map((r) => r.id), byImage.results.map((r) => r.id));
    await expectError(anonymous.searchByItem(999_999), 404);
    await expectError(anonymous.searchByVector([1, 2, 3]), 422, 'VALIDATION_FAILED');
    // a vector of another pooling is refused by name, not matched against the GeM index
    await expectError(anonymous.searchByVector(vector, { model: 'resnet50-imagenet1k-keras@1' }), 409, 'MODEL_MISMATCH');
  });

  it('classify, localize (with heatmap) and embed', async () => {
    const c = await anonymous.classify(photo('squirrel.jpg'), { k: 3 });
    assert.deepEqual([c.width, c.height, c.predictions.length, c.predictions[0]!.label], [535, 426, 3, 'fox squirrel']);
    const l = await anonymous.localize(photo('giraffe-zebra.jpg'), { heatmap: true });
    assert.ok(l.boxes.length >= 2);
    assert.match(l.heatmap!.png, /^data:image\/png;base64,/);
    const png = await sharp(Buffer.from(l.heatmap!.png.split(',')[1]!, 'base64')).metadata();
    assert.deepEqual([png.width, png.height, png.channels], [500, 500, 4]);
    // The cat's class box is the detected cat's (an Egyptian cat is a COCO cat); objects=false: activation maps only.
    const [cat, detected, camOnly] = await Promise.all([
      anonymous.localize(photo('cat.jpg')),
      anonymous.detect(photo('cat.jpg')),
      anonymous.localize(photo('cat.jpg'), { objects: false }),
    ]);
    const catBox = cat.boxes.find((b) => b.classId === cat.predictions[0]!.classId)!;
    const catObject = detected.objects.find((o) => o.label === 'cat')!;
    assert.deepEqual([catBox.source, catBox.x0, catBox.y0, catBox.x1, catBox.y1], ['detector', catObject.box.x0, catObject.box.y0, catObject.box.x1, catObject.box.y1]);
    assert.ok(camOnly.boxes.length > 0 && camOnly.boxes.every((b) => b.source === undefined));
    const e = await anonymous.embed(photo('orange.jpg'));
    assert.equal(e.dim, 2048);
    assert.ok(Math.abs(Math.hypot(...e.vector) - 1) < 1e-3);
  });

  it('detect: every object with its COCO label and box in original pixels (fused: the cat is a cat); bad input 4xx', async () => {
    const d = await anonymous.detect(photo('dog-bicycle-truck.jpg'));
    assert.deepEqual(Object.keys(d), ['width', 'height', 'objects']);
    assert.deepEqual([d.width, d.height], [640, 480]);
    assert.ok(['dog', 'bicycle'].every((label) => d.objects.some((o) => o.label === label)), d.objects.map((o) => o.label).join(', '));
    assert.ok(d.objects.every((o) => o.score >= 0.3 && o.box.x1 <= 640 && o.box.y1 <= 480));
    const cat = await anonymous.detect(photo('cat.jpg'));
    assert.equal(cat.objects[0]?.label, 'cat');
    assert.equal(cat.objects[0]?.source, 'fused');
    assert.ok((await anonymous.detect(photo('dog-bicycle-truck.jpg'), { minScore: 0.5 })).objects.every((o) => o.score >= 0.5));
    await expectError(anonymous.detect(bad('truncated-body.jpg')), 422, 'CORRUPT_IMAGE');
    await expectError(anonymous.detect(photo('cat.jpg'), { minScore: 3 }), 422, 'VALIDATION_FAILED'); // the shared query schema
  });

  it('detect with masks (multipart field or ?masks=true): each object gets a COCO RLE of the whole image, inside its box', async () => {
    const d = await anonymous.detect(photo('cat.jpg'), { masks: true });
    assert.ok(d.objects.length > 0);
    const check = (objects: typeof d.objects) => {
      for (const o of objects) {
        assert.deepEqual(o.mask?.size, [300, 451]);
        let at = 0;
        let area = 0;
        o.mask!.counts.forEach((n, k) => {
          // Odd runs are the object: each of their pixels (column-major) lies inside the box.
          if (k % 2 === 1 && n > 0) {
            for (const p of [at, at + n - 1]) {
              const [x, y] = [Math.floor(p / 300), p % 300];
              assert.ok(x >= Math.floor(o.box.x0) && x < Math.ceil(o.box.x1) && y >= Math.floor(o.box.y0) && y < Math.ceil(o.box.y1), `(${x}, ${y}) outside the box`);
            }
            area += n;
          }
          at += n;
        });
        assert.equal(at, 300 * 451);
        assert.ok(area > 0.05 * (o.box.x1 - o.box.x0) * (o.box.y1 - o.box.y0));
      }
    };
    check(d.objects);
    const form = new FormData();
    form.set('image', new Blob([readFileSync(join(FIXTURES, 'photos', 'cat.jpg'))]), 'cat.jpg');
    const byQuery = await fetch(`${server.url}/api/v1/detect?masks=true`, { method: 'POST', body: form });
    assert.equal(byQuery.status, 200);
    const body = (await byQuery.json()) as typeof d;
    check(body.objects);
    assert.deepEqual(body.objects[0]!.mask, d.objects[0]!.mask, 'same image, same mask');
    assert.ok((await anonymous.detect(photo('cat.jpg'))).objects.every((o) => o.mask === undefined), 'no masks unless asked');
  });

  it('bad input gets the right status and a clear message; the server keeps serving', async () => {
    await expectError(anonymous.search(bad('text.jpg')), 415, 'UNSUPPORTED_IMAGE');
    await expectError(anonymous.search(bad('truncated-body.jpg')), 422, 'CORRUPT_IMAGE');
    const bomb = await expectError(anonymous.classify(bad('bomb.png')), 413, 'IMAGE_TOO_LARGE');
    assert.match(bomb.message, /50000×50000/);
    await expectError(anonymous.search(bad('empty.jpg')), 400, 'MISSING_IMAGE');
    // Over the 1 MB request limit this server runs with.
    const big = await sharp({ create: { width: 1400, height: 1400, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).png().toBuffer();
    await expectError(anonymous.search({ data: new Uint8Array(big), name: 'noise.png' }), 413, 'PAYLOAD_TOO_LARGE');
    const noImage = await checkedFetch(`${server.url}/api/v1/search`, { method: 'POST', body: new FormData() });
    assert.equal(noImage.status, 400);
    const wrongType = await checkedFetch(`${server.url}/api/v1/classify`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    assert.equal(wrongType.status, 415);
    assert.deepEqual(Object.keys(((await wrongType.json()) as { error: object }).error), ['code', 'message']);
    await expectError(anonymous.search(photo('cat.jpg'), { k: 0 }), 422, 'VALIDATION_FAILED');
    assert.equal((await anonymous.health()).status, 'ok');
  });

  it('stats, item delete, reindex', async () => {
    const stats = await admin.stats();
    assert.deepEqual([stats.items, stats.indexed, stats.provider, stats.database], [6, 6, 'cpu', 'sqlite']);
    assert.match(stats.model, /^resnet50-/);
    const orange = (await anonymous.items.list('photos')).items.find((i) => i.sourceName.endsWith('orange.jpg'))!;
    await expectError(anonymous.items.delete(orange.id), 401);
    await admin.items.delete(orange.id);
    await expectError(anonymous.items.get(orange.id), 404);
    const after = await anonymous.search(photo('orange.jpg'), { k: 10 });
    assert.ok(!after.results.some((r) => r.id === orange.id));
    const r = await admin.reindex();
    assert.ok(r.reindex);
    assert.ok((await admin.reindexState()).reindex);
  });

  it('items added by the CLI in another process become searchable without a restart', async () => {
    await promisify(execFile)(process.execPath, [LOUPE_BIN, 'ingest', join(FIXTURES, 'formats'), '--catalog', 'from-cli', '--json'], {
      env: { ...process.env, LOUPE_DATA_DIR: server.dataDir, LOUPE_DEVICE: 'cpu', DATABASE_URL: '' },
    });
    const results = await anonymous.search(photo('cat.jpg'), { catalog: 'from-cli', k: 3 });
    assert.equal(results.results.length, 3);
    assert.ok(results.results.every((x) => x.catalog === 'from-cli'));
  });

  it('the same photo in two catalogs is one result of a search across them, listing the other (alsoIn), page after page', async () => {
    const job = await admin.items.upload('mirror', [photo('cat.jpg'), photo('squirrel.jpg'), photo('butterfly.jpg')]);
    assert.equal((await admin.jobs.wait(job.id, { timeoutMs: 120_000 })).status, 'done');
    const all = await anonymous.search(photo('cat.jpg'), { k: 50 });
    const [cat] = all.results;
    assert.ok(/cat\.jpg$/.test(cat!.title) && cat!.score > 0.999);
    assert.deepEqual([cat!.catalog, ...cat!.alsoIn!.map((c) => c.catalog)].sort(), ['mirror', 'photos']);
    assert.ok(cat!.alsoIn!.every((c) => /cat\.jpg$/.test(c.title) && c.externalId === null));
    assert.deepEqual(all.results.filter((r) => r.alsoIn).map((r) => r.title.replace(/^.*?(\w+\.jpg)$/, '$1')).sort(), ['cat.jpg', 'squirrel.jpg'], 'the photos in both catalogs list a copy');
    // Every item is a result or a listed copy, once.
    const ids = (results: typeof all.results) => results.flatMap((r) => [r.id, ...(r.alsoIn ?? []).map((c) => c.id)]);
    assert.equal(new Set(ids(all.results)).size, ids(all.results).length);
    assert.equal(ids(all.results).length, (await admin.stats()).indexed);
    // k counts photos: pages of one give the same photos in the same order.
    let page = await anonymous.search(photo('cat.jpg'), { k: 1 });
    const paged = [...page.results];
    while (page.nextCursor) paged.push(...(page = await anonymous.searchMore(page.nextCursor, { k: 1 })).results);
    assert.deepEqual(ids(paged), ids(all.results));
    // One catalog: unchanged, every item its own result.
    const mirror = await anonymous.search(photo('cat.jpg'), { catalog: 'mirror', k: 10 });
    assert.ok(mirror.results.length === 3 && mirror.results.every((r) => r.catalog === 'mirror' && r.alsoIn === undefined));
    // The copy's item page opens.
    assert.equal((await anonymous.items.get(cat!.alsoIn![0]!.id)).catalog, cat!.alsoIn![0]!.catalog);
  });

  it('every route answered with a body that matches @loupe/api (the heads routes are checked in heads.test.ts)', async () => {
    assert.deepEqual(await anonymous.session(), { admin: false, via: null, signInEnabled: true });
    assert.equal((await admin.session()).admin, true);
    assert.equal((await checkedFetch(`${server.url}/api/v1/model/labels.json`)).status, 200);
    await admin.logout();
    assert.deepEqual(uncovered((r) => !/heads|labels|fields/.test(r.path)), []);
  });
});
