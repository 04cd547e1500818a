// "same" is checked geometrically (verify-same.ts, issue #19): a different photo of a similar scene, which the cosine
// alone calls "same", is demoted to "similar"; the calibration's own edits of a catalog photo stay "same"; a vector
// query (no image at hand) keeps the cosine's verdict. Real photos, the real model.
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { createEmbedder, type Embedder } from '@loupe/embedding';
import { CALIBRATION_EDITS, matchOf, openLoupe, SAME_VERIFICATION, sameImageInliers, type Loupe, type MatchThresholds } from '../src/index.ts';
import { sameCheck } from '../src/verify-same.ts';
import { PHOTO_FILES, PHOTOS, tempDir } from './helpers.ts';

// horses.jpg stays out: against person-dog-horse.jpg its cosine is above "same" (0.77 in the benchmark).
const INSIDE = PHOTO_FILES.filter((f) => f !== 'horses.jpg');
const horses = readFileSync(join(PHOTOS, 'horses.jpg'));

let embedder: Embedder;
let loupe: Loupe;
let thresholds: MatchThresholds;

before(async () => {
  embedder = await createEmbedder({ device: 'cpu' });
  loupe = await openLoupe({ dataDir: tempDir(), embedder });
  const folder = tempDir('loupe-src-');
  for (const f of INSIDE) copyFileSync(join(PHOTOS, f), join(folder, f));
  // a re-encoded copy of cat.jpg: its "more like this" neighbour that is the same photo
  writeFileSync(join(folder, 'cat-copy.jpg'), await sharp(readFileSync(join(PHOTOS, 'cat.jpg'))).jpeg({ quality: 60 }).toBuffer());
  await loupe.ingest(folder, { catalog: 'photos' });
  const c = await loupe.relevance.calibration('photos');
  assert.ok(c);
  thresholds = { same: c.sameScore, similar: c.similarScore };
});
after(async () => {
  await loupe.close();
  await embedder.dispose();
});

describe('"same" is verified geometrically', () => {
  it('two different photos of horses have few RANSAC inliers; a photo and its copy many; a thumbnail is not judged', async () => {
    const pdh = new Uint8Array(readFileSync(join(PHOTOS, 'person-dog-horse.jpg')));
    const different = await sameImageInliers(new Uint8Array(horses), pdh);
    assert.ok(different !== null && different < SAME_VERIFICATION.inliers, `horses vs person-dog-horse: ${different}`);
    const mirrored = new Uint8Array(await sharp(pdh).flop().jpeg({ quality: 70 }).toBuffer());
    const same = await sameImageInliers(mirrored, pdh);
    assert.ok(same !== null && same >= SAME_VERIFICATION.inliers, `mirror: ${same}`);
    const thumbnail = new Uint8Array(await sharp(pdh).resize({ width: 96 }).toBuffer());
    assert.equal(await sameImageInliers(thumbnail, pdh), null);
  });

  it("a stored original is read and described once: its features are kept by key for the next checks", async () => {
    const pdh = new Uint8Array(readFileSync(join(PHOTOS, 'person-dog-horse.jpg')));
    let reads = 0;
    const stored = { key: `test-${Date.now()}`, read: async () => (reads++, pdh) };
    const mirrored = new Uint8Array(await sharp(pdh).flop().jpeg({ quality: 70 }).toBuffer());
    const first = await sameCheck(async () => mirrored).isSame(stored);
    const second = await sameCheck(async () => new Uint8Array(horses)).isSame(stored);
    assert.equal(reads, 1);
    assert.equal(first?.same, true, `mirror: ${first?.inliers}`);
    assert.equal(second?.same, false, `horses: ${second?.inliers}`);
  });

  it('a held-out photo of a similar scene gets no "same" (image, mirror, crop and region queries), and minMatch "same" drops it', async () => {
    const { width = 1, height = 1 } = await sharp(horses).metadata();
    const queries = [
      new Uint8Array(horses),
      new Uint8Array(await sharp(horses).flop().jpeg({ quality: 90 }).toBuffer()),
      { source: new Uint8Array(horses), region: { x0: Math.round(width * 0.1), y0: Math.round(height * 0.1), x1: Math.round(width * 0.9), y1: Math.round(height * 0.9) } },
    ];
    const responses = await loupe.search(queries, { catalog: 'photos', k: 5 });
    let cosineSaysSame = 0;
    for (const r of responses) {
      assert.ok(r.ok);
      const top = r.value.results[0]!;
      assert.equal(top.item.sourceName, 'person-dog-horse.jpg');
      if (matchOf(top.score, thresholds) === 'same') cosineSaysSame++;
      for (const x of r.value.results) assert.notEqual(x.match, 'same', `query ${r.index} → ${x.item.sourceName} at ${x.score}`);
    }
    // the check is what demotes it: the cosine alone calls at least one of them "same"
    assert.ok(cosineSaysSame > 0, `no query scored above "same" (${thresholds.same}): the test does not test the check`);
    for (const r of await loupe.search(queries, { catalog: 'photos', k: 5, minMatch: 'same' })) assert.ok(r.ok && r.value.results.length === 0);
  });

  it("each calibration edit of a catalog photo still finds its original as \"same\"", async () => {
    for (const photo of ['person-dog-horse.jpg', 'cat.jpg', 'palace.jpg']) {
      const bytes = readFileSync(join(PHOTOS, photo));
      const { width = 1, height = 1 } = await sharp(bytes).rotate().metadata();
      const copies = await Promise.all(CALIBRATION_EDITS.map(async (e) => new Uint8Array(await e.apply(sharp(bytes).rotate(), width, height).toBuffer())));
      const responses = await loupe.search(copies, { catalog: 'photos', k: 3, minMatch: 'same' });
      for (const r of responses) {
        assert.ok(r.ok);
        const names = r.value.results.map((x) => x.item.sourceName);
        assert.ok(names.includes(photo), `${photo} (${CALIBRATION_EDITS[r.index]!.name}): ${JSON.stringify(r.value.results.map((x) => [x.item.sourceName, x.score, x.match]))}`);
      }
    }
  });

  it('"more like this" checks against the item\'s original: its re-encoded copy is "same", a photo of another scene is not', async () => {
    const [cat] = (await loupe.search([join(PHOTOS, 'cat.jpg')], { catalog: 'photos', k: 1 })).map((r) => (r.ok ? r.value.results[0]! : assert.fail()));
    const byItem = await loupe.searchByItem(cat!.id, { catalog: 'photos', k: 3 });
    const copy = byItem.results.find((x) => x.item.sourceName === 'cat-copy.jpg' || x.item.sourceName === 'cat.jpg');
    assert.equal(copy?.match, 'same');
    const [pdh] = (await loupe.search([join(PHOTOS, 'person-dog-horse.jpg')], { catalog: 'photos', k: 1 })).map((r) => (r.ok ? r.value.results[0]! : assert.fail()));
    for (const x of (await loupe.searchByItem(pdh!.id, { catalog: 'photos', k: 5 })).results) assert.notEqual(x.match, 'same', `${x.item.sourceName} at ${x.score}`);
  });

  it('a vector query is not checked: its matches are the cosine\'s', async () => {
    const [vector] = await embedder.embed([new Uint8Array(horses)]);
    const r = await loupe.searchByVector(vector!, { catalog: 'photos', k: 5 });
    for (const x of r.results) assert.equal(x.match, matchOf(x.score, thresholds));
  });
});
