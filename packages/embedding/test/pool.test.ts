// The CPU inference pool: worker threads give the same answers as a session on the calling thread, keep that thread
// free during a forward pass, keep results in input order around bad images, and size themselves to the machine.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createEmbedder, InvalidInputError, poolLayout, type Embedder, type ImageAnalysis } from '../src/index.ts';
import { cosine, PHOTOS } from './helpers.ts';

const photos = readdirSync(PHOTOS)
  .filter((f) => f.endsWith('.jpg'))
  .sort()
  .map((f) => readFileSync(join(PHOTOS, f)));

describe('inference pool', () => {
  let pooled: Embedder;
  let inline: Embedder;
  before(async () => {
    pooled = await createEmbedder({ device: 'cpu', workers: 2, batchSize: 4 });
    inline = await createEmbedder({ device: 'cpu', workers: 0, threads: 1, batchSize: 4 });
  });
  after(async () => {
    await pooled?.dispose();
    await inline?.dispose();
  });

  it('says how it runs: 2 workers of 1 thread, or none', () => {
    assert.deepEqual([pooled.info().workers, pooled.info().threads], [2, 1]);
    assert.deepEqual([inline.info().workers, inline.info().threads], [0, 1]);
    assert.equal(pooled.info().modelId, inline.info().modelId);
  });

  it('gives the same classes, vectors and boxes as a session on the calling thread, on every photo', async () => {
    const [a, b] = await Promise.all([pooled.analyze(photos), inline.analyze(photos)]);
    assert.equal(a.length, photos.length);
    for (let i = 0; i < photos.length; i++) {
      assert.equal(a[i]!.predictions[0]!.classId, b[i]!.predictions[0]!.classId, `photo ${i}: top-1`);
      assert.ok(cosine(a[i]!.vector, b[i]!.vector) > 0.99999, `photo ${i}: vector`);
      assert.deepEqual(a[i]!.boxes.map((x) => x.classId), b[i]!.boxes.map((x) => x.classId), `photo ${i}: boxes`);
    }
  });

  it('keeps the calling thread free while a batch runs', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    try {
      await pooled.embed(photos.slice(0, 4)); // one batch: hundreds of milliseconds of inference
    } finally {
      clearInterval(timer);
    }
    // on the calling thread no timer could fire during the forward pass; in a worker, they fire throughout
    assert.ok(ticks >= 5, `${ticks} timer ticks during the batch`);
  });

  it('streams many batches through both workers in input order, bad images in place', async () => {
    const junk = new Uint8Array([1, 2, 3, 4]);
    const inputs = [...photos, junk, ...photos.slice(0, 5), junk];
    const seen: Array<{ index: number; ok: boolean; analysis?: ImageAnalysis }> = [];
    for await (const r of pooled.analyzeEach(inputs)) seen.push(r.ok ? { index: r.index, ok: true, analysis: r.value } : { index: r.index, ok: false });
    assert.deepEqual(seen.map((r) => r.index), inputs.map((_, i) => i));
    assert.deepEqual(seen.filter((r) => !r.ok).map((r) => r.index), [photos.length, inputs.length - 1]);
    // the repeated photos give the vectors of their first pass
    for (let i = 0; i < 5; i++) assert.ok(cosine(seen[photos.length + 1 + i]!.analysis!.vector, seen[i]!.analysis!.vector) > 0.99999);
  });

  it('dispose while batches run lets them end first (a worker killed inside a native run aborts the whole process)', async () => {
    const short = await createEmbedder({ device: 'cpu', workers: 2, batchSize: 4 });
    const running = short.embed(photos.slice(0, 8));
    await new Promise((resolve) => setTimeout(resolve, 100)); // both workers are inside session.run now
    await short.dispose();
    const vectors = await running; // this process is still alive to see it
    assert.equal(vectors.length, 8);
    await assert.rejects(short.embed(photos.slice(0, 1)), /disposed/i);
  });

  it('sizes itself to the machine: workers × threads ≈ cores, at most 8 by default', () => {
    assert.deepEqual(poolLayout({}, 2), { workers: 2, threads: 1 });
    assert.deepEqual(poolLayout({}, 64), { workers: 8, threads: 1 });
    assert.deepEqual(poolLayout({ threads: 2 }, 16), { workers: 8, threads: 2 });
    assert.deepEqual(poolLayout({ threads: 4 }, 2), { workers: 1, threads: 4 });
    assert.deepEqual(poolLayout({ workers: 3 }, 2), { workers: 3, threads: 1 });
    assert.deepEqual(poolLayout({ workers: 0 }, 2), { workers: 0, threads: 1 });
    assert.throws(() => poolLayout({ workers: -1 }), InvalidInputError);
    assert.throws(() => poolLayout({ workers: 1.5 }), /workers must be a whole number/);
  });
});
