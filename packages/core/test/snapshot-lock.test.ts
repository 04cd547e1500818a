// Index snapshots from several processes sharing a data directory: one writer at a time (a lock file), the others
// skip; a reader never ends up with a broken index.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import lockfile from 'proper-lockfile';
import { createStore } from '@loupe/db';
import { IndexManager } from '../src/index-manager.ts';
import { tempDir } from './helpers.ts';

const MODEL = 'snapshot-lock-test';

function unit(seed: number): Float32Array {
  const v = new Float32Array(2048);
  for (let i = 0; i < v.length; i++) v[i] = Math.sin(seed * 1000 + i) + 1.5;
  return v;
}

describe('index snapshots across processes', () => {
  it('skips while another process holds the lock, writes when it is free, and concurrent writers never corrupt it', async () => {
    const dataDir = tempDir();
    const store = await createStore({ databaseUrl: `file:${join(dataDir, 'loupe.db')}` });
    try {
      const catalog = await store.catalogs.create({ slug: 's' });
      for (let i = 0; i < 20; i++)
        await store.items.insert({
          catalogId: catalog.id,
          title: `v${i}`,
          contentHash: String(i).padStart(64, '0'),
          storedFile: `x/${i}`,
          width: 1,
          height: 1,
          mimeType: 'image/png',
          sizeBytes: 1,
          sourceName: `${i}.png`,
          analysis: { modelId: MODEL, vector: unit(i) },
        });
      const a = await IndexManager.open({ store, modelId: MODEL, dim: 2048, dataDir });
      const b = await IndexManager.open({ store, modelId: MODEL, dim: 2048, dataDir });
      const path = IndexManager.snapshotPathFor(dataDir, MODEL);
      const release = await lockfile.lock(path, { realpath: false });
      assert.equal(await a.snapshot(), false, 'another holder: skipped');
      await release();
      assert.equal(await a.snapshot(), true);
      // Many concurrent writes: each either writes or skips; the result always loads with every vector.
      const results = await Promise.all([a.snapshot(), b.snapshot(), a.snapshot(), b.snapshot()]);
      assert.ok(results.includes(true));
      const c = await IndexManager.open({ store, modelId: MODEL, dim: 2048, dataDir });
      assert.equal(c.size, 20);
      assert.equal(c.coveredSequence, await store.embeddings.latestSequence({ modelId: MODEL }));
      for (const m of [a, b, c]) m.close();
    } finally {
      await store.close();
    }
  });
});
