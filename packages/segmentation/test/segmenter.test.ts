import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { createEmbedder, type Embedder } from '@loupe/embedding';
import { createSegmenter, decodeRle, encodePlaced, maskIoU, maskPng, type Segmenter } from '@loupe/segmentation';
import { FIXTURES } from './helpers.ts';

/** A greyscale PNG mask → 0/1 bytes. */
async function readMask(path: string): Promise<{ data: Uint8Array; width: number; height: number }> {
  const { data, info } = await sharp(path).greyscale().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data).map((v) => (v >= 128 ? 1 : 0)), width: info.width, height: info.height };
}

function tightBox(mask: { data: Uint8Array; width: number; height: number }) {
  let x0 = mask.width, y0 = mask.height, x1 = 0, y1 = 0;
  for (let p = 0; p < mask.data.length; p++)
    if (mask.data[p]) {
      const x = p % mask.width;
      const y = (p - x) / mask.width;
      x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x + 1); y1 = Math.max(y1, y + 1);
    }
  return { x0, y0, x1, y1 };
}

describe('segmenter', () => {
  let embedder: Embedder;
  let segmenter: Segmenter;
  before(async () => {
    embedder = await createEmbedder({ device: 'cpu', batchSize: 4 });
    segmenter = createSegmenter({ embedder });
  });
  after(() => embedder.dispose());

  it('outlines an object on a plain background: IoU ≥ 0.8 against its exact mask, well above the filled box', async () => {
    // apple.mask.png: the photo thresholded by colour and checked by eye (bench/datasets/mask-objects.ts --write-masks).
    const truth = await readMask(`${FIXTURES}objects/apple.mask.png`);
    const box = tightBox(truth);
    const { width, height, masks } = await segmenter.segment(`${FIXTURES}objects/apple.jpg`, [box]);
    assert.deepEqual([width, height], [truth.width, truth.height]);
    const mask = decodeRle(encodePlaced(masks[0]!.mask, height, width));
    const iou = maskIoU(mask, truth);
    const boxOnly = decodeRle(encodePlaced({ data: new Uint8Array((box.x1 - box.x0) * (box.y1 - box.y0)).fill(1), width: box.x1 - box.x0, height: box.y1 - box.y0, x0: box.x0, y0: box.y0 }, height, width));
    const boxIoU = maskIoU(boxOnly, truth);
    assert.ok(iou >= 0.8, `mask IoU ${iou.toFixed(3)} (filled box ${boxIoU.toFixed(3)})`);
    assert.ok(iou > boxIoU, `mask IoU ${iou.toFixed(3)} does not beat the filled box's ${boxIoU.toFixed(3)}`);
  });

  it('gives one mask per box, lying inside its box, from one decode of a real photo with several objects', async () => {
    const boxes = (JSON.parse(await readFile(`${FIXTURES}photos/boxes.json`, 'utf8')) as Record<string, Array<{ x0: number; y0: number; x1: number; y1: number }>>)['dog-bicycle-truck.jpg']!;
    assert.ok(boxes.length >= 2);
    const { width, height, masks } = await segmenter.segment(await readFile(`${FIXTURES}photos/dog-bicycle-truck.jpg`), boxes);
    assert.equal(masks.length, boxes.length);
    for (const [i, { box, mask, area }] of masks.entries()) {
      const { x0, y0, x1, y1 } = boxes[i]!;
      assert.deepEqual(box, { x0, y0, x1, y1 }, 'integer boxes come back as they were');
      assert.deepEqual([mask.x0, mask.y0, mask.width, mask.height], [box.x0, box.y0, box.x1 - box.x0, box.y1 - box.y0]);
      const full = decodeRle(encodePlaced(mask, height, width));
      let inside = 0;
      let outside = 0;
      for (let p = 0; p < full.data.length; p++) {
        if (!full.data[p]) continue;
        const x = p % width;
        const y = (p - x) / width;
        if (x >= box.x0 && x < box.x1 && y >= box.y0 && y < box.y1) inside++;
        else outside++;
      }
      assert.equal(outside, 0);
      assert.equal(inside, area);
      assert.ok(area > 0 && area < (box.x1 - box.x0) * (box.y1 - box.y0), `object ${i}: a mask, neither empty nor the whole box (${area} px)`);
    }
    const png = await maskPng(masks[0]!.mask);
    const meta = await sharp(png).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['png', masks[0]!.mask.width, masks[0]!.mask.height]);
  });

  it('clamps boxes to the image and accepts fractional ones', async () => {
    const { width, height, masks } = await segmenter.segment(`${FIXTURES}photos/orange.jpg`, [{ x0: -20.5, y0: 40.2, x1: 9999, y1: 480.7 }]);
    assert.deepEqual(masks[0]!.box, { x0: 0, y0: 40, x1: width, y1: 481 });
    assert.ok(height >= 481);
  });

  it('refuses bad input with clear, typed errors', async () => {
    const rejects = (promise: Promise<unknown>, code: string, message: RegExp) =>
      assert.rejects(promise, (e: Error & { code?: string }) => e.code === code && message.test(e.message));
    const photo = `${FIXTURES}photos/orange.jpg`;
    await rejects(segmenter.segment(photo, [{ x0: 600, y0: 600, x1: 700, y1: 700 }]), 'INVALID_OBJECT', /object 0: .*less than 2×2 pixels inside/);
    await rejects(segmenter.segment(photo, [{ x0: 0, y0: 0, x1: Number.NaN, y1: 10 }]), 'INVALID_OBJECT', /finite x0, y0, x1, y1/);
    await rejects(segmenter.segment(photo, 'boxes' as never), 'INVALID_OBJECT', /array of boxes/);
    await rejects(segmenter.segment(photo, [{ x0: 0, y0: 0, x1: 50, y1: 50, classIds: [1000] }]), 'INVALID_OBJECT', /class id 1000/);
    await rejects(segmenter.segment(`${FIXTURES}bad/truncated.jpg`, [{ x0: 0, y0: 0, x1: 10, y1: 10 }]), 'CORRUPT_IMAGE', /cannot read the image header|cannot decode/);
    await rejects(segmenter.segment(`${FIXTURES}bad/text.jpg`, [{ x0: 0, y0: 0, x1: 10, y1: 10 }]), 'UNSUPPORTED_IMAGE', /./);
    await rejects(segmenter.segment(`${FIXTURES}bad/bomb.png`, [{ x0: 0, y0: 0, x1: 10, y1: 10 }]), 'IMAGE_TOO_LARGE', /./);
    await rejects(segmenter.segment(`${FIXTURES}nope.jpg`, [{ x0: 0, y0: 0, x1: 10, y1: 10 }]), 'INVALID_INPUT', /cannot read/);
    assert.throws(() => createSegmenter({} as never), /needs \{ embedder \}/);
    // the segmenter keeps working after bad input
    const { masks } = await segmenter.segment(photo, [{ x0: 40, y0: 55, x1: 463, y1: 492 }]);
    assert.ok(masks[0]!.area > 0);
  });

  it("the 'box' method is the filled box (the benchmark's baseline)", async () => {
    const boxes = createSegmenter({ embedder, method: 'box' });
    const { masks } = await boxes.segment(`${FIXTURES}photos/orange.jpg`, [{ x0: 10, y0: 20, x1: 30, y1: 25 }]);
    assert.equal(masks[0]!.area, 20 * 5);
  });
});
