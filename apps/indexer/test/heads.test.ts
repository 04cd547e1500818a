// `loupe heads …` and `loupe classify --catalog` from the outside: real processes, the real model, real photos
// (augmented copies made here) in a labelled manifest.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { labelledSet, type Crop } from '../../../tests/fixtures/variants.ts';

const BIN = fileURLToPath(new URL('../bin/loupe.js', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'loupe-cli-heads-'));

async function loupe(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], {
      env: { ...process.env, LOUPE_DEVICE: 'cpu', LOUPE_DATA_DIR: dataDir, DATABASE_URL: '' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const CLASSES = { bird: 'robin.jpg', cat: 'cat.jpg', fruit: 'orange.jpg' } as const;
const CROPS: Crop[] = [
  [0, 0, 1, 1],
  [0, 0, 0.85, 0.85],
  [0.15, 0.15, 1, 1],
];

describe('loupe heads', () => {
  const held: Record<string, string> = {};

  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loupe-cli-heads-src-'));
    const set = await labelledSet(CLASSES, CROPS);
    for (const f of set.files) writeFileSync(join(dir, f.name), f.data);
    for (const [label, bytes] of Object.entries(set.held)) writeFileSync((held[label] = join(dir, `held-${label}.jpg`)), bytes);
    writeFileSync(join(dir, 'manifest.csv'), set.manifest);
    const ingest = await loupe('ingest', join(dir, 'manifest.csv'), '--catalog', 'zoo', '--json');
    assert.equal(ingest.code, 0, ingest.stderr);
    assert.equal(JSON.parse(ingest.stdout).added, 18);
  });

  it('bad requests exit 2 with a clear message: unknown field, one class, too few examples, no head yet', async () => {
    const unknown = await loupe('heads', 'train', '--catalog', 'zoo', '--field', 'species', '--json');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no item of catalog "zoo" has a value in the metadata field "species"; its items have: kind, single/);
    const one = await loupe('heads', 'train', '--catalog', 'zoo', '--field', 'single');
    assert.equal(one.code, 2);
    assert.match(one.stderr, /only one class \("same"\)/);
    const few = await loupe('heads', 'train', '--catalog', 'zoo', '--field', 'kind', '--min-examples', '7');
    assert.equal(few.code, 2);
    assert.match(few.stderr, /at least 7 examples; too few for "bird" \(6\), "cat" \(6\), "fruit" \(6\)/);
    const none = await loupe('classify', held.bird!, '--catalog', 'zoo', '--json');
    assert.notEqual(none.code, 0);
    assert.match(none.stderr, /no active head/);
  });

  it('heads fields, train --json (the documented shape), list, activate', async () => {
    const fields = await loupe('heads', 'fields', '--catalog', 'zoo', '--json');
    assert.deepEqual(fields.stdout.trim().split('\n').map((l) => JSON.parse(l)), [
      { field: 'kind', items: 18, values: 3 },
      { field: 'single', items: 18, values: 1 },
    ]);
    const train = await loupe('heads', 'train', '--catalog', 'zoo', '--field', 'kind', '--json');
    assert.equal(train.code, 0, train.stderr);
    const out = JSON.parse(train.stdout);
    assert.deepEqual(Object.keys(out).slice(0, 4), ['head', 'classes', 'trainAccuracy', 'validationAccuracy']);
    assert.ok('tookMs' in out && 'knnAccuracy' in out);
    assert.deepEqual(out.classes, ['bird', 'cat', 'fruit']);
    assert.deepEqual([out.head.version, out.head.active, out.head.field], [1, true, 'kind']);
    assert.equal(out.trainAccuracy, 1);
    assert.equal(out.labelled, 18);

    const second = await loupe('heads', 'train', '--catalog', 'zoo', '--field', 'kind', '--seed', '2', '--no-activate', '--json');
    assert.equal(JSON.parse(second.stdout).head.active, false);
    const list = await loupe('heads', 'list', '--catalog', 'zoo', '--json');
    assert.deepEqual(list.stdout.trim().split('\n').map((l) => [JSON.parse(l).version, JSON.parse(l).active]), [
      [2, false],
      [1, true],
    ]);
    const activate = await loupe('heads', 'activate', '--catalog', 'zoo', '2', '--json');
    assert.equal(activate.code, 0, activate.stderr);
    assert.deepEqual([JSON.parse(activate.stdout).version, JSON.parse(activate.stdout).active], [2, true]);
    const text = await loupe('heads', 'list', '--catalog', 'zoo');
    assert.match(text.stdout, /^v2\* +kind/m);
    const png = join(dataDir, 'confusion.png');
    const show = await loupe('heads', 'show', '--catalog', 'zoo', '--confusion', png);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /validation accuracy .*kNN \(k=10\)/);
    assert.equal((await sharp(png).metadata()).format, 'png');
  });

  it('classify --catalog --json gives the head’s classes and CAM box in the classify shape', async () => {
    const { code, stdout, stderr } = await loupe('classify', held.bird!, held.cat!, held.fruit!, '--catalog', 'zoo', '--json', '--top', '2');
    assert.equal(code, 0, stderr);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => l.predictions[0].label), ['bird', 'cat', 'fruit']);
    for (const l of lines) {
      assert.deepEqual(Object.keys(l), ['file', 'width', 'height', 'predictions', 'box', 'head', 'imagenet']);
      assert.equal(l.predictions.length, 2);
      assert.deepEqual(Object.keys(l.predictions[0]), ['classId', 'label', 'score']);
      assert.equal(l.box.label, l.predictions[0].label);
      assert.deepEqual(l.head, { catalog: 'zoo', version: 2, field: 'kind' });
    }
  });

  it('search --catalog shows the head’s label for the query and the results; --label filters', async () => {
    const { code, stdout, stderr } = await loupe('search', held.fruit!, '--catalog', 'zoo', '--label', 'fruit', '--k', '20', '--json');
    assert.equal(code, 0, stderr);
    const out = JSON.parse(stdout);
    assert.deepEqual([out.head.label, out.head.field], ['fruit', 'kind']);
    assert.equal(out.results.length, 6);
    assert.ok(out.results.every((r: { label: { label: string } }) => r.label.label === 'fruit'));
    const refused = await loupe('search', held.fruit!, '--label', 'fruit');
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /needs exactly one catalog/);
  });
});
