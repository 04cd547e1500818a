// The one job system, end to end on the real model, real photos and a real SQLite store shared by two processes:
// a worker process is SIGKILLed in the middle of an ingest and in the middle of a head training; after its lease
// runs out another worker takes each job over and finishes it — every photo stored exactly once, one head trained.
// Also: queuing refuses what training would refuse, queuing twice runs once, cancel, reindex as a job, failures with
// a reason, and a shutdown that gives the job back.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { createEmbedder, type Embedder } from '@loupe/embedding';
import { benchmarkInternals, JobConflictError, openLoupe, UnknownFieldError, type JobRunner, type Loupe } from '../src/index.ts';
import { PHOTO_FILES, PHOTOS, folderOf, tempDir } from './helpers.ts';

const WORKER = fileURLToPath(new URL('./fixtures/job-worker.ts', import.meta.url));
const CLASSES: Record<string, string> = { bird: 'robin.jpg', cat: 'cat.jpg', fruit: 'orange.jpg', squirrel: 'squirrel.jpg' };
const CROPS: Array<[number, number, number, number]> = [
  [0, 0, 1, 1],
  [0, 0, 0.85, 0.85],
  [0.15, 0.15, 1, 1],
  [0.15, 0, 1, 0.85],
  [0, 0.15, 0.85, 1],
  [0.08, 0.08, 0.92, 0.92],
];

/** A manifest of labelled crops of real photos (6 per class): what a head is trained on. */
async function labelledManifest(): Promise<string> {
  const dir = tempDir('loupe-jobs-src-');
  const rows = ['path,kind'];
  for (const [label, file] of Object.entries(CLASSES)) {
    const { width = 0, height = 0 } = await sharp(join(PHOTOS, file)).metadata();
    for (const [i, [a, b, c, d]] of CROPS.entries()) {
      const name = `${label}-${i}.jpg`;
      const crop = { left: Math.round(a * width), top: Math.round(b * height), width: Math.round((c - a) * width), height: Math.round((d - b) * height) };
      writeFileSync(join(dir, name), await sharp(join(PHOTOS, file)).extract(crop).jpeg({ quality: 85 }).toBuffer());
      rows.push(`${name},${label}`);
    }
  }
  writeFileSync(join(dir, 'manifest.csv'), rows.join('\n') + '\n');
  return join(dir, 'manifest.csv');
}

function startWorker(dataDir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the worker exited early (${code})`)));
    child.stdout!.once('data', () => resolve(child));
  });
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/** Waits for a condition on the database (what a worker in another process wrote), up to `ms`. */
async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Runs the next job once a stale lease makes it claimable (the killed worker stopped beating). */
async function takeOver(runner: JobRunner) {
  return until('a claimable job', () => runner.runNext(), 20_000);
}

describe('jobs: one persisted system for ingest, reindex and head training', () => {
  let embedder: Embedder;
  let loupe: Loupe;
  const dataDir = tempDir();
  const children: ChildProcess[] = [];
  let runner: JobRunner;

  before(async () => {
    embedder = await createEmbedder({ device: 'cpu' });
    loupe = await openLoupe({ dataDir, embedder });
    // A short lease so the tests need not wait long for a killed worker's jobs.
    runner = loupe.jobs.runner({ workerId: 'test-runner', staleAfterMs: 1500, heartbeatMs: 200 });
  });
  after(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await loupe?.close();
    await embedder?.dispose();
  });

  it('an ingest whose worker is SIGKILLed mid-way is taken over after its lease and ends with every photo once', async () => {
    const folder = folderOf(PHOTO_FILES.map((f) => `photos/${f}`));
    const queued = await loupe.jobs.enqueueIngest(folder, { catalog: 'photos' });
    assert.deepEqual([queued.kind, queued.status, queued.catalog], ['ingest', 'queued', 'photos']);
    assert.equal((await loupe.jobs.enqueueIngest(folder, { catalog: 'photos' })).id, queued.id, 'queuing the same source twice runs it once');

    const child = await startWorker(dataDir);
    children.push(child);
    const partial = await until('the worker to store 3 photos', async () => {
      const job = await loupe.jobs.get(queued.id);
      return job && job.filesAdded >= 3 ? job : undefined;
    });
    await kill(child);
    assert.ok(partial.workerId && partial.workerId !== 'test-runner', 'the other process held it');
    const stranded = (await loupe.jobs.get(queued.id))!;
    assert.equal(stranded.status, 'running', 'a killed worker leaves its job running, with a heartbeat that goes stale');
    assert.ok(stranded.filesAdded < PHOTO_FILES.length, 'killed before the end');

    const outcome = await takeOver(runner);
    assert.equal(outcome.outcome, 'done');
    const job = outcome.job;
    assert.deepEqual([job.id, job.status, job.attempts, job.workerId], [queued.id, 'done', 2, null]);
    assert.deepEqual(job.result, { added: PHOTO_FILES.length, duplicates: 0, failed: 0 });
    assert.equal(job.filesAdded, PHOTO_FILES.length, 'each photo counted once across both workers');
    const items = await benchmarkInternals(loupe).store.items.list({ limit: 100 });
    assert.equal(items.items.length, PHOTO_FILES.length, 'each photo stored exactly once');
    assert.equal(new Set(items.items.map((i) => i.contentHash)).size, PHOTO_FILES.length);
    const hits = await loupe.search([join(PHOTOS, 'cat.jpg')], { catalog: 'photos', k: 1 });
    assert.ok(hits[0]!.ok && hits[0]!.value.results[0]!.item.sourceName === 'cat.jpg' && hits[0]!.value.results[0]!.score > 0.99);
    assert.equal(job.progress.done, PHOTO_FILES.length, 'the final progress report is kept');
  });

  it('a head training whose worker is SIGKILLed mid-way is trained again by the next worker, once', async () => {
    const manifest = await labelledManifest();
    const ingest = await loupe.jobs.enqueueIngest(manifest, { catalog: 'zoo' });
    assert.equal((await runner.runNext())?.job.id, ingest.id);

    await assert.rejects(loupe.jobs.enqueueTraining({ catalog: 'zoo', field: 'species' }), UnknownFieldError, 'refused before a job exists');
    const before = (await loupe.jobs.list({ kind: 'train-head' })).length;
    assert.equal(before, 0);
    // Slow enough (a hidden layer, no early stop) to be caught mid-way.
    const queued = await loupe.jobs.enqueueTraining({ catalog: 'zoo', field: 'kind', hidden: 128, maxEpochs: 100, patience: 1000, seed: 7 });
    assert.deepEqual([queued.kind, queued.status, queued.source, queued.params.field], ['train-head', 'queued', 'train-head:kind', 'kind']);
    await assert.rejects(loupe.jobs.enqueueTraining({ catalog: 'zoo', field: 'kind' }), JobConflictError, 'one training per catalog at a time');

    const child = await startWorker(dataDir);
    children.push(child);
    const mid = await until('training to reach epoch 3', async () => {
      const job = await loupe.jobs.get(queued.id);
      return job && job.progress.phase === 'training' && Number(job.progress.epoch) >= 3 ? job : undefined;
    });
    await kill(child);
    assert.ok(Number(mid.progress.epoch) < 100, 'killed before the end');
    assert.deepEqual(await loupe.heads.list('zoo'), [], 'nothing stored by the killed worker');

    const outcome = await takeOver(runner);
    assert.equal(outcome.outcome, 'done', outcome.error);
    const job = outcome.job;
    assert.deepEqual([job.status, job.attempts], ['done', 2]);
    const heads = await loupe.heads.list('zoo');
    assert.equal(heads.length, 1, 'one head, not one per attempt');
    assert.deepEqual(job.result?.head, { id: heads[0]!.id, version: 1 });
    assert.equal(heads[0]!.active, true);
    assert.equal(heads[0]!.settings.jobId, job.id, 'the head names the job that trained it');
    assert.equal(job.result?.labelled, Object.keys(CLASSES).length * CROPS.length);
    assert.equal(job.progress.phase, 'labelling');
  });

  it('reindex is a job too; cancel stops a queued job; a shutdown gives the running job back', async () => {
    const reindex = await loupe.jobs.enqueueReindex({ catalog: 'photos', all: true });
    assert.deepEqual([reindex.kind, reindex.catalog, reindex.params], ['reindex', 'photos', { all: true }]);
    assert.equal((await loupe.jobs.enqueueReindex({ catalog: 'photos', all: true })).id, reindex.id, 'one at a time');
    const cancelled = await loupe.jobs.cancel((await loupe.jobs.enqueueReindex({ all: false })).id);
    assert.equal(cancelled.status, 'cancelled');

    // Shut down while the reindex runs: the job goes back to the queue, not failed, not lost.
    const shutdown = new AbortController();
    const running = runner.runNext({ signal: shutdown.signal });
    await until('the reindex to start', async () => Number((await loupe.jobs.get(reindex.id))?.progress.done ?? 0) >= 1 || undefined, 30_000);
    shutdown.abort();
    const released = await running;
    assert.equal(released?.outcome, 'released');
    assert.deepEqual([released?.job.status, released?.job.workerId], ['queued', null]);

    const done = await runner.runNext();
    assert.equal(done?.outcome, 'done');
    assert.equal(done?.job.result?.reindexed, PHOTO_FILES.length);
    const listed = await loupe.jobs.list({ limit: 10 });
    assert.deepEqual(
      listed.slice(0, 3).map((j) => [j.kind, j.status]),
      [
        ['reindex', 'cancelled'],
        ['reindex', 'done'],
        ['train-head', 'done'],
      ],
      'newest first, every kind in one list',
    );
  });

  it('a job whose source vanished fails with a reason; the worker goes on', async () => {
    const folder = folderOf(['photos/cat.jpg']);
    const job = await loupe.jobs.enqueueIngest(folder, { catalog: 'gone' });
    rmSync(folder, { recursive: true, force: true });
    const outcome = await runner.runNext();
    assert.equal(outcome?.job.id, job.id);
    assert.equal(outcome?.outcome, 'failed');
    assert.match(outcome?.job.error ?? '', /^SOURCE_INVALID: the source of job \d+ cannot be opened \(moved or deleted\?\): .*no such file/);
    assert.equal(await runner.runNext(), undefined, 'nothing left to do');
  });

  it('an upload: images get their own names back (a name sent again in a folder of its own); two zips are refused and leave nothing', async () => {
    const save = (dir: string, names: string[]) => {
      mkdirSync(dir, { recursive: true });
      return names.map((name, i) => {
        const path = join(dir, `${String(i).padStart(5, '0')}-${name}`);
        copyFileSync(join(PHOTOS, name.endsWith('.zip') ? 'cat.jpg' : name), path);
        return { name, path };
      });
    };
    const dir = loupe.jobs.newUploadDir();
    const job = await loupe.jobs.enqueueUpload(dir, save(dir, ['cat.jpg', 'orange.jpg', 'cat.jpg']), { catalog: 'uploaded' });
    assert.deepEqual(readdirSync(dir, { recursive: true }).sort(), ['cat.jpg', 'copy-2', 'copy-2/cat.jpg', 'orange.jpg']);
    assert.equal(job.filesSeen, 3);
    assert.equal((await runner.runNext())?.outcome, 'done');
    const titles = (await loupe.items.list('uploaded')).items.map((v) => v.item.title).sort();
    assert.deepEqual(titles, ['cat.jpg', 'orange.jpg'], 'the second cat is the same photo (a duplicate); each title is its file name');

    const refused = loupe.jobs.newUploadDir();
    await assert.rejects(loupe.jobs.enqueueUpload(refused, save(refused, ['a.zip', 'b.zip']), { catalog: 'uploaded' }), /send one zip file alone/);
    assert.equal(existsSync(refused), false);
  });
});
