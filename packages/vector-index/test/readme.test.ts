// The README's example, run as written (paths aside).
import assert from 'node:assert/strict';
import { readdir, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { it } from 'node:test';
import { createVectorIndex, loadVectorIndex, SnapshotCorruptError } from '../src/index.ts';
import { withTmpDir } from './helpers.ts';

it('README example', async () => {
  await withTmpDir(async (dir) => {
    const snapshotPath = join(dir, 'resnet50');
    const featureOf = (i: number) => Float32Array.from({ length: 2048 }, (_, j) => Math.sin(i * 0.7 + j * 0.01) + 1.5);
    const queryVector = featureOf(7.1);
    const visible = new Set([3, 5, 7, 9]);

    // --- README example starts ---
    const index = createVectorIndex({ dim: 2048, space: 'cosine' });
    for (let id = 1; id <= 10; id++) index.add(id, featureOf(id)); // ids are our item ids
    index.upsert(3, featureOf(30)); // replace a vector
    index.remove(4);

    const hits = index.search(queryVector, { k: 5, filter: (id) => visible.has(id), minScore: 0.5 });
    // -> [{ id: 7, score: 0.99… }, …] best first; score = cosine similarity

    await index.save(snapshotPath, { sequence: 1234 }); // covers database rows up to sequence 1234
    index.close();

    try {
      const { index: restored, sequence } = await loadVectorIndex(snapshotPath, { dim: 2048 });
      // replay rows with sequence > 1234 from the database, then serve `restored`
      restored.close();
      assert.equal(sequence, 1234);
    } catch (err) {
      if (!(err instanceof SnapshotCorruptError)) throw err;
      // err.reason: 'missing' | 'format' | 'truncated' | 'checksum' | 'mismatch' -> rebuild from the database
    }
    // --- README example ends ---

    assert.equal(hits[0]!.id, 7);
    assert.ok(hits.every((h) => visible.has(h.id) && h.score >= 0.5));

    // The example's happy path really ran (the catch above would also swallow a corrupt snapshot)…
    const again = await loadVectorIndex(snapshotPath, { dim: 2048 });
    assert.equal(again.sequence, 1234);
    assert.equal(again.index.size, 9);
    again.index.close();
    // …and its catch branch is what a damaged snapshot gives: a SnapshotCorruptError with a reason.
    const files = (await readdir(dir)).filter((f) => f.startsWith('resnet50'));
    for (const f of files) await truncate(join(dir, f), 100);
    await assert.rejects(loadVectorIndex(snapshotPath, { dim: 2048 }), (err) => err instanceof SnapshotCorruptError && ['format', 'truncated', 'checksum'].includes(err.reason));
    await assert.rejects(loadVectorIndex(join(dir, 'nothing-here'), { dim: 2048 }), (err) => err instanceof SnapshotCorruptError && err.reason === 'missing');
  });
});
