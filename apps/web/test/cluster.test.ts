// A small cluster on one private PostgreSQL (TEST_DATABASE_URL_PG; scripts/pg-test-server.sh starts one): two web
// replicas that run no jobs (LOUPE_WORKERS=0) and two `loupe worker` processes, each with its own data directory
// (index snapshots) and one shared media directory (LOUPE_MEDIA_DIR: originals, thumbnails, uploads). An ingest queued with
// `loupe ingest --enqueue` is taken by one worker, which is SIGKILLed mid-way; the other takes the job over once its
// lease runs out. Then the catalog holds every photo exactly once, both replicas index them all (health: indexed,
// sequence) and each finds a sampled photo first with score ≈ 1 and serves its thumbnail. Then an admin upload
// through replica A, run by a worker, is found on replica B.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { LoupeClient } from '@loupe/client';
import { startServer, type RunningServer } from './server.ts';

const PG = process.env.TEST_DATABASE_URL_PG?.trim();
const BIN = fileURLToPath(new URL('../../indexer/bin/loupe.js', import.meta.url));
const PHOTOS = fileURLToPath(new URL('../../../tests/fixtures/photos/', import.meta.url));
const PHOTO_FILES = readdirSync(PHOTOS).filter((f) => f.endsWith('.jpg')).sort();
const PASSWORD = 'cluster-test-password';

describe('cluster: two replicas and two workers on one PostgreSQL', { skip: PG ? false : 'TEST_DATABASE_URL_PG is not set (scripts/pg-test-server.sh start)' }, () => {
  const url = new URL(PG ?? 'postgresql://unset');
  url.searchParams.set('schema', `loupe_cluster_${process.pid}`);
  const databaseUrl = url.toString();
  const media = mkdtempSync(join(tmpdir(), 'loupe-cluster-media-'));
  const own = () => mkdtempSync(join(tmpdir(), 'loupe-cluster-data-'));
  const env = { ...process.env, DATABASE_URL: databaseUrl, LOUPE_DATA_DIR: own(), LOUPE_MEDIA_DIR: media, LOUPE_DEVICE: 'cpu', LOUPE_LOG_LEVEL: 'warn' };
  const loupe = async (...args: string[]) => (await promisify(execFile)(process.execPath, [BIN, ...args], { env })).stdout;
  const job = async (id: number) => JSON.parse(await loupe('jobs', 'show', String(id), '--json'));
  const workers: ChildProcess[] = [];
  let a: RunningServer;
  let b: RunningServer;

  const startWorker = () => {
    const child = spawn(process.execPath, [BIN, 'worker', '--stale-after', '3', '--poll', '300', '--batch-size', '2'], {
      env: { ...env, LOUPE_DATA_DIR: own() },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    workers.push(child);
    return child;
  };

  async function until<T>(what: string, probe: () => Promise<T | undefined | false>, ms = 180_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = await probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(250);
    }
  }

  before(async () => {
    const common = { DATABASE_URL: databaseUrl, LOUPE_MEDIA_DIR: media, LOUPE_WORKERS: '0', LOUPE_DEVICE: 'cpu', LOUPE_ADMIN_PASSWORD: PASSWORD, LOUPE_SESSION_SECRET: 'x'.repeat(40) };
    // One after the other: the first runs the migrations.
    a = await startServer(common);
    b = await startServer(common);
  });
  after(async () => {
    for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
    await a?.stop();
    await b?.stop();
    // The schema (named by this process's pid) stays in the private test server, which is thrown away after the run.
  });

  it('an enqueued ingest survives a SIGKILLed worker; both replicas converge and find the photos', { timeout: 600_000 }, async () => {
    const queued = JSON.parse(await loupe('ingest', PHOTOS, '--catalog', 'photos', '--enqueue', '--json'));
    assert.equal(queued.queued, PHOTO_FILES.length);
    const first = startWorker();
    const second = startWorker();

    const running = await until('a worker to store 3 photos', async () => {
      const j = await job(queued.job);
      return j.files.added >= 3 && j.worker ? j : undefined;
    });
    // The worker id names its process (host:pid:random): kill that one.
    const pid = Number(String(running.worker).split(':').at(-2));
    const victim = [first, second].find((w) => w.pid === pid);
    assert.ok(victim, `worker ${running.worker} is one of ours`);
    victim.kill('SIGKILL');

    const done = await until('the other worker to finish the job', async () => {
      const j = await job(queued.job);
      return j.status === 'done' ? j : undefined;
    });
    // At least one takeover; on a loaded machine a 3 s lease can also pass between the two live workers (each
    // takeover is fenced: the old holder stops), so more is allowed — the exactly-once checks below are what matter.
    assert.ok(done.attempts >= 2, `taken over (attempts ${done.attempts})`);
    assert.deepEqual(done.result, { added: PHOTO_FILES.length, duplicates: 0, failed: 0 });

    for (const replica of [a, b]) {
      const client = new LoupeClient({ baseUrl: replica.url });
      const [catalog] = await client.catalogs.list();
      assert.deepEqual([catalog?.slug, catalog?.items], ['photos', PHOTO_FILES.length], 'every photo exactly once');
      const health = await until('the replica to index every photo', async () => {
        const h = await client.health();
        return h.indexed === PHOTO_FILES.length ? h : undefined;
      }, 30_000);
      assert.ok((health.sequence ?? 0) >= PHOTO_FILES.length, 'the covered sequence includes every add');
      for (const file of ['cat.jpg', 'rocket.jpg']) {
        const r = await client.search(readFileSync(join(PHOTOS, file)), { catalog: 'photos', k: 1 });
        assert.equal(r.results[0]?.title, file);
        assert.ok(r.results[0]!.score > 0.99, `score ${r.results[0]!.score}`);
        const thumbnail = await fetch(new URL(r.results[0]!.thumbnailUrl, replica.url));
        assert.equal(thumbnail.status, 200, 'the thumbnail a worker wrote is served from the shared media directory');
      }
    }
  });

  it('an admin upload through replica A is run by a worker and found on replica B', { timeout: 300_000 }, async () => {
    const admin = new LoupeClient({ baseUrl: a.url });
    await admin.login(PASSWORD);
    const image = readFileSync(join(PHOTOS, 'squirrel.jpg'));
    const upload = await admin.items.upload('uploads', [{ data: new Uint8Array(image), name: 'squirrel.jpg' }]);
    assert.equal(upload.status, 'queued', 'the replica runs no jobs itself');
    const onB = new LoupeClient({ baseUrl: b.url });
    // A sign-in on replica A is valid on B (one LOUPE_SESSION_SECRET).
    const login = await fetch(`${a.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password: PASSWORD }) });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    assert.deepEqual(await (await fetch(`${b.url}/api/v1/auth/session`, { headers: { cookie } })).json(), { admin: true, via: 'session', signInEnabled: true });
    const adminB = new LoupeClient({ baseUrl: b.url });
    await adminB.login(PASSWORD);
    const done = await adminB.jobs.wait(upload.id, { intervalMs: 250, timeoutMs: 240_000 });
    assert.deepEqual([done.kind, done.status, done.added], ['ingest', 'done', 1]);
    const r = await onB.search(image, { catalog: 'uploads', k: 1 });
    assert.match(r.results[0]?.title ?? '', /squirrel\.jpg$/);
    assert.ok(r.results[0]!.score > 0.99);
  });
});
