// Snapshots: round trip with sequence, torn/mismatched snapshots rejected with SnapshotCorruptError, crash safety.
import assert from 'node:assert/strict';
import { copyFile, readdir, readFile, rename, rm, truncate, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createHash } from 'node:crypto';
import {
  createExactIndex,
  createVectorIndex,
  InvalidArgumentError,
  loadVectorIndex,
  SnapshotCorruptError,
  SnapshotWriteError,
  type SnapshotCorruptReason,
  type VectorIndex,
} from '../src/index.ts';
import { gaussianVectors, withTmpDir } from './helpers.ts';

const dim = 32;
const data = gaussianVectors(600, dim, 5);
const queries = gaussianVectors(10, dim, 6);

function build(kind: 'hnsw' | 'exact'): VectorIndex {
  const index =
    kind === 'hnsw'
      ? createVectorIndex({ dim, space: 'cosine', initialCapacity: 64, efSearch: 64 })
      : createExactIndex({ dim, space: 'cosine', initialCapacity: 64 });
  data.forEach((v, i) => index.add(i + 1, v));
  for (let i = 1; i <= 600; i += 10) index.remove(i); // tombstones must survive the round trip
  return index;
}

async function rejectsWith(p: Promise<unknown>, reason: SnapshotCorruptReason): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof SnapshotCorruptError, `expected SnapshotCorruptError, got ${String(err)}`);
    assert.equal(err.code, 'SNAPSHOT_CORRUPT');
    assert.equal(err.reason, reason, err.message);
    return true;
  });
}

async function manifest(
  path: string,
): Promise<{ data: { file: string; bytes: number; sha256: string } } & Record<string, unknown>> {
  return JSON.parse(await readFile(`${path}.json`, 'utf8'));
}

for (const kind of ['hnsw', 'exact'] as const) {
  describe(`${kind} snapshot`, () => {
    it('save -> load round trip keeps ids, vectors, results and the sequence', async () => {
      await withTmpDir(async (dir) => {
        const index = build(kind);
        const path = join(dir, 'sub', 'main');
        const info = await index.save(path, { sequence: 4242 });
        assert.equal(info.kind, kind);
        assert.equal(info.count, 540);
        assert.equal(info.sequence, 4242);
        const files = (await readdir(join(dir, 'sub'))).sort();
        assert.deepEqual(files, [`main.${info.sha256.slice(0, 16)}.${kind}`, 'main.json'].sort());

        const loaded = await loadVectorIndex(path, { dim });
        assert.equal(loaded.sequence, 4242);
        assert.equal(loaded.index.kind, kind);
        assert.equal(loaded.index.size, 540);
        assert.deepEqual(
          loaded.index.ids().sort((a, b) => a - b),
          index.ids().sort((a, b) => a - b),
        );
        assert.equal(loaded.index.has(1), false);
        for (const q of queries) {
          assert.deepEqual(loaded.index.search(q, { k: 10 }), index.search(q, { k: 10 }));
        }
        assert.deepEqual(loaded.index.get(2), index.get(2));
        // The loaded index is fully usable: it grows, removes and saves again.
        loaded.index.add(100_000, data[0]!);
        assert.equal(loaded.index.remove(2), true);
        await loaded.index.save(path, { sequence: 4243 });
        const again = await loadVectorIndex(path, { dim });
        assert.equal(again.sequence, 4243);
        assert.equal(again.index.has(100_000), true);
        assert.equal(again.index.has(2), false);
        // Old data files are removed once the new manifest is committed.
        assert.equal((await readdir(join(dir, 'sub'))).length, 2);
        for (const i of [index, loaded.index, again.index]) i.close();
      });
    });

    it('rejects a missing manifest, a missing or truncated data file and a changed byte', async () => {
      await withTmpDir(async (dir) => {
        const index = build(kind);
        const path = join(dir, 'snap');
        await rejectsWith(loadVectorIndex(path, { dim }), 'missing'); // never saved
        const info = await index.save(path, { sequence: 1 });
        index.close();
        const pristine = join(dir, 'pristine');
        await copyFile(info.dataFile, pristine);

        // Torn: data file truncated.
        await truncate(info.dataFile, Math.floor(info.bytes / 2));
        await rejectsWith(loadVectorIndex(path, { dim }), 'truncated');

        // Same size, one byte changed: the checksum catches it.
        await copyFile(pristine, info.dataFile);
        const buf = await readFile(info.dataFile);
        buf[Math.floor(buf.length * 0.6)]! ^= 0xff;
        await writeFile(info.dataFile, buf);
        await rejectsWith(loadVectorIndex(path, { dim }), 'checksum');

        // Data file gone.
        await unlink(info.dataFile);
        await rejectsWith(loadVectorIndex(path, { dim }), 'missing');

        // Manifest (sidecar) gone, data file present.
        await copyFile(pristine, info.dataFile);
        await rename(`${path}.json`, join(dir, 'manifest.bak'));
        await rejectsWith(loadVectorIndex(path, { dim }), 'missing');

        // Manifest torn (half written) or from an unknown format version.
        const text = await readFile(join(dir, 'manifest.bak'), 'utf8');
        await writeFile(`${path}.json`, text.slice(0, text.length / 2));
        await rejectsWith(loadVectorIndex(path, { dim }), 'format');
        await writeFile(`${path}.json`, text.replace('"version": 1', '"version": 99'));
        await rejectsWith(loadVectorIndex(path, { dim }), 'format');

        // Valid snapshot, wrong shape.
        await writeFile(`${path}.json`, text);
        await rejectsWith(loadVectorIndex(path, { dim: dim + 1 }), 'mismatch');
        await rejectsWith(loadVectorIndex(path, { dim, kind: kind === 'hnsw' ? 'exact' : 'hnsw' }), 'mismatch');
        // And it loads again once everything is back in place.
        (await loadVectorIndex(path, { dim })).index.close();
      });
    });

    it('rejects a data file whose checksum matches but whose structure is broken', async () => {
      await withTmpDir(async (dir) => {
        const index = build(kind);
        const path = join(dir, 'snap');
        const info = await index.save(path, { sequence: 1 });
        index.close();
        // Cut the data file and rewrite the manifest so size and hash agree: only the structure check can tell.
        const cut = (await readFile(info.dataFile)).subarray(0, info.bytes - 100);
        const sha256 = createHash('sha256').update(cut).digest('hex');
        const m = await manifest(path);
        m.data = { file: `snap.${sha256.slice(0, 16)}.${kind}`, bytes: cut.length, sha256 };
        await writeFile(join(dir, m.data.file), cut);
        await writeFile(`${path}.json`, JSON.stringify(m));
        await rejectsWith(loadVectorIndex(path, { dim }), 'format');
      });
    });

    it('a crash before the manifest rename leaves the previous snapshot loadable', async () => {
      await withTmpDir(async (dir) => {
        const index = build(kind);
        const path = join(dir, 'snap');
        const first = await index.save(path, { sequence: 10 });
        // Simulate a later save that died after writing its data file (and a temp file), before committing.
        index.add(9999, data[3]!);
        const second = await index.save(join(dir, 'other'), { sequence: 11 });
        await rename(second.dataFile, join(dir, `snap.${'0'.repeat(16)}.${kind}`));
        await writeFile(join(dir, '.snap.00000000-0000-0000-0000-000000000000.tmp'), 'partial');
        const loaded = await loadVectorIndex(path, { dim });
        assert.equal(loaded.sequence, 10);
        assert.equal(loaded.index.has(9999), false);
        assert.equal(loaded.info.sha256, first.sha256);
        loaded.index.close();
        // The next successful save sweeps the leftovers.
        await index.save(path, { sequence: 12 });
        const names = (await readdir(dir)).filter((n) => n.startsWith('snap') || n.startsWith('.snap'));
        assert.equal(names.length, 2, names.join(', '));
        index.close();
      });
    });

    it('save validates the sequence and reports write failures as SnapshotWriteError', async () => {
      await withTmpDir(async (dir) => {
        const index = build(kind);
        await assert.rejects(index.save(join(dir, 's'), { sequence: -1 }), InvalidArgumentError);
        await assert.rejects(index.save(join(dir, 's'), { sequence: 1.5 }), InvalidArgumentError);
        await assert.rejects(index.save(`${dir}/`, { sequence: 1 }), InvalidArgumentError);
        await writeFile(join(dir, 'file'), 'x'); // a file where a directory is needed
        await assert.rejects(index.save(join(dir, 'file', 's'), { sequence: 1 }), SnapshotWriteError);
        await rm(join(dir, 'file'));
        index.close();
      });
    });
  });
}

describe('hnsw snapshot while the index changes', () => {
  it('changes made during a save are live at once but belong to the next snapshot', async () => {
    await withTmpDir(async (dir) => {
      const index = createVectorIndex({ dim, space: 'cosine' });
      data.slice(0, 300).forEach((v, i) => index.add(i, v));
      const path = join(dir, 'live');
      const saving = index.save(path, { sequence: 300 });
      // The native write is in flight now: mutate.
      index.add(1000, data[400]!);
      index.upsert(5, data[401]!);
      index.remove(6);
      assert.equal(index.has(1000), true);
      assert.equal(index.has(6), false);
      assert.equal(index.search(data[400]!, { k: 1 })[0]!.id, 1000);
      assert.equal(index.search(data[401]!, { k: 2 })[0]!.id, 5);
      assert.ok(!index.search(data[6]!, { k: 5 }).some((h) => h.id === 6));
      assert.equal(index.search(data[5]!, { k: 1 })[0]!.id !== 5, true, 'old vector of 5 is not served');
      const filtered = index.search(data[400]!, { k: 3, filter: (id) => id >= 1000 });
      assert.deepEqual(
        filtered.map((h) => h.id),
        [1000],
      );
      await saving;

      const snap = await loadVectorIndex(path, { dim });
      assert.equal(snap.index.has(1000), false);
      assert.equal(snap.index.has(6), true);
      assert.equal(snap.index.size, 300);
      snap.index.close();

      // After the write the pending changes are in the live graph.
      assert.equal(index.stats().count, 300);
      assert.equal(index.stats().deleted, 1);
      assert.equal(index.search(data[400]!, { k: 1 })[0]!.id, 1000);
      await index.save(path, { sequence: 303 });
      const next = await loadVectorIndex(path, { dim });
      assert.equal(next.sequence, 303);
      assert.equal(next.index.has(1000), true);
      assert.equal(next.index.has(6), false);
      next.index.close();
      index.close();
    });
  });

  it('close during a save does not crash and the save still completes', async () => {
    await withTmpDir(async (dir) => {
      const index = createVectorIndex({ dim, space: 'cosine' });
      data.forEach((v, i) => index.add(i, v));
      const saving = index.save(join(dir, 'c'), { sequence: 1 });
      index.close();
      const info = await saving;
      assert.equal(info.count, 600);
      (await loadVectorIndex(join(dir, 'c'), { dim })).index.close();
    });
  });
});
