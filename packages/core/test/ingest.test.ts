// Ingest and search end to end on the real model and a real SQLite store: folders, zips (hostile ones too),
// manifests, duplicates, deletes, search while ingesting, and HNSW recall against exact search on real features.
import { createHash } from 'node:crypto';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp, { type Sharp } from 'sharp';
import yazl from 'yazl';
import { createEmbedder, type Embedder } from '@loupe/embedding';
import { CursorExpiredError, InvalidQueryError, InvalidSourceError, NotFoundError, type Loupe } from '../src/index.ts';
import { FIXTURES, folderOf, openWithInternals, PHOTO_FILES, PHOTOS, tempDir } from './helpers.ts';

let embedder: Embedder;
const opened: Loupe[] = [];
async function loupeAt(dataDir = tempDir()) {
  const loupe = await openWithInternals({ dataDir, embedder });
  opened.push(loupe);
  return loupe;
}

async function zipOf(entries: Array<{ name: string; data: Buffer; store?: boolean }>): Promise<string> {
  const zip = new yazl.ZipFile();
  for (const e of entries) zip.addBuffer(e.data, e.name, { compress: !e.store });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  const file = join(tempDir('loupe-zip-'), 'catalog.zip');
  writeFileSync(file, Buffer.concat(chunks));
  return file;
}

/** Rewrites an entry name in place (local header and central directory), e.g. to forge a zip-slip entry. */
function renameInZip(file: string, from: string, to: string): void {
  assert.equal(from.length, to.length);
  const bytes = readFileSync(file);
  let count = 0;
  for (let i = bytes.indexOf(from); i >= 0; i = bytes.indexOf(from, i + 1), count++) bytes.write(to, i, 'latin1');
  assert.equal(count, 2, 'the name appears in the local header and the central directory');
  writeFileSync(file, bytes);
}

before(async () => {
  embedder = await createEmbedder({ device: 'cpu' });
});
after(async () => {
  for (const l of opened) await l.close();
  await embedder.dispose();
});

describe('ingest', () => {
  it('a folder: images added, a copy reported as duplicate, bad files failed with reasons, other files ignored', async () => {
    const src = folderOf([
      'photos/cat.jpg',
      'photos/espresso.jpg',
      'photos/orange.jpg',
      ['photos/squirrel.jpg', 'nested/deeper/squirrel.jpg'],
      ['photos/cat.jpg', 'copy-of-cat.jpg'],
      ['bad/text.jpg', 'not-really.jpg'],
      ['bad/truncated-body.jpg', 'cut.jpg'],
      ['bad/bomb.png', 'bomb.png'],
    ]);
    writeFileSync(join(src, 'README.txt'), 'not an image, not a catalog entry');
    const loupe = await loupeAt();
    const summary = await loupe.ingest(src, { catalog: 'demo' });
    assert.equal(summary.added, 4);
    assert.equal(summary.duplicates, 1);
    assert.deepEqual(
      summary.failed.map((f) => f.file).sort(),
      ['bomb.png', 'cut.jpg', 'not-really.jpg'],
    );
    const reasons = Object.fromEntries(summary.failed.map((f) => [f.file, f.reason]));
    assert.match(reasons['not-really.jpg']!, /not a supported image/);
    assert.match(reasons['cut.jpg']!, /cannot decode|premature|truncat/i);
    assert.match(reasons['bomb.png']!, /too large.*50000×50000/);
    const stats = await loupe.stats();
    assert.deepEqual([stats.items, stats.indexed, stats.catalogs], [4, 4, 1]);
    // Where the time went: every stage that ran has its time; the network ran in the inference pool.
    const { stagesMs } = summary;
    assert.deepEqual(Object.keys(stagesMs).sort(), ['database', 'decode', 'files', 'index', 'inference', 'objects', 'prepare']);
    for (const stage of ['prepare', 'decode', 'inference', 'files', 'database'] as const) assert.ok(stagesMs[stage] > 0, `${stage}: ${stagesMs[stage]} ms`);
    assert.ok(stats.inferenceWorkers! >= 1, `inference workers: ${stats.inferenceWorkers}`);
    // Stored: content-addressed original and a WebP thumbnail per item.
    const page = await loupe.store.items.list({ limit: 10 });
    for (const item of page.items) {
      assert.equal(createHash('sha256').update(await loupe.storage.read(item.storedFile)).digest('hex'), item.contentHash);
      const thumb = await sharp(await loupe.storage.read(item.thumbnailFile!)).metadata();
      assert.equal(thumb.format, 'webp');
      assert.ok(Math.max(thumb.width!, thumb.height!) <= 256);
    }
    const squirrel = page.items.find((i) => i.sourceName === 'nested/deeper/squirrel.jpg');
    assert.ok(squirrel, 'nested folders are walked');
  });

  it('search returns the photo itself first with score ≈ 1, then similar ones; a copy in another format ranks high', async () => {
    const loupe = await loupeAt();
    await loupe.ingest(PHOTOS, { catalog: 'photos' });
    await loupe.ingest(folderOf(['formats/cat.webp', 'formats/cat-exif-rot90.jpg']), { catalog: 'cats' });
    const [r] = await loupe.search([join(PHOTOS, 'cat.jpg')], { k: 4 });
    assert.ok(r!.ok);
    const results = r!.value.results;
    assert.equal(results[0]!.item.sourceName, 'cat.jpg');
    assert.ok(results[0]!.score > 0.999, `self score ${results[0]!.score}`);
    assert.deepEqual(
      new Set(results.slice(1, 3).map((x) => x.item.sourceName)),
      new Set(['cat.webp', 'cat-exif-rot90.jpg']),
    );
    for (let i = 1; i < results.length; i++) assert.ok(results[i - 1]!.score >= results[i]!.score);
    assert.equal(r!.value.query!.predictions[0]!.label, 'Egyptian cat');
    // The next page of an image query: the same analysis, no image sent again.
    const [first] = await loupe.search([join(PHOTOS, 'cat.jpg')], { k: 2 });
    assert.ok(first!.ok && first!.value.nextCursor);
    const second = await loupe.searchMore(first!.value.nextCursor, { k: 2 });
    assert.deepEqual(second.results.map((x) => x.id), results.slice(2, 4).map((x) => x.id));
    assert.deepEqual(second.query, first!.value.query);
    // Filters: by catalog, and by predicted class; minimum score.
    const [onlyPhotos] = await loupe.search([join(FIXTURES, 'formats', 'cat.webp')], { catalog: 'photos', k: 3 });
    assert.ok(onlyPhotos!.ok && onlyPhotos!.value.results.every((x) => x.catalog === 'photos'));
    const [cut] = await loupe.search([join(PHOTOS, 'cat.jpg')], { minScore: 0.9, k: 50 });
    assert.ok(cut!.ok && cut!.value.results.length === 3 && cut!.value.results.every((x) => x.score >= 0.9));
    const [byClass] = await loupe.search([join(PHOTOS, 'cat.jpg')], { classId: 285, k: 50 });
    assert.ok(byClass!.ok && byClass!.value.results.every((x) => x.item.predictions[0]!.classId === 285));
    await assert.rejects(loupe.search([join(PHOTOS, 'cat.jpg')], { catalog: 'nope' }), NotFoundError);
    // More like this leaves the item itself out; exact search agrees with HNSW here.
    const more = await loupe.searchByItem(results[0]!.id, { k: 2 });
    assert.ok(!more.results.some((x) => x.id === results[0]!.id));
    assert.equal(more.results[0]!.item.title, results[1]!.item.title);
    const [exact] = await loupe.search([join(PHOTOS, 'cat.jpg')], { k: 4, exact: true });
    assert.deepEqual(exact!.ok && exact!.value.results.map((x) => x.id), results.map((x) => x.id));
  });

  it('a zip: good entries added; corrupt, zip-slip, absolute, oversized and bomb entries refused with reasons', async () => {
    const photo = (f: string) => readFileSync(join(PHOTOS, f));
    const file = await zipOf([
      { name: 'a/cat.jpg', data: photo('cat.jpg') },
      { name: 'b/eagle.jpg', data: photo('eagle.jpg') },
      { name: 'xx/evil.jpg', data: photo('orange.jpg') },
      { name: 'broken.jpg', data: readFileSync(join(FIXTURES, 'bad', 'truncated-body.jpg')) },
      { name: 'bomb.jpg', data: Buffer.alloc(8 * 1024 * 1024) },
      { name: 'big.png', data: Buffer.concat([photo('squirrel.jpg'), Buffer.alloc(200_000, 1)]), store: true },
      { name: 'notes.txt', data: Buffer.from('ignored') },
    ]);
    renameInZip(file, 'xx/evil.jpg', '../evil.jpg');
    const loupe = await loupeAt();
    const summary = await loupe.ingest(file, { catalog: 'zipped', limits: { maxEntryBytes: 200_000 } });
    assert.equal(summary.added, 2);
    const reasons = Object.fromEntries(summary.failed.map((f) => [f.file, f.reason]));
    assert.deepEqual(Object.keys(reasons).sort(), ['../evil.jpg', 'big.png', 'bomb.jpg', 'broken.jpg']);
    assert.match(reasons['../evil.jpg']!, /zip-slip/);
    assert.match(reasons['bomb.jpg']!, /compression ratio|too large/);
    assert.match(reasons['big.png']!, /too large/);
    assert.match(reasons['broken.jpg']!, /cannot decode|premature|truncat/i);
    assert.ok(!existsSync(join(file, '..', '..', 'evil.jpg')), 'nothing is written by entry name');
    await assert.rejects(loupe.ingest(join(FIXTURES, 'bad', 'text.jpg'), { catalog: 'x' }), InvalidSourceError);
  });

  it('a manifest (JSONL and CSV): external ids, titles and metadata stored; a missing file fails; an id reused is a duplicate', async () => {
    const dir = folderOf(['photos/cat.jpg', 'photos/espresso.jpg', 'photos/eagle.jpg']);
    writeFileSync(
      join(dir, 'catalog.jsonl'),
      [
        { path: 'cat.jpg', externalId: 'SKU-1', title: 'Chelsea the cat', colour: 'tabby' },
        { path: 'espresso.jpg', externalId: 'SKU-2', title: 'Espresso', metadata: { price: 2.5 } },
        { path: 'missing.jpg', externalId: 'SKU-3' },
        { path: 'eagle.jpg', externalId: 'SKU-1', title: 'same id as the cat' },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n'),
    );
    writeFileSync(join(dir, 'catalog.csv'), 'path,id,title,colour\ncat.jpg,C-1,A cat,grey\neagle.jpg,C-2,An eagle,brown\n');
    const loupe = await loupeAt();
    const jsonl = await loupe.ingest(join(dir, 'catalog.jsonl'), { catalog: 'shop' });
    assert.equal(jsonl.added, 2);
    assert.equal(jsonl.duplicates, 1);
    assert.deepEqual(jsonl.failed, [{ file: 'missing.jpg', reason: 'no such file' }]);
    const catalog = (await loupe.store.catalogs.getBySlug('shop'))!;
    const cat = (await loupe.store.items.findByExternalId(catalog.id, 'SKU-1'))!;
    assert.equal(cat.title, 'Chelsea the cat');
    assert.deepEqual(cat.metadata, { colour: 'tabby' });
    assert.deepEqual((await loupe.store.items.findByExternalId(catalog.id, 'SKU-2'))!.metadata, { price: 2.5 });
    const csv = await loupe.ingest(join(dir, 'catalog.csv'), { catalog: 'shop-csv' });
    assert.equal(csv.added, 2);
    const eagle = (await loupe.store.items.findByExternalId((await loupe.store.catalogs.getBySlug('shop-csv'))!.id, 'C-2'))!;
    assert.deepEqual([eagle.title, eagle.metadata], ['An eagle', { colour: 'brown' }]);
    // A row that is not JSON fails that row; the others land.
    writeFileSync(join(dir, 'broken.jsonl'), '{"path": "cat.jpg"}\n{oops\n');
    const broken = await loupe.ingest(join(dir, 'broken.jsonl'), { catalog: 'x' });
    assert.equal(broken.added, 1);
    assert.deepEqual(broken.failed, [{ file: 'line 2', reason: 'line 2: not valid JSON' }]);
  });

  it('deleting items removes them from search; another process sees new items without a restart', async () => {
    const dataDir = tempDir();
    const writer = await loupeAt(dataDir);
    const reader = await loupeAt(dataDir);
    await writer.ingest(folderOf(['photos/cat.jpg', 'photos/orange.jpg']), { catalog: 'c' });
    const first = await reader.search([join(PHOTOS, 'orange.jpg')], { k: 5 });
    assert.ok(first[0]!.ok && first[0]!.value.results.length === 2);
    // Search while an ingest is writing: every search succeeds and the reader's view only grows.
    const ingest = writer.ingest(PHOTOS, { catalog: 'c' });
    let done = false;
    void ingest.finally(() => (done = true));
    const counts: number[] = [];
    while (!done) {
      const [r] = await reader.search([join(PHOTOS, 'orange.jpg')], { k: 50 });
      assert.ok(r!.ok);
      counts.push(r!.value.results.length);
    }
    await ingest;
    for (let i = 1; i < counts.length; i++) assert.ok(counts[i]! >= counts[i - 1]!, `results shrank: ${counts}`);
    const [all] = await reader.search([join(PHOTOS, 'orange.jpg')], { k: 50 });
    assert.ok(all!.ok);
    assert.equal(all!.value.results.length, PHOTO_FILES.length);
    const orange = all!.value.results[0]!;
    await writer.removeItems([orange.id]);
    const [afterDelete] = await reader.search([join(PHOTOS, 'orange.jpg')], { k: 50 });
    assert.ok(afterDelete!.ok && !afterDelete!.value.results.some((x) => x.id === orange.id));
    assert.equal((await reader.stats()).indexed, PHOTO_FILES.length - 1);
  });

  it('HNSW recall@10 against exact search on real image features is ≥ 0.98', async () => {
    // 14 photos × 10 edits (crops, flips, rotations, colour, blur, scale; JPEG quality 60) = 140 real-feature vectors.
    const dir = tempDir('loupe-aug-');
    for (const f of PHOTO_FILES) {
      const base = sharp(join(PHOTOS, f));
      const { width = 0, height = 0 } = await base.metadata();
      const edits: Array<(s: Sharp) => Sharp> = [
        (s) => s.flop(),
        (s) => s.rotate(90),
        (s) => s.rotate(12, { background: '#808080' }),
        (s) => s.extract({ left: 0, top: 0, width: Math.floor(width * 0.7), height: Math.floor(height * 0.7) }),
        (s) => s.extract({ left: Math.floor(width * 0.3), top: Math.floor(height * 0.3), width: Math.floor(width * 0.7), height: Math.floor(height * 0.7) }),
        (s) => s.modulate({ brightness: 1.3 }),
        (s) => s.modulate({ brightness: 0.7, saturation: 0.5 }),
        (s) => s.greyscale(),
        (s) => s.blur(3),
        (s) => s.resize(96),
      ];
      for (const [i, edit] of edits.entries()) await edit(sharp(join(PHOTOS, f))).jpeg({ quality: 60 }).toFile(join(dir, `${f.slice(0, -4)}-${i}.jpg`));
    }
    const loupe = await loupeAt();
    const summary = await loupe.ingest(dir, { catalog: 'augmented' });
    assert.equal(summary.failed.length, 0);
    const index = await loupe.index();
    const ids = (await loupe.store.items.list({ limit: 1000 })).items.map((i) => i.id);
    assert.equal(ids.length, readdirSync(dir).length);
    let hits = 0;
    for (const id of ids) {
      const q = index.vectorOf(id)!;
      const approx = new Set(index.search(q, { k: 10 }).map((h) => h.id));
      for (const h of index.search(q, { k: 10, exact: true })) if (approx.has(h.id)) hits++;
    }
    const recall = hits / (ids.length * 10);
    assert.ok(recall >= 0.98, `recall@10 ${recall}`);

    // Paging: the cursor names the query, so later pages analyse nothing; pages chain to the whole ranking, past
    // the first widening of the kept hits (64), with no item twice, and the last page says so.
    const all = (await loupe.searchByItem(ids[0]!, { k: 1000, exact: true })).results.map((r) => r.id);
    assert.equal(all.length, ids.length - 1);
    let page = await loupe.searchByItem(ids[0]!, { k: 9, exact: true });
    const paged = page.results.map((r) => r.id);
    while (page.nextCursor) {
      page = await loupe.searchMore(page.nextCursor, { k: 9 });
      paged.push(...page.results.map((r) => r.id));
    }
    assert.deepEqual(paged, all);
    let approx = await loupe.searchByItem(ids[1]!, { k: 25 });
    const approxIds = approx.results.map((r) => r.id);
    while (approx.nextCursor) {
      approx = await loupe.searchMore(approx.nextCursor, { k: 25 });
      approxIds.push(...approx.results.map((r) => r.id));
    }
    assert.equal(new Set(approxIds).size, approxIds.length, 'HNSW pages never repeat an item');
    assert.ok(approxIds.length >= ids.length - 2, `HNSW paging reached ${approxIds.length} of ${ids.length - 1}`);
    await assert.rejects(loupe.searchMore('not-a-cursor'), InvalidQueryError);
    await assert.rejects(loupe.searchMore('AAAAAAAAAAAAAAAA.9'), CursorExpiredError);
  });
});
