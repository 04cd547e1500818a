// Match strength on real photos and the real model: an ingest measures the catalog, edited copies of its items come
// back as "same", photos that are not in it never do, and minMatch filters by it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { createEmbedder, type Embedder } from '@loupe/embedding';
import { InvalidQueryError, openLoupe, thresholdsFrom, quantile, matchOf, type Loupe } from '../src/index.ts';
import { folderOf, PHOTO_FILES, PHOTOS, tempDir } from './helpers.ts';

// Three photos stay out of the catalog: they are the "not in this catalog" queries.
const OUTSIDE = ['palace.jpg', 'rocket.jpg', 'squirrel.jpg'];
const INSIDE = PHOTO_FILES.filter((f) => !OUTSIDE.includes(f));

// Query edits of the near-duplicate benchmark, none of them one of the calibration's own edits.
const EDITS = {
  'central 80% crop': (b: Buffer) => sharp(b).metadata().then((m) => sharp(b).extract({ left: Math.round(m.width! * 0.1), top: Math.round(m.height! * 0.1), width: Math.round(m.width! * 0.8), height: Math.round(m.height! * 0.8) }).jpeg({ quality: 90 }).toBuffer()),
  'rotated 10°': (b: Buffer) => sharp(b).rotate(10, { background: '#ffffff' }).jpeg({ quality: 90 }).toBuffer(),
  'JPEG quality 10': (b: Buffer) => sharp(b).jpeg({ quality: 10 }).toBuffer(),
};

let embedder: Embedder;
let loupe: Loupe;

before(async () => {
  embedder = await createEmbedder({ device: 'cpu' });
  loupe = await openLoupe({ dataDir: tempDir(), embedder });
  await loupe.ingest(folderOf(INSIDE.map((f) => `photos/${f}`)), { catalog: 'photos' });
});
after(async () => {
  await loupe.close();
  await embedder.dispose();
});

describe('match thresholds', () => {
  it('are derived from the catalog: "same" at the 2nd percentile of edited copies, "similar" at mean + 2.33 sd of item pairs', () => {
    const edited = Array.from({ length: 100 }, (_, i) => 0.7 + i * 0.003);
    const pairs = [0.3, 0.4, 0.5, 0.4, 0.3, 0.5]; // mean 0.4, sd 0.0894
    const t = thresholdsFrom(edited, pairs);
    assert.equal(t.same, quantile(edited, 0.02));
    assert.ok(Math.abs(t.similar - (0.4 + 2.326 * 0.08944)) < 1e-4, `similar ${t.similar}`);
    assert.equal(matchOf(t.same, t), 'same');
    assert.equal(matchOf(t.same - 1e-6, t), 'similar');
    assert.equal(matchOf(t.similar - 1e-6, t), 'weak');
    // a catalog whose different items are closer than its edited copies: "same" is never below "similar"
    const crowded = thresholdsFrom([0.6, 0.62], [0.9, 0.95]);
    assert.ok(crowded.same >= crowded.similar);
  });

  it('an ingest measures the catalog and stores the result with its model id', async () => {
    const stored = await loupe.relevance.calibration('photos');
    assert.ok(stored, 'a calibration exists after the ingest');
    assert.equal(stored.modelId, loupe.modelId);
    assert.equal(stored.itemCount, INSIDE.length);
    assert.ok(stored.sameScore > stored.similarScore, `same ${stored.sameScore} > similar ${stored.similarScore}`);
    assert.ok(stored.sameScore > 0.5 && stored.sameScore < 1);
    assert.equal((stored.details.editedScores as { count: number }).count, INSIDE.length * 4);
  });
});

describe('search results carry their match', () => {
  for (const [edit, apply] of Object.entries(EDITS)) {
    it(`an edited copy (${edit}) finds its original as "same"`, async () => {
      for (const photo of INSIDE.slice(0, 4)) {
        const [r] = await loupe.search([new Uint8Array(await apply(readFileSync(join(PHOTOS, photo))))], { catalog: 'photos', k: 3 });
        assert.ok(r?.ok);
        const [top] = r.value.results;
        assert.equal(top!.item.sourceName, photo);
        assert.equal(top!.match, 'same', `${photo} (${edit}) scored ${top!.score}`);
      }
    });
  }

  it('photos that are not in the catalog get no "same" result, and minMatch filters', async () => {
    const responses = await loupe.search(OUTSIDE.map((f) => join(PHOTOS, f)), { catalog: 'photos', k: 5 });
    for (const r of responses) {
      assert.ok(r.ok);
      assert.equal(r.value.results.length, 5);
      for (const x of r.value.results) assert.notEqual(x.match, 'same', `${OUTSIDE[r.index]} → ${x.item.sourceName} at ${x.score}`);
    }
    const filtered = await loupe.search(OUTSIDE.map((f) => join(PHOTOS, f)), { catalog: 'photos', k: 5, minMatch: 'same' });
    for (const r of filtered) assert.ok(r.ok && r.value.results.length === 0);
    const similarOrBetter = await loupe.search([join(PHOTOS, INSIDE[0]!)], { catalog: 'photos', k: 10, minMatch: 'similar' });
    const [best] = similarOrBetter;
    assert.ok(best?.ok);
    assert.ok(best.value.results.every((x) => x.match !== 'weak'));
    assert.equal(best.value.results[0]!.match, 'same');
  });

  it('refuses an unknown minMatch', async () => {
    // @ts-expect-error — a value from outside TypeScript
    await assert.rejects(loupe.searchByItem(1, { minMatch: 'close' }), InvalidQueryError);
  });
});
