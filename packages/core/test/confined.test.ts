// Hostile manifests (issue 14): rows may only name regular files below the manifest's folder (or a root the caller
// allows), after symbolic links; each refused row fails alone with a reason that names no server path, and the
// good rows still land. Real photos, the real model, a real SQLite store.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createEmbedder, type Embedder } from '@loupe/embedding';
import { ENTRY_LIMITS, openLoupe, type Loupe } from '../src/index.ts';
import { PHOTOS, tempDir } from './helpers.ts';

let embedder: Embedder;
let loupe: Loupe;
before(async () => {
  embedder = await createEmbedder({ device: 'cpu' });
  loupe = await openLoupe({ dataDir: tempDir(), embedder });
});
after(async () => {
  await loupe.close();
  await embedder.dispose();
});

const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

describe('a manifest is confined to its folder', () => {
  it('refuses paths outside, devices, FIFOs, sockets, folders and symlink escapes per row; good rows land', async () => {
    const outside = tempDir('loupe-outside-');
    copyFileSync(join(PHOTOS, 'eagle.jpg'), join(outside, 'eagle.jpg'));
    const dir = tempDir('loupe-manifest-');
    copyFileSync(join(PHOTOS, 'cat.jpg'), join(dir, 'cat.jpg'));
    mkdirSync(join(dir, 'sub'));
    copyFileSync(join(PHOTOS, 'orange.jpg'), join(dir, 'sub', 'orange.jpg'));
    symlinkSync(join(outside, 'eagle.jpg'), join(dir, 'escape.jpg'));
    symlinkSync(outside, join(dir, 'escape-dir'));
    execFileSync('mkfifo', [join(dir, 'pipe.jpg')]);
    const socket = createServer();
    await new Promise<void>((ok) => socket.listen(join(dir, 'sock.jpg'), ok));
    symlinkSync('/dev/zero', join(dir, 'zero.jpg'));
    const rows = [
      { path: 'cat.jpg' },
      { path: 'sub/orange.jpg' },
      { path: '/etc/passwd' },
      { path: '/proc/self/environ' },
      { path: '/dev/zero' },
      { path: join(outside, 'eagle.jpg') },
      { path: '../' + outside.split('/').pop() + '/eagle.jpg' },
      { path: 'escape.jpg' },
      { path: 'escape-dir/eagle.jpg' },
      { path: 'zero.jpg' },
      { path: 'pipe.jpg' },
      { path: 'sock.jpg' },
      { path: 'sub' },
      { path: 'http://127.0.0.1/x.jpg' },
    ];
    writeFileSync(join(dir, 'm.jsonl'), jsonl(rows));
    try {
      const summary = await loupe.ingest(join(dir, 'm.jsonl'), { catalog: 'confined' });
      assert.equal(summary.added, 2);
      assert.equal(summary.failed.length, rows.length - 2);
      const reason = new Map(summary.failed.map((f) => [f.file, f.reason]));
      const outsideReason = 'refused: the path leads outside the folders this source may read';
      for (const p of ['/etc/passwd', '/proc/self/environ', '/dev/zero', join(outside, 'eagle.jpg'), 'escape.jpg', 'escape-dir/eagle.jpg', 'zero.jpg'])
        assert.equal(reason.get(p), outsideReason, p);
      assert.equal(reason.get(rows[6]!.path), outsideReason);
      assert.match(reason.get('pipe.jpg')!, /not a regular file/);
      assert.match(reason.get('sock.jpg')!, /not a regular file/);
      assert.match(reason.get('sub')!, /a folder/);
      assert.match(reason.get('http://127.0.0.1/x.jpg')!, /URLs are not read/);
      for (const f of summary.failed) assert.ok(!f.reason.includes(dir) && !f.reason.includes(outside) && !f.reason.includes('/etc'), f.reason);
    } finally {
      socket.close();
    }
  });

  it('--allow-root widens the confinement for a CLI run; a file over the size cap is refused', async () => {
    const outside = tempDir('loupe-outside-');
    copyFileSync(join(PHOTOS, 'eagle.jpg'), join(outside, 'eagle.jpg'));
    copyFileSync(join(PHOTOS, 'espresso.jpg'), join(outside, 'espresso.jpg'));
    const dir = tempDir('loupe-manifest-');
    writeFileSync(join(dir, 'm.jsonl'), jsonl([{ path: join(outside, 'eagle.jpg') }, { path: join(outside, 'espresso.jpg') }]));
    const [small, big] = [statSync(join(outside, 'espresso.jpg')).size, statSync(join(outside, 'eagle.jpg')).size];
    assert.ok(small < big);
    const limit = Math.floor((small + big) / 2);
    const summary = await loupe.ingest(join(dir, 'm.jsonl'), { catalog: 'wider', allowRoots: [outside], limits: { maxEntryBytes: limit } });
    assert.equal(summary.added, 1);
    assert.deepEqual(summary.failed, [{ file: join(outside, 'eagle.jpg'), reason: `refused: the file has ${big} bytes; the limit is ${limit}` }]);
  });
});

describe('one bad row fails that row', () => {
  it('a 10 MB title, oversized metadata, a path listed twice and a row without a path each fail alone', async () => {
    const dir = tempDir('loupe-manifest-');
    for (const f of ['cat.jpg', 'orange.jpg', 'eagle.jpg']) copyFileSync(join(PHOTOS, f), join(dir, f));
    writeFileSync(
      join(dir, 'm.jsonl'),
      jsonl([
        { path: 'cat.jpg', title: 'x'.repeat(10 * 1024 * 1024) },
        { path: 'orange.jpg', metadata: { blob: 'y'.repeat(ENTRY_LIMITS.maxMetadataBytes) } },
        { path: 'eagle.jpg', title: 'An eagle' },
        { path: 'eagle.jpg', title: 'again' },
        { title: 'no path' },
        { path: 'z'.repeat(5000) + '.jpg' },
      ]),
    );
    const summary = await loupe.ingest(join(dir, 'm.jsonl'), { catalog: 'rows' });
    assert.equal(summary.added, 1);
    const reasons = summary.failed.map((f) => f.reason);
    assert.equal(summary.failed.length, 5);
    assert.ok(reasons.includes(`the title has ${10 * 1024 * 1024} characters; the limit is ${ENTRY_LIMITS.maxTitleChars}`), reasons.join('\n'));
    assert.ok(reasons.some((r) => /^the metadata is \d+ bytes as JSON; the limit is 65536$/.test(r)));
    assert.ok(reasons.includes('line 4: the path eagle.jpg is listed twice'));
    assert.ok(reasons.some((r) => r.startsWith('line 5: path:')));
    assert.ok(reasons.includes(`the path has 5004 characters; the limit is ${ENTRY_LIMITS.maxKeyChars}`));
    const job = await loupe.jobs.get(summary.job);
    assert.equal(job?.status, 'done');
  });
});

describe("trouble that is not a row's fault", () => {
  // A real disk failure: the originals folder replaced by a plain file, so storing any image fails (ENOTDIR).
  const blockStorage = (dataDir: string) => {
    rmSync(join(dataDir, 'originals'), { recursive: true, force: true });
    writeFileSync(join(dataDir, 'originals'), 'not a folder');
  };
  const photos = () => {
    const dir = tempDir('loupe-src-');
    for (const f of ['cat.jpg', 'orange.jpg']) copyFileSync(join(PHOTOS, f), join(dir, f));
    return dir;
  };

  it('is retried a bounded number of times with backoff, then fails the job with its reason', async () => {
    const dataDir = tempDir();
    const warnings: unknown[] = [];
    const l = await openLoupe({ dataDir, embedder, ingestRetry: { attempts: 3, backoffMs: 20 }, logger: { warn: (o) => warnings.push(o) } });
    try {
      const job = await l.jobs.enqueueIngest(photos(), { catalog: 'disk' });
      blockStorage(dataDir);
      const runner = l.jobs.runner();
      assert.equal((await runner.runNext())?.outcome, 'failed');
      const after = await l.jobs.get(job.id);
      assert.equal(after?.status, 'failed');
      assert.match(after?.error ?? '', /ENOTDIR|EEXIST|not a directory/i);
      assert.match(after?.error ?? '', /after 3 attempts/);
      assert.equal(warnings.filter((w) => (w as { attempt?: number }).attempt !== undefined).length, 2, 'two retries logged');
      assert.equal(await runner.runNext(), undefined, 'nothing left to run: the failed job is not picked up again');
    } finally {
      await l.close();
    }
  });

  it('a job whose trouble clears during the backoff finishes done', async () => {
    const dataDir = tempDir();
    const l = await openLoupe({
      dataDir,
      embedder,
      ingestRetry: { attempts: 3, backoffMs: 20 },
      // the disk comes back at the first retry (later warnings, e.g. after close, find the folder there and leave it)
      logger: { warn: () => statSync(join(dataDir, 'originals'), { throwIfNoEntry: false })?.isFile() && rmSync(join(dataDir, 'originals')) },
    });
    try {
      const job = await l.jobs.enqueueIngest(photos(), { catalog: 'disk' });
      blockStorage(dataDir);
      assert.equal((await l.jobs.runner().runNext())?.outcome, 'done');
      const after = await l.jobs.get(job.id);
      assert.equal(after?.status, 'done');
      assert.equal(after?.filesAdded, 2);
    } finally {
      await l.close();
    }
  });

  it('an invalid source fails its job at once, without retries', async () => {
    const dir = tempDir('loupe-src-');
    writeFileSync(join(dir, 'm.csv'), 'path,title\n"cat.jpg,unterminated\n');
    const warnings: unknown[] = [];
    const l = await openLoupe({ dataDir: tempDir(), embedder, logger: { warn: (o) => warnings.push(o) } });
    try {
      await assert.rejects(l.jobs.enqueueIngest(join(dir, 'm.csv'), { catalog: 'bad' }), /not valid CSV/);
      assert.equal(warnings.length, 0);
    } finally {
      await l.close();
    }
  });
});
