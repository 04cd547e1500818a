// Fault injection: the real CLI ingesting a folder is killed with SIGKILL at several points (during start-up, after
// a few files, mid-run), then run again to completion. Afterwards every file has exactly one outcome, every good
// image is stored once, and the database, the index snapshot and the live index agree.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { indexSnapshotPath, openLoupe } from '@loupe/core';
import { createStore } from '@loupe/db';
import { DEFAULT_POOLING, vectorModelId } from '@loupe/embedding';
import { loadVectorIndex } from '@loupe/vector-index';

const BIN = fileURLToPath(new URL('../bin/loupe.js', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../../../tests/fixtures/', import.meta.url));

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  maxDone: number;
}

/** Runs `loupe ingest`, killing it with SIGKILL once it reports `killAtDone` files done (or after `killAfterMs`). */
function ingest(dataDir: string, source: string, kill?: { atDone?: number; afterMs?: number }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'ingest', source, '--catalog', 'crash', '--json', '--progress-every', '0', '--batch-size', '4'], {
      env: { ...process.env, LOUPE_DATA_DIR: dataDir, LOUPE_DEVICE: 'cpu', DATABASE_URL: '' },
    });
    let stdout = '';
    let maxDone = 0;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => {
      for (const m of d.toString().matchAll(/ingest: (\d+)\//g)) {
        maxDone = Math.max(maxDone, Number(m[1]));
        if (kill?.atDone !== undefined && maxDone >= kill.atDone) child.kill('SIGKILL');
      }
    });
    if (kill?.afterMs !== undefined) setTimeout(() => child.kill('SIGKILL'), kill.afterMs);
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, maxDone }));
  });
}

async function makeSource(): Promise<{ dir: string; images: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'loupe-crash-src-'));
  let images = 0;
  for (const sub of ['photos', 'formats']) {
    for (const f of readdirSync(join(FIXTURES, sub)).filter((f) => /\.(jpg|png|webp|avif|tiff|gif)$/.test(f))) {
      copyFileSync(join(FIXTURES, sub, f), join(dir, `${sub}-${f}`));
      images++;
    }
  }
  for (const f of readdirSync(join(FIXTURES, 'photos')).filter((f) => f.endsWith('.jpg')).slice(0, 8)) {
    await sharp(join(FIXTURES, 'photos', f)).flop().jpeg({ quality: 85 }).toFile(join(dir, `mirrored-${f}`));
    images++;
  }
  copyFileSync(join(FIXTURES, 'photos', 'cat.jpg'), join(dir, 'zz-duplicate-cat.jpg'));
  writeFileSync(join(dir, 'zz-not-an-image.jpg'), 'plain text');
  return { dir, images };
}

describe('ingest survives kill -9', () => {
  it('resumes after SIGKILL at several points; exactly once; database and index agree', { timeout: 300_000 }, async () => {
    const { dir, images } = await makeSource();
    const total = images + 2;
    const dataDir = mkdtempSync(join(tmpdir(), 'loupe-crash-data-'));

    const killed: Run[] = [];
    killed.push(await ingest(dataDir, dir, { afterMs: 1200 })); // while starting: migrations, model load
    for (const atDone of [3, 11, 22]) killed.push(await ingest(dataDir, dir, { atDone }));
    for (const run of killed) assert.equal(run.signal, 'SIGKILL', `a run was meant to be killed but ended with ${run.code}`);
    assert.ok(killed.some((r) => r.maxDone >= 11), 'the kills happened mid-run');

    const final = await ingest(dataDir, dir);
    assert.equal(final.code, 1, 'one file is not an image, so the run reports a failure');
    const summary = JSON.parse(final.stdout);
    assert.equal(summary.job, 1, 'every run resumed the same job');
    assert.equal(summary.added, images);
    assert.equal(summary.duplicates, 1);
    assert.deepEqual(summary.failed.map((f: { file: string }) => f.file), ['zz-not-an-image.jpg']);

    // The database as it is on disk (the store itself), then the index as a fresh Loupe sees it.
    const store = await createStore({ databaseUrl: `file:${join(dataDir, 'loupe.db')}` });
    const loupe = await openLoupe({ dataDir, embedding: { device: 'cpu' } });
    try {
      const job = (await store.jobs.get(1))!;
      assert.equal(job.status, 'done');
      const files = await store.jobs.files(1, { limit: 1000 });
      assert.equal(files.files.length, total, 'every file has exactly one outcome');
      assert.equal(new Set(files.files.map((f) => f.path)).size, total);
      const items = (await store.items.list({ limit: 1000 })).items;
      assert.equal(items.length, images, 'every good image stored once');
      assert.equal(new Set(items.map((i) => i.contentHash)).size, items.length);
      assert.equal(await store.embeddings.count({ modelId: vectorModelId(DEFAULT_POOLING) }), items.length);

      // The snapshot on disk is intact and covers everything the final run committed.
      const snapshot = await loadVectorIndex(indexSnapshotPath(dataDir, vectorModelId(DEFAULT_POOLING)), { dim: 2048, space: 'cosine' });
      assert.deepEqual(new Set(snapshot.index.ids()), new Set(items.map((i) => i.id)));
      assert.equal(snapshot.sequence, await store.embeddings.latestSequence({ modelId: vectorModelId(DEFAULT_POOLING) }));
      snapshot.index.close();

      assert.equal((await loupe.stats()).indexed, items.length);
      // Every item is in the live index: more-like-this finds its vector and returns the others.
      for (const item of items) assert.equal((await loupe.searchByItem(item.id, { k: items.length })).results.length, items.length - 1, `item ${item.id}`);
    } finally {
      await loupe.close();
      await store.close();
    }
  });
});
