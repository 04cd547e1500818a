// Class-activation-map geometry on synthetic maps: what the boxes must be is known exactly.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blobsAboveThreshold, classActivationMap, intersectionOverUnion, nonMaximumSuppression, turbo, upsampleNormalized } from '../src/cam.ts';
import { resizeToSquareRGB } from '../src/preprocess.ts';

describe('class activation maps', () => {
  it('weights the feature map channels by the class row of the classifier', () => {
    // 2 channels, 1×2 map; class 1 weights channel 0 by 2 and channel 1 by -1.
    const featureMap = Float32Array.of(1, 3, 5, 7);
    const weights = Float32Array.of(0, 0, 2, -1);
    const map = classActivationMap(featureMap, 2, 1, 2, weights, 1);
    assert.deepEqual(Array.from(map.values), [2 * 1 - 5, 2 * 3 - 7]);
  });

  it('upsamples to 0..1 with the peak where the map peaks', () => {
    const values = new Float32Array(49);
    values[3 * 7 + 5] = 10;
    const grid = upsampleNormalized({ values, width: 7, height: 7 }, 70, 70);
    let best = 0;
    for (let i = 0; i < grid.length; i++) if (grid[i]! > grid[best]!) best = i;
    assert.equal(grid[best], 1);
    // Cell (5, 3)'s centre is at (55, 35) on the 10× grid: the peak pixel is one of the two around it.
    assert.ok([54, 55].includes(best % 70) && [34, 35].includes(Math.floor(best / 70)), `peak at ${best % 70}, ${Math.floor(best / 70)}`);
    assert.ok(Math.min(...grid) === 0);
  });

  it('separate blobs give separate boxes; a faint one is dropped', () => {
    const w = 20;
    const h = 10;
    const grid = new Float32Array(w * h);
    const fill = (x0: number, y0: number, x1: number, y1: number, v: number) => {
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) grid[y * w + x] = v;
    };
    fill(1, 1, 6, 5, 1); // mass 20
    fill(12, 3, 18, 9, 0.8); // mass 28.8
    fill(9, 0, 10, 1, 0.5); // mass 0.5: below 20% of the strongest blob
    const blobs = blobsAboveThreshold(grid, w, h, 0.3);
    assert.deepEqual(
      blobs.map(({ x0, y0, x1, y1 }) => [x0, y0, x1, y1]),
      [
        [12, 3, 18, 9],
        [1, 1, 6, 5],
      ],
    );
    assert.ok(Math.abs(blobs[0]!.mass - 28.8 / 49.3) < 1e-6);
  });

  it('IoU and non-maximum suppression', () => {
    const a = { x0: 0, y0: 0, x1: 10, y1: 10, score: 0.9 };
    const b = { x0: 5, y0: 0, x1: 15, y1: 10, score: 0.8 };
    const c = { x0: 1, y0: 1, x1: 10, y1: 10, score: 0.5 };
    assert.equal(intersectionOverUnion(a, b), 50 / 150);
    assert.deepEqual(nonMaximumSuppression([c, b, a], 0.5), [a, b]);
  });

  it('turbo colour map runs from blue (low) through green to red (high)', () => {
    const [r0, g0, b0] = turbo(0.15);
    const [r5, g5, b5] = turbo(0.5);
    const [r1, g1, b1] = turbo(0.9);
    assert.ok(b0 > r0 && b0 > g0, `0.15 → ${[r0, g0, b0]}`);
    assert.ok(g5 > r5 && g5 > b5, `0.5 → ${[r5, g5, b5]}`);
    assert.ok(r1 > g1 && r1 > b1, `0.9 → ${[r1, g1, b1]}`);
  });
});

describe('shared resize', () => {
  it('area-averages when shrinking and flattens alpha on white', () => {
    // 4×2 RGBA: left half opaque black, right half fully transparent → after 2× shrink: black, white.
    const data = new Uint8ClampedArray(4 * 2 * 4);
    for (let y = 0; y < 2; y++)
      for (let x = 0; x < 4; x++) {
        const i = (y * 4 + x) * 4;
        data[i + 3] = x < 2 ? 255 : 0;
      }
    const out = resizeToSquareRGB({ data, width: 4, height: 2, channels: 4 }, { x0: 0, y0: 0, x1: 4, y1: 2 }, 2);
    assert.deepEqual(Array.from(out), [0, 0, 0, 255, 255, 255, 0, 0, 0, 255, 255, 255]);
  });

  it('crops the region before resizing', () => {
    const data = new Uint8Array(3 * 3 * 3);
    data.set([10, 20, 30], (1 * 3 + 1) * 3); // centre pixel
    const out = resizeToSquareRGB({ data, width: 3, height: 3, channels: 3 }, { x0: 1, y0: 1, x1: 2, y1: 2 }, 2);
    assert.deepEqual(Array.from(out), [10, 20, 30, 10, 20, 30, 10, 20, 30, 10, 20, 30]);
  });
});
