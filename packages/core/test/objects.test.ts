// Objects in a catalog, on real photos and the real models: ingest stores each item's detected objects and indexes a
// vector per object; search by object finds, for each object of a query photo, the items holding a similar object
// and says where (`region`); a composite of two catalog photos finds each source through the right object.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { createEmbedder, intersectionOverUnion, type Embedder } from '@loupe/embedding';
import { decodeRle } from '@loupe/segmentation';
import { openLoupe, type Loupe, type ObjectSearchResponse } from '../src/index.ts';
import { folderOf, PHOTO_FILES, PHOTOS, tempDir } from './helpers.ts';

type HandBox = { label: string; x0: number; y0: number; x1: number; y1: number };
const HAND_BOXES = JSON.parse(readFileSync(join(PHOTOS, 'boxes.json'), 'utf8')) as Record<string, HandBox[]>;

let embedder: Embedder;
let loupe: Loupe;
const idOf = new Map<string, number>();

/** Two catalog photos side by side on a white canvas, each scaled to the same height. */
async function composite(left: string, right: string, height = 360): Promise<{ png: Buffer; split: number; width: number }> {
  const a = await sharp(join(PHOTOS, left)).resize({ height }).toBuffer({ resolveWithObject: true });
  const b = await sharp(join(PHOTOS, right)).resize({ height }).toBuffer({ resolveWithObject: true });
  const width = a.info.width + b.info.width;
  const png = await sharp({ create: { width, height, channels: 3, background: '#ffffff' } })
    .composite([
      { input: a.data, left: 0, top: 0 },
      { input: b.data, left: a.info.width, top: 0 },
    ])
    .png()
    .toBuffer();
  return { png, split: a.info.width, width };
}

async function searchObjects(image: Uint8Array, catalog = 'photos'): Promise<ObjectSearchResponse> {
  const [r] = await loupe.searchByObjects([image], { catalog, k: 3 });
  assert.ok(r?.ok, r && !r.ok ? r.error.message : 'no response');
  return r.value;
}

before(async () => {
  embedder = await createEmbedder({ device: 'cpu' });
  loupe = await openLoupe({ dataDir: tempDir(), embedder });
  await loupe.ingest(folderOf(PHOTO_FILES.map((f) => `photos/${f}`)), { catalog: 'photos' });
  for (const page of (await loupe.items.list('photos', { limit: 100 })).items) idOf.set(page.item.sourceName, page.item.id);
});
after(async () => {
  await loupe.close();
  await embedder.dispose();
});

describe('objects at ingest', () => {
  it('each item carries its detected objects: COCO labels, boxes inside the photo, best first', async () => {
    const { item } = await loupe.items.get(idOf.get('dog-bicycle-truck.jpg')!);
    assert.ok(item.objects && item.objects.length >= 2, `objects: ${JSON.stringify(item.objects)}`);
    for (const o of item.objects) {
      assert.ok(o.x0 >= 0 && o.y0 >= 0 && o.x1 <= item.width && o.y1 <= item.height && o.x0 < o.x1 && o.y0 < o.y1);
      assert.ok(o.score >= 0.3 && o.score <= 1);
    }
    assert.deepEqual([...item.objects].map((o) => o.score), [...item.objects].map((o) => o.score).sort((a, b) => b - a));
    // The hand-labelled dog and bicycle are among them (IoU ≥ 0.5 with an object of the same label).
    for (const want of HAND_BOXES['dog-bicycle-truck.jpg']!.filter((b) => b.label !== 'truck')) {
      const best = Math.max(...item.objects.filter((o) => o.label === want.label).map((o) => intersectionOverUnion(o, want)));
      assert.ok(best >= 0.5, `${want.label}: best IoU ${best}`);
    }
  });
});

describe('the class box', () => {
  it("an item's box for an ImageNet class the detector found as an object is that object's box, still named by its class", async () => {
    const { item } = await loupe.items.get(idOf.get('cat.jpg')!);
    const cat = item.objects!.find((o) => o.label === 'cat');
    assert.ok(cat, JSON.stringify(item.objects));
    const top = item.boxes.find((b) => b.classId === item.predictions[0]!.classId)!;
    assert.deepEqual([top.x0, top.y0, top.x1, top.y1], [cat.x0, cat.y0, cat.x1, cat.y1]);
    assert.equal(top.label, item.predictions[0]!.label);
    assert.ok(intersectionOverUnion(top, HAND_BOXES['cat.jpg']![0]!) >= 0.8);
  });
});

describe('search by object', () => {
  it('a composite of two catalog photos finds each source item through the object that came from it', async () => {
    const { png, split, width } = await composite('cat.jpg', 'giraffe-zebra.jpg');
    const found = await searchObjects(png);
    assert.equal(found.width, width);
    const sides = { left: 'cat.jpg', right: 'giraffe-zebra.jpg' } as const;
    for (const [side, source] of Object.entries(sides)) {
      // The query objects that lie on this side of the composite.
      const here = found.objects.filter(({ object }) => ((object.box.x0 + object.box.x1) / 2 < split) === (side === 'left'));
      assert.ok(here.length > 0, `no object found in the ${side} photo: ${JSON.stringify(found.objects.map((o) => o.object))}`);
      const first = here[0]!.results[0];
      assert.equal(first?.item.sourceName, source, `${side}: ${here[0]!.object.label} found ${first?.item.sourceName}`);
      // The region is the matched object's box in the result item's own pixels, and it is the object that was pasted.
      const region = first!.region;
      assert.ok(region.x1 <= first!.item.width && region.y1 <= first!.item.height);
      const hand = HAND_BOXES[source]!.find((b) => b.label === region.label);
      assert.ok(hand, `region label ${region.label} is one of the hand-labelled objects of ${source}`);
      assert.ok(intersectionOverUnion(region, hand) >= 0.5, `region IoU ${intersectionOverUnion(region, hand)}`);
      assert.ok(first!.score > 0.8 && ['same', 'similar', 'weak'].includes(first!.match));
    }
  });

  it("a region of the query (an object the user picked) also matches the items' objects, and names the matched one", async () => {
    const { png, split } = await composite('cat.jpg', 'giraffe-zebra.jpg');
    // The hand-labelled giraffe, where it landed in the composite (the photo was scaled to 360 px high).
    const { height } = await sharp(join(PHOTOS, 'giraffe-zebra.jpg')).metadata();
    const giraffe = HAND_BOXES['giraffe-zebra.jpg']!.find((b) => b.label === 'giraffe')!;
    const s = 360 / height!;
    const region = { x0: split + giraffe.x0 * s, y0: giraffe.y0 * s, x1: split + giraffe.x1 * s, y1: giraffe.y1 * s };
    const [r] = await loupe.search([{ source: png, region }], { catalog: 'photos', k: 3 });
    assert.ok(r?.ok);
    const first = r.value.results[0]!;
    assert.equal(first.item.sourceName, 'giraffe-zebra.jpg');
    assert.ok(first.region, 'matched through its object');
    assert.equal(first.region.label, 'giraffe');
    assert.ok(intersectionOverUnion(first.region, giraffe) >= 0.5);
    // The whole query (no region) matches whole items only.
    const [whole] = await loupe.search([png], { catalog: 'photos', k: 3 });
    assert.ok(whole?.ok && whole.value.results.every((x) => x.region === undefined));
  });

  it('gives one result per item, best first, and honours the catalog scope', async () => {
    const bytes = readFileSync(join(PHOTOS, 'horses.jpg'));
    const found = await searchObjects(bytes);
    for (const { results } of found.objects) {
      assert.equal(new Set(results.map((r) => r.id)).size, results.length);
      assert.deepEqual(results.map((r) => r.score), results.map((r) => r.score).sort((a, b) => b - a));
    }
    // The photo itself is in the catalog: its horses find it first.
    assert.ok(found.objects.some((o) => o.object.label === 'horse' && o.results[0]?.item.sourceName === 'horses.jpg'));
    await loupe.catalogs.create('empty');
    const none = await searchObjects(bytes, 'empty');
    assert.ok(none.objects.length > 0 && none.objects.every((o) => o.results.length === 0));
  });

  it('a bad image fails alone; a deleted item leaves the object index', async () => {
    const good = readFileSync(join(PHOTOS, 'cat.jpg'));
    const [bad, ok] = await loupe.searchByObjects([new Uint8Array([1, 2, 3]), good], { catalog: 'photos', k: 2 });
    assert.equal(bad!.ok, false);
    assert.equal(ok!.ok, true);
    const catId = idOf.get('cat.jpg')!;
    await loupe.removeItems([catId]);
    const after = await searchObjects(good);
    assert.ok(after.objects.every((o) => o.results.every((r) => r.id !== catId)));
  });
});

describe('objects added later', () => {
  it('a catalog ingested without objects gets them from reindex', async () => {
    const l = await openLoupe({ dataDir: tempDir(), embedder, objects: false });
    try {
      await l.ingest(folderOf(['photos/person-dog-horse.jpg', 'photos/cat.jpg']), { catalog: 'c' });
      const { items } = await l.items.list('c');
      assert.ok(items.every((v) => v.item.objects?.length === 0));
      const result = await l.reindex({ objects: true });
      assert.equal(result.objects, 2);
      const [withObjects] = (await l.items.list('c')).items.filter((v) => v.item.sourceName === 'person-dog-horse.jpg');
      assert.ok(withObjects!.item.objects!.some((o) => o.label === 'person'));
      const [r] = await l.searchByObjects([readFileSync(join(PHOTOS, 'person-dog-horse.jpg'))], { catalog: 'c', k: 1 });
      assert.ok(r!.ok && r!.value.objects.every((o) => o.results[0]?.item.sourceName === 'person-dog-horse.jpg'));
    } finally {
      await l.close();
    }
  });
});

describe("a catalog's objects setting", () => {
  it('"off" stores no objects (and reindex leaves them out), "masks" stores a mask inside each object\'s box, and a change applies from then on', async () => {
    const l = await openLoupe({ dataDir: tempDir(), embedder });
    try {
      assert.equal((await l.catalogs.create('plain', { objects: 'off' })).objects, 'off');
      assert.equal((await l.catalogs.create('outlined', { objects: 'masks' })).objects, 'masks');
      const photos = folderOf(['photos/cat.jpg', 'photos/dog-bicycle-truck.jpg']);
      await l.ingest(photos, { catalog: 'plain' });
      await l.ingest(photos, { catalog: 'outlined' });
      const listed = async (catalog: string) => (await l.items.list(catalog)).items.map((v) => v.item);

      assert.ok((await listed('plain')).every((item) => item.objects?.length === 0), 'a catalog with objects off gets none');
      assert.equal((await l.reindex({ objects: true })).objects, 0, 'reindex skips catalogs with objects off');
      assert.ok((await listed('plain')).every((item) => item.objects?.length === 0));

      for (const item of await listed('outlined')) {
        assert.ok(item.objects!.length > 0, `${item.sourceName}: no objects`);
        for (const o of item.objects!) {
          assert.ok(o.mask, `${item.sourceName}: ${o.label} has no mask`);
          assert.deepEqual(o.mask.size, [item.height, item.width]);
          const { data } = decodeRle(o.mask);
          const inBox = (x: number, y: number) => x >= Math.floor(o.x0) && x < Math.ceil(o.x1) && y >= Math.floor(o.y0) && y < Math.ceil(o.y1);
          let inside = 0;
          let outside = 0;
          for (let y = 0; y < item.height; y++)
            for (let x = 0; x < item.width; x++) {
              if (!data[y * item.width + x]) continue;
              if (inBox(x, y)) inside++;
              else outside++;
            }
          assert.equal(outside, 0, `${item.sourceName}: ${o.label}'s mask leaves its box`);
          assert.ok(inside > 0.1 * (o.x1 - o.x0) * (o.y1 - o.y0), `${item.sourceName}: ${o.label}'s mask covers ${inside} px`);
        }
      }

      // Turned on later: the items already stored get their objects from reindex; masks stay where they were asked for.
      assert.equal((await l.catalogs.update('plain', { objects: 'boxes' })).objects, 'boxes');
      assert.equal((await l.reindex({ objects: true })).objects, 2);
      const now = await listed('plain');
      assert.ok(now.every((item) => item.objects!.length > 0 && item.objects!.every((o) => o.mask === undefined)));
    } finally {
      await l.close();
    }
  });
});
