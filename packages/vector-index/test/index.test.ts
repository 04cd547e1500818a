// Behaviour both implementations share (run against real hnswlib and the exact index), then HNSW specifics.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createExactIndex,
  createVectorIndex,
  DuplicateIdError,
  IndexClosedError,
  InvalidArgumentError,
  InvalidVectorError,
  type VectorIndex,
} from '../src/index.ts';
import { gaussianVectors, naiveCosine, naiveTopK } from './helpers.ts';

const factories: Record<string, (dim: number, initialCapacity?: number) => VectorIndex> = {
  hnsw: (dim, initialCapacity) => createVectorIndex({ dim, space: 'cosine', initialCapacity }),
  exact: (dim, initialCapacity) => createExactIndex({ dim, space: 'cosine', initialCapacity }),
};

for (const [kind, make] of Object.entries(factories)) {
  describe(`${kind} index`, () => {
    it('adds, finds, and reports cosine similarity as the score', () => {
      const index = make(3);
      index.add(10, [1, 0, 0]);
      index.add(11, new Float32Array([0, 1, 0]));
      index.add(12, [1, 1, 0]);
      assert.equal(index.kind, kind);
      assert.equal(index.size, 3);
      assert.ok(index.has(11) && !index.has(99));
      const hits = index.search([2, 0, 0], { k: 3 }); // scale does not matter
      assert.deepEqual(
        hits.map((h) => h.id),
        [10, 12, 11],
      );
      assert.ok(Math.abs(hits[0]!.score - 1) < 1e-6);
      assert.ok(Math.abs(hits[1]!.score - Math.SQRT1_2) < 1e-6);
      assert.ok(Math.abs(hits[2]!.score) < 1e-6);
      assert.deepEqual(
        index.ids().sort((a, b) => a - b),
        [10, 11, 12],
      );
      const v = index.get(12)!;
      assert.ok(Math.abs(v[0]! - Math.SQRT1_2) < 1e-6 && Math.abs(v[1]! - Math.SQRT1_2) < 1e-6, 'stored L2-normalised');
      index.close();
    });

    it('k larger than the collection returns everything; an empty index returns nothing', () => {
      const index = make(2);
      assert.deepEqual(index.search([1, 0], { k: 5 }), []);
      index.add(1, [1, 0]);
      index.add(2, [0, 1]);
      assert.equal(index.search([1, 0], { k: 50 }).length, 2);
      index.close();
    });

    it('upsert replaces a vector; add refuses a duplicate id', () => {
      const index = make(3);
      index.add(1, [1, 0, 0]);
      index.add(2, [0, 1, 0]);
      index.add(3, [0, 0, 1]);
      assert.throws(() => index.add(1, [0, 1, 0]), DuplicateIdError);
      index.upsert(1, [0, 0.1, 1]);
      assert.equal(index.size, 3);
      assert.equal(index.search([0, 0, 1], { k: 1 })[0]!.id, 3);
      const near = index.search([0, 0.1, 1], { k: 1 })[0]!;
      assert.equal(near.id, 1);
      assert.ok(near.score > 0.9999);
      const old = index.search([1, 0, 0], { k: 3 }).find((h) => h.id === 1)!;
      assert.ok(old.score < 0.01, 'the old vector is gone');
      index.upsert(4, [1, 0, 0]); // upsert of a new id adds it
      assert.equal(index.size, 4);
      index.close();
    });

    it('remove hides an id, is idempotent, and a removed id can come back', () => {
      const index = make(2);
      index.add(1, [1, 0]);
      index.add(2, [0.9, 0.1]);
      assert.equal(index.remove(1), true);
      assert.equal(index.remove(1), false);
      assert.equal(index.remove(12345), false);
      assert.equal(index.size, 1);
      assert.equal(index.has(1), false);
      assert.equal(index.get(1), undefined);
      assert.deepEqual(
        index.search([1, 0], { k: 5 }).map((h) => h.id),
        [2],
      );
      index.add(1, [0, 1]); // add (not upsert) works again after remove
      assert.deepEqual(
        index.search([0, 1], { k: 1 }).map((h) => h.id),
        [1],
      );
      assert.equal(index.size, 2);
      index.close();
    });

    it('grows past its initial capacity without failing', () => {
      const dim = 16;
      const index = make(dim, 4);
      const data = gaussianVectors(1000, dim, 7);
      data.forEach((v, i) => index.add(i, v));
      assert.equal(index.size, 1000);
      assert.ok(index.stats().capacity >= 1000);
      for (const i of [0, 499, 999]) assert.equal(index.search(data[i]!, { k: 1 })[0]!.id, i);
      index.close();
    });

    it('filter and minScore', () => {
      const dim = 32;
      const data = gaussianVectors(2000, dim, 11);
      const index = make(dim);
      const map = new Map<number, Float32Array>();
      data.forEach((v, i) => {
        index.add(i * 3, v);
        map.set(i * 3, v);
      });
      const q = gaussianVectors(1, dim, 12)[0]!;

      // Very selective: 3 ids pass out of 2000, k = 10 -> exactly those 3, best first.
      const few = new Set([30, 300, 3000]);
      const hits = index.search(q, { k: 10, filter: (id) => few.has(id) });
      assert.deepEqual(
        hits.map((h) => h.id),
        naiveTopK(map, q, 10, (id) => few.has(id)).map((h) => h.id),
      );

      // Moderately selective: ~1% pass; result must equal exact top-10 among them.
      const even = (id: number) => id % 300 === 0;
      const want = naiveTopK(map, q, 10, even);
      const got = index.search(q, { k: 10, filter: even });
      assert.deepEqual(
        got.map((h) => h.id),
        want.map((h) => h.id),
      );
      got.forEach((h, i) => assert.ok(Math.abs(h.score - want[i]!.score) < 1e-5));

      // minScore cuts below the threshold (near-duplicate query).
      const dupQuery = Float32Array.from(data[5]!, (x, i) => x + (i % 2 ? 0.05 : -0.05));
      const strict = index.search(dupQuery, { k: 10, minScore: 0.95 });
      assert.deepEqual(
        strict.map((h) => h.id),
        [15],
      );
      assert.ok(strict[0]!.score >= 0.95);
      const loose = index.search(dupQuery, { k: 10, minScore: -1 });
      assert.equal(loose.length, 10);
      assert.ok(index.search(q, { k: 10, minScore: 0.99 }).length === 0);

      // A throwing filter surfaces its error (and does not take the process down).
      assert.throws(
        () =>
          index.search(q, {
            k: 5,
            filter: () => {
              throw new Error('boom');
            },
          }),
        /boom/,
      );
      index.close();
    });

    it('validates input with typed errors', () => {
      const index = make(4);
      assert.throws(() => index.add(1, [1, 2, 3]), InvalidVectorError);
      assert.throws(() => index.add(1, [1, 2, 3, Number.NaN]), InvalidVectorError);
      assert.throws(() => index.add(1, [1, 2, 3, Infinity]), InvalidVectorError);
      assert.throws(() => index.add(1, [0, 0, 0, 0]), InvalidVectorError);
      assert.throws(() => index.add(-1, [1, 0, 0, 0]), InvalidArgumentError);
      assert.throws(() => index.add(1.5, [1, 0, 0, 0]), InvalidArgumentError);
      assert.throws(() => index.add(2 ** 32, [1, 0, 0, 0]), InvalidArgumentError);
      index.add(2 ** 32 - 1, [1, 0, 0, 0]);
      assert.equal(index.search([1, 0, 0, 0], { k: 1 })[0]!.id, 2 ** 32 - 1);
      assert.throws(() => index.search([1, 0, 0, 0], { k: 0 }), InvalidArgumentError);
      assert.throws(() => index.search([1, 0, 0], { k: 1 }), InvalidVectorError);
      assert.throws(() => index.search([1, 0, 0, 0], { k: 1, ef: 0 }), InvalidArgumentError);
      assert.equal(index.size, 1, 'failed calls left nothing behind');
      index.close();
    });

    it('close releases the index; later calls throw IndexClosedError', async () => {
      const index = make(2);
      index.add(1, [1, 0]);
      index.close();
      index.close();
      assert.throws(() => index.search([1, 0], { k: 1 }), IndexClosedError);
      assert.throws(() => index.add(2, [1, 0]), IndexClosedError);
      await assert.rejects(index.save('unused', { sequence: 1 }), IndexClosedError);
    });
  });
}

describe('factories', () => {
  it('reject bad options', () => {
    assert.throws(() => createVectorIndex({ dim: 0, space: 'cosine' }), InvalidArgumentError);
    assert.throws(() => createVectorIndex({ dim: 8, space: 'l2' as 'cosine' }), InvalidArgumentError);
    assert.throws(() => createVectorIndex({ dim: 8, space: 'cosine', M: 1 }), InvalidArgumentError);
    assert.throws(() => createExactIndex({ dim: 2.5, space: 'cosine' }), InvalidArgumentError);
  });
});

describe('exact index', () => {
  it('matches a naive float64 computation', () => {
    const dim = 64;
    const data = gaussianVectors(500, dim, 21);
    const index = createExactIndex({ dim, space: 'cosine' });
    const map = new Map<number, Float32Array>();
    data.forEach((v, i) => {
      index.add(1000 + i, v);
      map.set(1000 + i, v);
    });
    for (let i = 0; i < 480; i += 7) index.remove(1000 + i); // exercise the swap-remove path
    for (let i = 0; i < 480; i += 7) map.delete(1000 + i);
    for (const q of gaussianVectors(20, dim, 22)) {
      const want = naiveTopK(map, q, 25);
      const got = index.search(q, { k: 25 });
      assert.deepEqual(
        got.map((h) => h.id),
        want.map((h) => h.id),
      );
      got.forEach((h, j) => assert.ok(Math.abs(h.score - want[j]!.score) < 1e-6, `${h.score} vs ${want[j]!.score}`));
    }
    index.close();
  });
});

describe('hnsw index', () => {
  it('equals exact search on a small collection when ef covers it', () => {
    const dim = 24;
    const data = gaussianVectors(300, dim, 31);
    const hnsw = createVectorIndex({ dim, space: 'cosine' });
    const exact = createExactIndex({ dim, space: 'cosine' });
    data.forEach((v, i) => {
      hnsw.add(i, v);
      exact.add(i, v);
    });
    for (const q of gaussianVectors(10, dim, 32)) {
      const a = hnsw.search(q, { k: 10, ef: 400 });
      const b = exact.search(q, { k: 10 });
      assert.deepEqual(
        a.map((h) => h.id),
        b.map((h) => h.id),
      );
      a.forEach((h, j) => assert.ok(Math.abs(h.score - b[j]!.score) < 1e-5));
      assert.ok(Math.abs(a[0]!.score - naiveCosine(q, data[a[0]!.id]!)) < 1e-5);
    }
    hnsw.close();
    exact.close();
  });

  it('a filtered search that HNSW cannot fill widens ef, then scans exactly (logged at debug)', () => {
    const dim = 16;
    const data = gaussianVectors(500, dim, 41);
    const debug: Record<string, unknown>[] = [];
    const index = createVectorIndex({ dim, space: 'cosine', efSearch: 16, logger: { debug: (o) => debug.push(o) } });
    const map = new Map<number, Float32Array>();
    data.forEach((v, i) => {
      index.add(i, v);
      map.set(i, v);
    });
    const q = gaussianVectors(1, dim, 42)[0]!;
    let calls = 0;
    assert.deepEqual(
      index.search(q, {
        k: 5,
        filter: () => {
          calls++;
          return false;
        },
      }),
      [],
    );
    assert.equal(debug.length, 1, 'fell back to the exact scan');
    assert.ok(calls >= 500, 'the exact scan asked the filter about every id');
    const two = new Set([17, 401]);
    const hits = index.search(q, { k: 5, filter: (id) => two.has(id) });
    assert.deepEqual(
      hits.map((h) => h.id),
      naiveTopK(map, q, 5, (id) => two.has(id)).map((h) => h.id),
    );
    index.close();
  });

  it('stats count tombstones; upserting a removed id reuses its slot', () => {
    const index = createVectorIndex({ dim: 2, space: 'cosine', M: 8, efConstruction: 50, efSearch: 20 });
    index.add(1, [1, 0]);
    index.add(2, [0, 1]);
    index.remove(1);
    assert.deepEqual(
      { ...index.stats(), capacity: undefined },
      {
        kind: 'hnsw',
        dim: 2,
        space: 'cosine',
        count: 1,
        deleted: 1,
        capacity: undefined,
        M: 8,
        efConstruction: 50,
        efSearch: 20,
      },
    );
    index.upsert(1, [1, 0.5]);
    assert.equal(index.stats().deleted, 0);
    assert.equal(index.stats().count, 2);
    index.close();
  });
});
