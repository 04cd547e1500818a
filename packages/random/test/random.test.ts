import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gaussian, Random, rng } from '../src/index.ts';

describe('@loupe/random', () => {
  it('a seed fixes the sequence; another seed gives another one', () => {
    const a = rng(7);
    const b = rng(7);
    const c = rng(8);
    const seqA = Array.from({ length: 20 }, a);
    assert.deepEqual(Array.from({ length: 20 }, b), seqA);
    assert.notDeepEqual(Array.from({ length: 20 }, c), seqA);
    const r = new Random(7);
    assert.deepEqual(Array.from({ length: 20 }, () => r.next()), seqA, 'the class and the function draw the same numbers');
  });

  it('uniform in [0, 1) with mean ½ and variance 1/12; Gaussian with mean 0 and variance 1', () => {
    const n = 200_000;
    const u = Array.from({ length: n }, rng(3));
    assert.ok(u.every((x) => x >= 0 && x < 1));
    const mean = u.reduce((s, x) => s + x, 0) / n;
    const variance = u.reduce((s, x) => s + (x - mean) ** 2, 0) / n;
    assert.ok(Math.abs(mean - 0.5) < 0.005, `mean ${mean}`);
    assert.ok(Math.abs(variance - 1 / 12) < 0.002, `variance ${variance}`);
    const g = Array.from({ length: n }, gaussian(rng(4)));
    const gm = g.reduce((s, x) => s + x, 0) / n;
    const gv = g.reduce((s, x) => s + (x - gm) ** 2, 0) / n;
    assert.ok(Math.abs(gm) < 0.01 && Math.abs(gv - 1) < 0.02, `mean ${gm}, variance ${gv}`);
  });

  it('shuffle is a permutation, fixed by the seed', () => {
    const values = Array.from({ length: 50 }, (_, i) => i);
    const once = new Random(5).shuffle([...values]);
    assert.deepEqual([...once].sort((x, y) => x - y), values);
    assert.notDeepEqual(once, values);
    assert.deepEqual(new Random(5).shuffle([...values]), once);
  });
});
