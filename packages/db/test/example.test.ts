// The README's example, run as a test (keep the two in step).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createStore, DuplicateItemError } from '../src/index.ts';

test('README example', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'loupe-db-example-'));
  try {
    // ── README example begins ──
    const store = await createStore({ databaseUrl: `file:${dir}/loupe.db` }); // migrates on open
    const { catalog } = await store.catalogs.ensure({ slug: 'demo', name: 'Demo' });
    const job = await store.jobs.create({ catalogId: catalog.id, source: 'folder:photos' });
    await store.jobs.start(job.id);
    const done = await store.jobs.recordedPaths(job.id); // a resumed job skips these

    const path = 'photos/cat.jpg';
    if (!done.has(path)) {
      try {
        const { item, sequence } = await store.items.insert({
          catalogId: catalog.id,
          title: 'cat',
          contentHash: 'c0ffee'.padEnd(64, '0'), // sha256 hex of the file
          storedFile: 'originals/c0/c0ffee….jpg',
          width: 640,
          height: 480,
          mimeType: 'image/jpeg',
          sizeBytes: 51234,
          sourceName: path,
          analysis: {
            modelId: 'resnet50-imagenet@1',
            vector: new Float32Array(2048).fill(0.01),
            predictions: [{ classId: 285, label: 'Egyptian cat', score: 0.91 }],
            boxes: [{ x0: 12, y0: 30, x1: 600, y1: 470, classId: 285, label: 'Egyptian cat', score: 0.91 }],
          },
          jobFile: { jobId: job.id, path }, // the "ok" outcome commits with the item
        });
        assert.equal(item.sourceName, path);
        assert.equal(sequence, 1);
      } catch (error) {
        if (!(error instanceof DuplicateItemError)) throw error;
        await store.jobs.recordFile({ jobId: job.id, path, status: 'duplicate', itemId: error.existingItemId });
      }
    }
    await store.jobs.finish(job.id, { status: 'done' });

    // An index snapshot covering sequence S catches up like this:
    let S = 0;
    for await (const batch of store.embeddings.changesAfter({ modelId: 'resnet50-imagenet@1', after: S })) {
      for (const change of batch.changes) {
        if (change.op === 'add')
          assert.equal(change.vector.length, 2048); // index.upsert(change.itemId, change.vector)
        else assert.fail('no removes yet'); // index.remove(change.itemId)
      }
      S = batch.lastSequence;
    }
    const [hit] = await store.items.getByIds([1], { modelId: 'resnet50-imagenet@1' }); // hydrate search results
    await store.close();
    // ── README example ends ──
    assert.equal(S, 1);
    assert.equal(hit?.predictions[0]?.label, 'Egyptian cat');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
