import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeRle, encodePlaced, encodeRle, maskIoU, SegmentationError } from '@loupe/segmentation';
import { rng } from './helpers.ts';

describe('COCO RLE', () => {
  it('matches a hand-checked example: column-major, starting with a run of zeros', () => {
    // h = 3, w = 2, row-major:  0 1 / 1 1 / 0 0.  Column by column: 0 1 0 | 1 1 0 → runs 1 zero, 1 one, 1 zero, 2 ones, 1 zero.
    const mask = Uint8Array.from([0, 1, 1, 1, 0, 0]);
    assert.deepEqual(encodeRle(mask, 3, 2), { size: [3, 2], counts: [1, 1, 1, 2, 1] });
  });

  it('starts with a zero count when the first pixel is inside, and encodes an empty mask as one run', () => {
    assert.deepEqual(encodeRle(Uint8Array.from([1, 1, 1, 1]), 2, 2).counts, [0, 4]);
    assert.deepEqual(encodeRle(new Uint8Array(6), 2, 3).counts, [6]);
    assert.deepEqual(encodeRle(Uint8Array.from([1, 0, 0, 0]), 2, 2).counts, [0, 1, 3]);
  });

  it('round-trips random masks of many shapes pixel for pixel', () => {
    const random = rng(7);
    for (let t = 0; t < 200; t++) {
      const h = 1 + Math.floor(random() * 40);
      const w = 1 + Math.floor(random() * 40);
      const density = random();
      const mask = Uint8Array.from({ length: h * w }, () => (random() < density ? 1 : 0));
      const rle = encodeRle(mask, h, w);
      assert.equal(rle.counts.reduce((a, b) => a + b, 0), h * w);
      assert.ok(rle.counts.slice(1).every((c) => c > 0), 'only the first count may be 0');
      assert.deepEqual(decodeRle(rle).data, mask);
    }
  });

  it('encodes a box-local mask in the whole frame exactly as the materialised frame', () => {
    const random = rng(11);
    for (let t = 0; t < 100; t++) {
      const height = 5 + Math.floor(random() * 30);
      const width = 5 + Math.floor(random() * 30);
      const w = 1 + Math.floor(random() * (width - 1));
      const h = 1 + Math.floor(random() * (height - 1));
      const x0 = Math.floor(random() * (width - w + 1));
      const y0 = Math.floor(random() * (height - h + 1));
      const data = Uint8Array.from({ length: w * h }, () => (random() < 0.5 ? 1 : 0));
      const frame = new Uint8Array(width * height);
      for (let y = 0; y < h; y++) frame.set(data.subarray(y * w, (y + 1) * w), (y + y0) * width + x0);
      assert.deepEqual(encodePlaced({ data, width: w, height: h, x0, y0 }, height, width), encodeRle(frame, height, width));
    }
  });

  it('refuses malformed masks and RLEs with a clear error', () => {
    const code = (fn: () => unknown, expected: string, message: RegExp) =>
      assert.throws(fn, (e: unknown) => e instanceof SegmentationError && e.code === expected && message.test(e.message));
    code(() => encodeRle(new Uint8Array(5), 2, 3), 'INVALID_MASK', /2×3 = 6 bytes, got 5/);
    code(() => encodeRle(new Uint8Array(0), 0, 3), 'INVALID_MASK', /positive integers/);
    code(() => encodePlaced({ data: new Uint8Array(4), width: 2, height: 2, x0: 3, y0: 0 }, 4, 4), 'INVALID_MASK', /does not fit/);
    code(() => decodeRle({ size: [2, 2], counts: [1, 2] }), 'INVALID_RLE', /cover 3 pixels/);
    code(() => decodeRle({ size: [2, 2], counts: [3, 2] }), 'INVALID_RLE', /more than the 2×2 frame/);
    code(() => decodeRle({ size: [2, 2], counts: [1, -1, 4] }), 'INVALID_RLE', /not a non-negative integer/);
    code(() => decodeRle({ size: [2], counts: [4] } as never), 'INVALID_RLE', /"size": \[height, width\]/);
  });

  it('measures mask IoU', () => {
    const a = { data: Uint8Array.from([1, 1, 0, 0]), width: 2, height: 2 };
    const b = { data: Uint8Array.from([0, 1, 1, 0]), width: 2, height: 2 };
    assert.equal(maskIoU(a, b), 1 / 3);
    assert.equal(maskIoU(a, a), 1);
  });
});
