// The detector on real photos: hand-labelled objects are found (IoU ≥ 0.5), boxes land exactly on a non-square
// image, fusion fixes CenterNet's known cat/dog confusion, and bad input gets the embedder's clear errors.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { createEmbedder, intersectionOverUnion, type Embedder, type Rect } from '@loupe/embedding';
import { createDetector, detectorBoxes, type Detector } from '../src/index.ts';
import { FIXTURES, PHOTOS, readJson } from './helpers.ts';

type Labelled = Record<string, Array<Rect & { label: string }>>;
const BOXES = readJson<Labelled>(join(PHOTOS, 'boxes.json'));
/** Objects the default minimum score misses, checked below at a lower one (recall is measured in the benchmark). */
const KNOWN_MISSES = new Set(['person-dog-horse.jpg:horse']);

describe('createDetector', () => {
  let embedder: Embedder;
  let plain: Detector;
  let fused: Detector;
  before(async () => {
    embedder = await createEmbedder({ device: 'cpu' });
    plain = await createDetector({ device: 'cpu' });
    fused = await createDetector({ device: 'cpu', classifier: embedder });
  });
  after(async () => {
    await plain?.dispose();
    await fused?.dispose();
    await embedder?.dispose();
  });

  for (const photo of ['dog-bicycle-truck.jpg', 'person-dog-horse.jpg', 'horses.jpg', 'giraffe-zebra.jpg', 'eagle.jpg']) {
    it(`finds each hand-labelled object of ${photo} with IoU ≥ 0.5`, async () => {
      const { objects, width, height } = await fused.detect(join(PHOTOS, photo));
      assert.ok(width > 0 && height > 0);
      // truck: CenterNet calls it "car" (0.58) ahead of "truck" (0.31); both boxes are reported, so it is found.
      for (const want of BOXES[photo]!.filter((b) => !KNOWN_MISSES.has(`${photo}:${b.label}`))) {
        const best = Math.max(0, ...objects.filter((o) => o.label === want.label).map((o) => intersectionOverUnion(o.box, want)));
        assert.ok(best >= 0.5, `${photo}: ${want.label} best IoU ${best.toFixed(2)} (found ${objects.map((o) => o.label).join(', ')})`);
      }
    });
  }

  it('finds the half-hidden horse of person-dog-horse.jpg only below the default minimum score (CenterNet: 0.29)', async () => {
    const want = BOXES['person-dog-horse.jpg']!.find((b) => b.label === 'horse')!;
    const iou = async (minScore?: number) =>
      Math.max(0, ...(await fused.detect(join(PHOTOS, 'person-dog-horse.jpg'), { minScore })).objects.filter((o) => o.label === 'horse').map((o) => intersectionOverUnion(o.box, want)));
    assert.equal(await iou(), 0);
    assert.ok((await iou(0.2)) >= 0.5);
  });

  it('puts boxes exactly on a non-square image (the photo pasted into a wider canvas moves its boxes by the offset)', async () => {
    const photo = join(PHOTOS, 'person-dog-horse.jpg');
    const canvas = await sharp({ create: { width: 1100, height: 520, channels: 3, background: '#808080' } })
      .composite([{ input: photo, left: 400, top: 60 }])
      .png()
      .toBuffer();
    const alone = (await plain.detect(photo)).objects.find((o) => o.label === 'person')!;
    const inCanvas = await plain.detect(new Uint8Array(canvas));
    assert.equal(inCanvas.width, 1100);
    assert.equal(inCanvas.height, 520);
    const moved = { x0: alone.box.x0 + 400, y0: alone.box.y0 + 60, x1: alone.box.x1 + 400, y1: alone.box.y1 + 60 };
    const person = inCanvas.objects.find((o) => o.label === 'person');
    assert.ok(person, 'the person is found in the canvas');
    assert.ok(intersectionOverUnion(person.box, moved) >= 0.8, `IoU ${intersectionOverUnion(person.box, moved).toFixed(2)}: ${JSON.stringify(person.box)} vs ${JSON.stringify(moved)}`);
    assert.ok(intersectionOverUnion(person.box, BOXES['person-dog-horse.jpg']![0]!) < 0.1, 'and not where it was in the original');
  });

  it('fusion fixes the cat CenterNet calls a dog, and says which ImageNet class decided', async () => {
    const before = (await plain.detect(join(PHOTOS, 'cat.jpg'))).objects;
    assert.equal(before[0]?.label, 'dog', 'CenterNet alone: dog (the known confusion)');
    const after = (await fused.detect(join(PHOTOS, 'cat.jpg'))).objects;
    assert.equal(after[0]?.label, 'cat');
    assert.equal(after[0]?.classId, 15);
    assert.equal(after[0]?.source, 'fused');
    assert.match(after[0]!.imagenet!.label, /cat/);
    assert.ok(intersectionOverUnion(after[0]!.box, BOXES['cat.jpg']![0]!) >= 0.5);
    assert.ok(!after.some((o) => o.label === 'dog'), 'no dog left');
  });

  it('fusion keeps a box from taking the class of something inside it (the bicycle holding the dog stays a bicycle)', async () => {
    const { objects } = await fused.detect(join(PHOTOS, 'dog-bicycle-truck.jpg'));
    const bike = objects.find((o) => intersectionOverUnion(o.box, BOXES['dog-bicycle-truck.jpg']![1]!) >= 0.5);
    assert.equal(bike?.label, 'bicycle');
    assert.equal(bike?.source, 'detector');
  });

  it('gives [] for an image with nothing in it, and honours minScore and maxObjects', async () => {
    const grey = { data: new Uint8Array(640 * 400 * 3).fill(128), width: 640, height: 400, channels: 3 as const };
    assert.deepEqual((await fused.detect(grey)).objects, []);
    const kites = join(PHOTOS, 'beach-kites.jpg');
    const all = (await plain.detect(kites, { minScore: 0.2 })).objects;
    assert.ok(all.length > 3);
    assert.ok(all.every((o, i) => o.score >= 0.2 && (i === 0 || all[i - 1]!.score >= o.score)), 'sorted best first, all ≥ minScore');
    assert.equal((await plain.detect(kites, { minScore: 0.2, maxObjects: 3 })).objects.length, 3);
    await assert.rejects(plain.detect(kites, { minScore: 2 }), { code: 'INVALID_INPUT' });
  });

  it('refuses bad input with the embedder errors, and keeps working', async () => {
    await assert.rejects(fused.detect(join(FIXTURES, 'bad', 'truncated.jpg')), { code: 'CORRUPT_IMAGE' });
    await assert.rejects(fused.detect(join(FIXTURES, 'bad', 'text.jpg')), { code: 'UNSUPPORTED_IMAGE' });
    await assert.rejects(fused.detect(join(FIXTURES, 'bad', 'bomb.png')), { code: 'IMAGE_TOO_LARGE' });
    await assert.rejects(fused.detect(join(PHOTOS, 'no-such.jpg')), { code: 'INVALID_INPUT' });
    assert.ok((await fused.detect(join(PHOTOS, 'eagle.jpg'))).objects.some((o) => o.label === 'bird'));
  });

  it('gives the classify box from the detector where the top ImageNet class is a COCO class it found, CAM elsewhere', async () => {
    const eagle = join(PHOTOS, 'eagle.jpg');
    const [analysis] = await embedder.localize([eagle], { topK: 3 });
    const cam = analysis!.boxes.find((b) => b.classId === analysis!.predictions[0]!.classId)!;
    assert.equal(cam.label, 'bald eagle');
    const [box] = detectorBoxes([cam], (await fused.detect(eagle)).objects);
    assert.equal(box!.label, 'bald eagle', 'the class and its score stay');
    assert.equal(box!.source, 'detector');
    const truth = BOXES['eagle.jpg']![0]!;
    assert.ok(intersectionOverUnion(box!, truth) > intersectionOverUnion(cam, truth), 'closer to the hand-labelled box than the CAM blob');
    const [squirrel] = await embedder.localize([join(PHOTOS, 'squirrel.jpg')], { topK: 1 });
    const top = squirrel!.boxes[0]!;
    assert.deepEqual(detectorBoxes([top], (await fused.detect(join(PHOTOS, 'squirrel.jpg'))).objects), [{ ...top, source: 'cam' }], 'no COCO squirrel: CAM stays');
  });

  it('reports its model and provider', () => {
    const info = fused.info();
    assert.equal(info.modelId, 'centernet-mobilenetv3-coco@1');
    assert.equal(info.provider, 'cpu');
    assert.equal(info.fusion, true);
    assert.deepEqual(info.inputSize, [512, 512]);
  });
});
