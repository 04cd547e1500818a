// The same photo in several catalogs (the same content hash) is one result of a search across them, listing its
// other catalogs; k counts images, paging neither repeats nor skips one, and a search of one catalog is unchanged.
// On the real model, two small catalogs that share some photos byte for byte.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createEmbedder, type Embedder } from '@loupe/embedding';
import type { Loupe, SearchResult } from '../src/index.ts';
import { ImageGroups, leadsBefore, type RankedHit } from '../src/same-image.ts';
import { folderOf, openWithInternals, PHOTOS, tempDir } from './helpers.ts';

const SHOP = ['cat.jpg', 'dog-bicycle-truck.jpg', 'espresso.jpg', 'orange.jpg', 'robin.jpg'];
const ARCHIVE = ['cat.jpg', 'dog-bicycle-truck.jpg', 'eagle.jpg', 'squirrel.jpg'];
const IMAGES = new Set([...SHOP, ...ARCHIVE]).size; // 7 images in 9 items

let embedder: Embedder;
let loupe: Awaited<ReturnType<typeof openWithInternals>>;

/** Every catalog a result's image is in: the result's own first, then its copies'. */
const catalogsOf = (r: SearchResult) => [r.catalog, ...(r.alsoIn ?? []).map((c) => c.catalog)];

async function byImage(file: string, options: Parameters<Loupe['search']>[1]) {
  const [r] = await loupe.search([join(PHOTOS, file)], options);
  assert.ok(r?.ok, r && !r.ok ? r.error.message : 'no response');
  return r.value;
}

/** Each result is a different image (content hash), and no item appears twice, as a result or a copy. */
function assertOneResultPerImage(results: SearchResult[]) {
  const hashes = results.map((r) => r.item.contentHash);
  assert.equal(new Set(hashes).size, hashes.length, `an image shows twice: ${results.map((r) => r.item.sourceName).join(', ')}`);
  const ids = results.flatMap((r) => [r.id, ...(r.alsoIn ?? []).map((c) => c.id)]);
  assert.equal(new Set(ids).size, ids.length);
}

before(async () => {
  embedder = await createEmbedder({ device: 'cpu' });
  loupe = await openWithInternals({ dataDir: tempDir(), embedder });
  await loupe.ingest(folderOf(SHOP.map((f) => `photos/${f}`)), { catalog: 'shop' });
  await loupe.ingest(folderOf(ARCHIVE.map((f) => `photos/${f}`)), { catalog: 'archive' });
});
after(async () => {
  await loupe.close();
  await embedder.dispose();
});

describe('the same image in several catalogs', () => {
  it('a search across catalogs shows it once, listing its other catalog; k counts images', async () => {
    const { results, nextCursor } = await byImage('cat.jpg', { k: 50 });
    assert.equal(results.length, IMAGES);
    assert.equal(nextCursor, null);
    assertOneResultPerImage(results);
    const [cat] = results;
    assert.equal(cat!.item.sourceName, 'cat.jpg');
    assert.equal(cat!.match, 'same');
    assert.deepEqual(catalogsOf(cat!).sort(), ['archive', 'shop']);
    // The copy is the other catalog's item of the same photo, named as that catalog names it.
    const copy = cat!.alsoIn![0]!;
    const item = await loupe.store.items.get(copy.id);
    assert.deepEqual([item!.contentHash, copy.title, copy.externalId], [cat!.item.contentHash, 'cat.jpg', null]);
    // Copies have the same vector when the model gave the same numbers: then the scores tie and the older item (shop's,
    // ingested first) leads.
    const index = await loupe.index();
    if (index.vectorOf(cat!.id)!.every((x, i) => x === index.vectorOf(copy.id)![i])) assert.equal(cat!.catalog, 'shop');
    // The item itself names its other catalog too (its page lists it), and an image in one catalog names none.
    assert.deepEqual((await loupe.items.get(cat!.id)).alsoIn, cat!.alsoIn);
    assert.deepEqual((await loupe.items.get(copy.id)).alsoIn?.map((c) => c.id), [cat!.id]);
    assert.equal((await loupe.items.get(results.find((r) => r.item.sourceName === 'eagle.jpg')!.id)).alsoIn, undefined);
    // Photos in one catalog only list none.
    for (const r of results) {
      const inBoth = SHOP.includes(r.item.sourceName) && ARCHIVE.includes(r.item.sourceName);
      assert.equal(r.alsoIn?.length ?? 0, inBoth ? 1 : 0, r.item.sourceName);
    }
    // k counts images: the first 3 results are 3 images, whatever copies they hold.
    const three = await byImage('cat.jpg', { k: 3 });
    assert.deepEqual(three.results.map((r) => r.id), results.slice(0, 3).map((r) => r.id));
    assert.ok(three.nextCursor);
    // Several named catalogs collapse too.
    const named = await byImage('cat.jpg', { k: 50, catalog: ['shop', 'archive'] });
    assert.deepEqual(named.results.map((r) => r.id), results.map((r) => r.id));
  });

  it('paging with the cursor neither repeats nor skips an image', async () => {
    const all = (await byImage('dog-bicycle-truck.jpg', { k: 50, exact: true })).results;
    for (const k of [1, 2, 3]) {
      let page = await byImage('dog-bicycle-truck.jpg', { k, exact: true });
      const seen = [...page.results];
      while (page.nextCursor) {
        page = await loupe.searchMore(page.nextCursor, { k });
        assert.ok(page.results.length <= k);
        seen.push(...page.results);
      }
      assert.deepEqual(seen.map((r) => r.id), all.map((r) => r.id), `pages of ${k}`);
      assert.deepEqual(seen.map(catalogsOf), all.map(catalogsOf));
      assertOneResultPerImage(seen);
    }
  });

  it('a search of one catalog is unchanged: every item its own result, no copies listed', async () => {
    for (const [catalog, files] of [['shop', SHOP], ['archive', ARCHIVE]] as const) {
      const { results } = await byImage('cat.jpg', { k: 50, catalog });
      assert.deepEqual(results.map((r) => r.item.sourceName).sort(), [...files].sort());
      assert.ok(results.every((r) => r.catalog === catalog && r.alsoIn === undefined));
    }
  });

  it('more like this, a vector and a region query collapse alike; filters apply to each item first', async () => {
    const cat = (await byImage('cat.jpg', { k: 1, catalog: 'shop' })).results[0]!;
    // More like shop's cat: archive's cat is the same image (the query item itself is left out, so it lists none).
    const more = await loupe.searchByItem(cat.id, { k: 50 });
    assert.equal(more.results[0]!.catalog, 'archive');
    assert.equal(more.results[0]!.alsoIn, undefined);
    assert.equal(more.results.length, IMAGES);
    assertOneResultPerImage(more.results);
    const [vector] = await loupe.images.embed([readFileSync(join(PHOTOS, 'cat.jpg'))]);
    const byVector = await loupe.searchByVector(vector!, { k: 50 });
    assert.deepEqual(byVector.results.map(catalogsOf), (await byImage('cat.jpg', { k: 50 })).results.map(catalogsOf));
    // A region query also matches the items' objects: one result per image still.
    const dog = (JSON.parse(readFileSync(join(PHOTOS, 'boxes.json'), 'utf8')) as Record<string, Array<{ label: string; x0: number; y0: number; x1: number; y1: number }>>)['dog-bicycle-truck.jpg']!.find((b) => b.label === 'dog')!;
    const [region] = await loupe.search([{ source: readFileSync(join(PHOTOS, 'dog-bicycle-truck.jpg')), region: { x0: dog.x0, y0: dog.y0, x1: dog.x1, y1: dog.y1 } }], { k: 50 });
    assert.ok(region?.ok);
    assertOneResultPerImage(region.value.results);
    assert.deepEqual(catalogsOf(region.value.results[0]!).sort(), ['archive', 'shop']);
    // minScore and minMatch keep the same images whichever catalog they come from.
    const close = await byImage('cat.jpg', { k: 50, minMatch: 'same' });
    assert.deepEqual(close.results.map((r) => r.item.sourceName), ['cat.jpg']);
    assert.deepEqual(catalogsOf(close.results[0]!).sort(), ['archive', 'shop']);
  });

  it('search by object lists the other catalogs of each result too', async () => {
    const [r] = await loupe.searchByObjects([join(PHOTOS, 'dog-bicycle-truck.jpg')], { k: 3 });
    assert.ok(r?.ok);
    assert.ok(r.value.objects.length > 0);
    for (const { results } of r.value.objects) assertOneResultPerImage(results);
    const first = r.value.objects[0]!.results[0]!;
    assert.equal(first.item.sourceName, 'dog-bicycle-truck.jpg');
    assert.deepEqual(catalogsOf(first).sort(), ['archive', 'shop']);
    const [one] = await loupe.searchByObjects([join(PHOTOS, 'dog-bicycle-truck.jpg')], { k: 3, catalog: 'archive' });
    assert.ok(one?.ok && one.value.objects.every((o) => o.results.every((x) => x.catalog === 'archive' && x.alsoIn === undefined)));
  });
});

describe('which copy leads', () => {
  const hit = (id: number, score: number, match: RankedHit['match']): RankedHit => ({ id, score, match });

  it('the best score; on a tie the stronger match by its own catalog, then the older item', () => {
    assert.deepEqual([hit(9, 0.5, 'weak'), hit(3, 0.9, 'similar')].sort(leadsBefore).map((h) => h.id), [3, 9]);
    assert.deepEqual([hit(3, 0.9, 'similar'), hit(9, 0.9, 'same')].sort(leadsBefore).map((h) => h.id), [9, 3]);
    assert.deepEqual([hit(9, 0.9, 'same'), hit(3, 0.9, 'same')].sort(leadsBefore).map((h) => h.id), [3, 9]);
  });

  it('a copy found later joins its image where it first appeared; hits without a hash (deleted) are left out', () => {
    const groups = new ImageGroups<RankedHit>();
    const hashes = new Map([[1, 'a'], [2, 'b'], [3, 'a'], [4, 'c']]);
    groups.add([hit(1, 0.9, 'similar'), hit(2, 0.8, 'weak')], hashes);
    groups.add([hit(3, 0.9, 'same'), hit(5, 0.7, 'weak'), hit(4, 0.6, 'weak')], hashes);
    assert.deepEqual(groups.ranked.map((g) => g.map((h) => h.id)), [[3, 1], [2], [4]]);
    const plain = new ImageGroups<RankedHit>();
    plain.add([hit(1, 0.9, 'same'), hit(3, 0.9, 'same')]);
    assert.deepEqual(plain.ranked.map((g) => g.map((h) => h.id)), [[1], [3]]);
  });
});
