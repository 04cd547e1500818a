// The loupe CLI from the outside: real processes, real model, real photos.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import sharp from 'sharp';

const BIN = fileURLToPath(new URL('../bin/loupe.js', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../../../tests/fixtures/', import.meta.url));
const photo = (f: string) => join(FIXTURES, 'photos', f);

async function loupe(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return loupeWith({}, ...args);
}

async function loupeWith(env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { env: { ...process.env, LOUPE_DEVICE: 'cpu', ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const lines = (s: string) => s.trim().split('\n').filter(Boolean);

describe('loupe CLI', () => {
  it('classify --json prints one object per image in the documented shape', async () => {
    const { code, stdout } = await loupe('classify', '--json', '--top', '3', photo('cat.jpg'), photo('espresso.jpg'));
    assert.equal(code, 0);
    const [cat, espresso] = lines(stdout).map((l) => JSON.parse(l));
    assert.deepEqual(Object.keys(cat), ['file', 'width', 'height', 'predictions', 'box']);
    assert.equal(cat.file, photo('cat.jpg'));
    assert.deepEqual([cat.width, cat.height], [451, 300]);
    assert.equal(cat.predictions.length, 3);
    assert.deepEqual(Object.keys(cat.predictions[0]), ['classId', 'label', 'score']);
    assert.deepEqual([cat.predictions[0].classId, cat.predictions[0].label], [285, 'Egyptian cat']);
    assert.deepEqual(Object.keys(cat.box), ['x0', 'y0', 'x1', 'y1', 'classId', 'label', 'score', 'source']);
    assert.equal(cat.box.label, 'Egyptian cat');
    assert.equal(espresso.predictions[0].label, 'espresso');
  });

  it("classify's box is the detected object's where the detector finds the class; --no-objects keeps the CAM box", async () => {
    const [withObjects, camOnly, detected] = await Promise.all([
      loupe('classify', '--json', photo('cat.jpg'), photo('squirrel.jpg')),
      loupe('classify', '--json', '--no-objects', photo('cat.jpg')),
      loupe('detect', '--json', photo('cat.jpg')),
    ]);
    const [cat, squirrel] = lines(withObjects.stdout).map((l) => JSON.parse(l));
    const cam = JSON.parse(camOnly.stdout);
    const catObject = JSON.parse(detected.stdout).objects.find((o: { label: string }) => o.label === 'cat');
    // an Egyptian cat is a COCO cat: the detected cat's box, with the ImageNet class and its score
    assert.deepEqual(cat.box, { ...catObject.box, classId: 285, label: 'Egyptian cat', score: cat.box.score, source: 'detector' });
    assert.equal(cat.box.score, cam.box.score);
    // without the detector: the activation map's box, which is another box, and no source
    assert.equal(cam.box.source, undefined);
    assert.notDeepEqual([cam.box.x0, cam.box.y0, cam.box.x1, cam.box.y1], [cat.box.x0, cat.box.y0, cat.box.x1, cat.box.y1]);
    // COCO has no squirrel: its CAM box stays, and says so
    assert.equal(squirrel.box.source, 'cam');
    assert.match((await loupe('classify', photo('cat.jpg'))).stdout, /box: Egyptian cat .* \(the detected object\)/);
  });

  it('a bad file in the list is named on stderr, the others still print, and the exit code is non-zero', async () => {
    const { code, stdout, stderr } = await loupe('classify', '--json', photo('orange.jpg'), join(FIXTURES, 'bad', 'text.jpg'), photo('squirrel.jpg'));
    assert.equal(code, 1);
    assert.deepEqual(lines(stdout).map((l) => JSON.parse(l).predictions[0].label), ['orange', 'fox squirrel']);
    assert.match(stderr, /bad\/text\.jpg: not a supported image/);
  });

  it('embed --json gives the model id and a unit 2048-d vector', async () => {
    const { code, stdout } = await loupe('embed', '--json', photo('cat.jpg'));
    assert.equal(code, 0);
    const out = JSON.parse(stdout);
    assert.deepEqual(Object.keys(out), ['file', 'model', 'dim', 'vector']);
    assert.equal(out.dim, 2048);
    assert.equal(out.vector.length, 2048);
    const norm = Math.sqrt(out.vector.reduce((s: number, v: number) => s + v * v, 0));
    assert.ok(Math.abs(norm - 1) < 1e-3);
  });

  it('LOUPE_POOLING picks the vector; data indexed with another pooling shows as unindexed until `loupe reindex`', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'loupe-cli-pool-'));
    const avg = JSON.parse((await loupeWith({ LOUPE_POOLING: 'avg' }, 'embed', '--json', photo('cat.jpg'))).stdout);
    const gem = JSON.parse((await loupe('embed', '--json', photo('cat.jpg'))).stdout);
    assert.deepEqual([avg.model, gem.model], ['resnet50-imagenet1k-keras@1', 'resnet50-imagenet1k-keras@1+gem3']);
    const source = mkdtempSync(join(tmpdir(), 'loupe-cli-src-'));
    for (const f of ['cat.jpg', 'orange.jpg', 'eagle.jpg']) copyFileSync(photo(f), join(source, f));
    const ingest = await loupeWith({ LOUPE_POOLING: 'avg' }, 'ingest', source, '--catalog', 'p', '--data-dir', dataDir, '--json');
    assert.equal(ingest.code, 0, ingest.stderr);
    const before = await loupe('stats', '--data-dir', dataDir);
    assert.match(before.stdout, /indexed {3}0 \(3 without a vector of this model: run `loupe reindex`\)/);
    assert.match(before.stdout, /pooling {3}gem/);
    const reindex = await loupe('reindex', '--data-dir', dataDir, '--json');
    assert.equal(reindex.code, 0, reindex.stderr);
    const after = JSON.parse((await loupe('stats', '--data-dir', dataDir, '--json')).stdout);
    assert.deepEqual([after.items, after.indexed, after.pooling], [3, 3, 'gem']);
    assert.equal(JSON.parse(reindex.stdout).reindexed, 3);
  });

  it('--precision int8 (or LOUPE_PRECISION=int8) runs the int8 model under its own vector model id, and stats say so', async () => {
    const flag = JSON.parse((await loupe('embed', '--json', '--precision', 'int8', photo('cat.jpg'))).stdout);
    const env = JSON.parse((await loupeWith({ LOUPE_PRECISION: 'int8' }, 'embed', '--json', photo('cat.jpg'))).stdout);
    const fp32 = JSON.parse((await loupe('embed', '--json', photo('cat.jpg'))).stdout);
    assert.deepEqual([flag.model, env.model, fp32.model], ['resnet50-imagenet1k-keras@1+gem3+int8', 'resnet50-imagenet1k-keras@1+gem3+int8', 'resnet50-imagenet1k-keras@1+gem3']);
    assert.deepEqual(flag.vector, env.vector);
    const dot = flag.vector.reduce((s: number, v: number, i: number) => s + v * fp32.vector[i], 0);
    assert.ok(dot > 0.98 && dot < 0.99999, `int8 vs fp32 cosine ${dot}`);
    const dataDir = mkdtempSync(join(tmpdir(), 'loupe-cli-int8-'));
    const source = mkdtempSync(join(tmpdir(), 'loupe-cli-src-'));
    for (const f of ['cat.jpg', 'orange.jpg']) copyFileSync(photo(f), join(source, f));
    const ingest = await loupe('ingest', source, '--catalog', 'q', '--precision', 'int8', '--data-dir', dataDir, '--json');
    assert.equal(ingest.code, 0, ingest.stderr);
    const int8Stats = JSON.parse((await loupeWith({ LOUPE_PRECISION: 'int8' }, 'stats', '--data-dir', dataDir, '--json')).stdout);
    assert.deepEqual([int8Stats.indexed, int8Stats.precision, int8Stats.model], [2, 'int8', 'resnet50-imagenet1k-keras@1+gem3+int8']);
    const fp32Stats = await loupe('stats', '--data-dir', dataDir);
    assert.match(fp32Stats.stdout, /indexed {3}0 \(2 without a vector of this model/);
    assert.match(fp32Stats.stdout, /precision fp32/);
    const bad = await loupe('classify', '--precision', 'int4', photo('cat.jpg'));
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /Allowed choices are fp32, int8/);
  });

  it('--workers N (or LOUPE_INFERENCE_WORKERS) sizes the inference pool; 0 runs the network on the main thread; same vectors', async () => {
    const one = await loupe('embed', '--json', '-v', '--device', 'cpu', '--workers', '1', photo('cat.jpg'));
    const none = await loupeWith({ LOUPE_INFERENCE_WORKERS: '0' }, 'embed', '--json', '-v', '--device', 'cpu', photo('cat.jpg'));
    assert.equal(one.code, 0, one.stderr);
    assert.equal(none.code, 0, none.stderr);
    assert.match(one.stderr, /using execution provider cpu in 1 worker thread/);
    assert.doesNotMatch(none.stderr, /worker thread/);
    const [a, b] = [JSON.parse(one.stdout).vector as number[], JSON.parse(none.stdout).vector as number[]];
    const dot = a.reduce((sum, v, i) => sum + v * b[i]!, 0);
    assert.ok(dot > 0.99999, `pooled vs main-thread cosine ${dot}`);
    const bad = await loupe('classify', '--workers', '-1', photo('cat.jpg'));
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /expected a whole number ≥ 0, got "-1"/);
  });

  it('localize adds the boxes and writes a heatmap PNG', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'loupe-cli-')), 'heat.png');
    const { code, stdout } = await loupe('localize', '--json', '--heatmap', out, photo('giraffe-zebra.jpg'));
    assert.equal(code, 0);
    const result = JSON.parse(stdout);
    assert.ok(result.boxes.length >= 2);
    assert.deepEqual(result.box, result.boxes.find((b: { classId: number }) => b.classId === result.predictions[0].classId));
    const meta = await sharp(out).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['png', 500, 500]);
  });

  it('human output names the class and the box', async () => {
    const { code, stdout } = await loupe('classify', photo('squirrel.jpg'));
    assert.equal(code, 0);
    assert.match(stdout, /1\. fox squirrel\s+\d+\.\d%/);
    assert.match(stdout, /box: fox squirrel/);
  });

  it('an unavailable explicit device exits 3 with the reason; a bad flag exits 2', async () => {
    const cuda = await loupe('classify', '--device', 'cuda', photo('cat.jpg'));
    assert.equal(cuda.code, 3);
    assert.match(cuda.stderr, /execution provider cuda is unavailable/);
    const bad = await loupe('classify', '--top', 'zero', photo('cat.jpg'));
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /positive integer/);
  });
});

describe('loupe detect', () => {
  it('--json prints exactly {file, width, height, objects} per file; a bad file gets its own error line and exit 1; nothing found → []', async () => {
    const grey = join(mkdtempSync(join(tmpdir(), 'loupe-detect-')), 'grey.png');
    await sharp({ create: { width: 320, height: 200, channels: 3, background: '#808080' } }).png().toFile(grey);
    const { code, stdout, stderr } = await loupe('detect', '--json', photo('cat.jpg'), join(FIXTURES, 'bad', 'truncated.jpg'), grey);
    assert.equal(code, 1);
    const [cat, empty, ...rest] = lines(stdout).map((l) => JSON.parse(l));
    assert.equal(rest.length, 0);
    assert.deepEqual(Object.keys(cat), ['file', 'width', 'height', 'objects']);
    assert.deepEqual([cat.file, cat.width, cat.height], [photo('cat.jpg'), 451, 300]);
    assert.equal(cat.objects[0].label, 'cat'); // fused: CenterNet alone says dog
    assert.deepEqual(Object.keys(cat.objects[0]).slice(0, 4), ['label', 'classId', 'score', 'box']);
    assert.deepEqual(Object.keys(cat.objects[0].box), ['x0', 'y0', 'x1', 'y1']);
    assert.equal(typeof cat.objects[0].imagenet.label, 'string');
    assert.deepEqual(empty, { file: grey, width: 320, height: 200, objects: [] });
    assert.match(stderr, /bad\/truncated\.jpg: /);
  });

  it('prints a readable list by default; --no-fusion and --min-score change what it reports', async () => {
    const { code, stdout } = await loupe('detect', '--no-fusion', '--min-score', '0.4', photo('dog-bicycle-truck.jpg'));
    assert.equal(code, 0);
    assert.match(stdout, /dog-bicycle-truck\.jpg \(640×480\): 3 objects/);
    assert.match(stdout, /1\. car +57\.\d% {3}at \(\d+, \d+\)–\(\d+, \d+\)/);
    assert.match(stdout, /bicycle/);
    assert.doesNotMatch(stdout, /truck +31/); // 0.31 < --min-score 0.4
  });

  it('--masks adds each object\'s COCO RLE (whole photo, inside its box, not empty); --mask-png writes them as PNGs', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'loupe-masks-')), 'masks');
    const { code, stdout, stderr } = await loupe('detect', '--json', '--masks', '--mask-png', dir, photo('dog-bicycle-truck.jpg'));
    assert.equal(code, 0, stderr);
    const out = JSON.parse(stdout);
    assert.ok(out.objects.length >= 2);
    const names: string[] = [];
    for (const [i, o] of out.objects.entries()) {
      assert.deepEqual(Object.keys(o.mask), ['size', 'counts']);
      assert.deepEqual(o.mask.size, [480, 640]);
      // Decoded here by the format's own rule (column by column, runs of 0 then 1), not by the encoder's package.
      const inside: Array<[number, number]> = [];
      let at = 0;
      o.mask.counts.forEach((n: number, k: number) => {
        if (k % 2 === 1) for (let p = at; p < at + n; p++) inside.push([Math.floor(p / 480), p % 480]);
        at += n;
      });
      assert.equal(at, 480 * 640, 'the counts cover the whole photo');
      assert.ok(inside.length > 0.05 * (o.box.x1 - o.box.x0) * (o.box.y1 - o.box.y0), `${o.label}: the mask is not empty`);
      for (const [x, y] of inside) assert.ok(x >= Math.floor(o.box.x0) && x < Math.ceil(o.box.x1) && y >= Math.floor(o.box.y0) && y < Math.ceil(o.box.y1), `${o.label}: (${x}, ${y}) is outside its box`);
      // The PNG: the photo's size, white exactly where the RLE says.
      const name = `dog-bicycle-truck-${i + 1}-${o.label.replaceAll(' ', '-')}.png`;
      names.push(name);
      const { data, info } = await sharp(join(dir, name)).greyscale().raw().toBuffer({ resolveWithObject: true });
      assert.deepEqual([info.width, info.height], [640, 480]);
      assert.equal(data.filter((v) => v > 127).length, inside.length);
      assert.equal(data[inside[0]![1] * 640 + inside[0]![0]], 255);
    }
    assert.deepEqual(readdirSync(dir).sort(), names.sort());
  });
});

describe('loupe catalogs', () => {
  it('create --objects, set --name/--objects, list --json say what ingest finds; a bad or empty change exits 2', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'loupe-catalogs-'));
    const created = await loupe('catalogs', 'create', 'fast', '--objects', 'off', '--json', '--data-dir', dataDir);
    assert.equal(created.code, 0, created.stderr);
    assert.deepEqual(JSON.parse(created.stdout), { id: 1, slug: 'fast', name: 'fast', objects: 'off' });
    assert.match((await loupe('catalogs', 'create', 'shop', '--data-dir', dataDir)).stdout, /created catalog shop \(shop\); ingest finds objects\n/);
    const set = await loupe('catalogs', 'set', 'fast', '--name', 'Fast lane', '--objects', 'masks', '--json', '--data-dir', dataDir);
    assert.equal(set.code, 0, set.stderr);
    assert.deepEqual(JSON.parse(set.stdout), { id: 1, slug: 'fast', name: 'Fast lane', objects: 'masks' });
    const listed = lines((await loupe('catalogs', 'list', '--json', '--data-dir', dataDir)).stdout).map((l) => JSON.parse(l));
    assert.deepEqual(listed.map((c) => [c.slug, c.objects, c.items]), [['fast', 'masks', 0], ['shop', 'boxes', 0]]);
    const bad = await loupe('catalogs', 'set', 'fast', '--objects', 'everything', '--data-dir', dataDir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Allowed choices are off, boxes, masks/);
    const empty = await loupe('catalogs', 'set', 'fast', '--data-dir', dataDir);
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /nothing to change: give --name and\/or --objects/);
  });
});

describe('loupe search across catalogs', () => {
  it('--json: a photo in two catalogs is one result with its catalog and alsoIn; --catalog lists none; text names both', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'loupe-same-'));
    for (const [catalog, files] of [['shop', ['cat.jpg', 'orange.jpg']], ['archive', ['cat.jpg', 'squirrel.jpg']]] as const) {
      const source = mkdtempSync(join(tmpdir(), 'loupe-same-src-'));
      for (const f of files) copyFileSync(photo(f), join(source, f));
      const ingest = await loupe('ingest', source, '--catalog', catalog, '--no-objects', '--data-dir', dataDir, '--json');
      assert.equal(ingest.code, 0, ingest.stderr);
    }
    const { code, stdout, stderr } = await loupe('search', '--json', '--data-dir', dataDir, photo('cat.jpg'));
    assert.equal(code, 0, stderr);
    const { results } = JSON.parse(stdout);
    assert.deepEqual(results.map((r: { file: string }) => r.file).sort(), ['cat.jpg', 'orange.jpg', 'squirrel.jpg'], 'three photos, not four items');
    const [cat] = results;
    assert.deepEqual(Object.keys(cat), ['id', 'externalId', 'title', 'file', 'catalog', 'score', 'match', 'alsoIn']);
    assert.equal(cat.match, 'same');
    assert.deepEqual([cat.catalog, ...cat.alsoIn.map((c: { catalog: string }) => c.catalog)].sort(), ['archive', 'shop']);
    assert.deepEqual(Object.keys(cat.alsoIn[0]), ['id', 'catalog', 'externalId', 'title']);
    assert.ok(results.slice(1).every((r: object) => !('alsoIn' in r)));
    const shop = JSON.parse((await loupe('search', '--json', '--catalog', 'shop', '--data-dir', dataDir, photo('cat.jpg'))).stdout);
    assert.ok(shop.results.length === 2 && shop.results.every((r: { catalog: string }) => r.catalog === 'shop' && !('alsoIn' in r)));
    const text = await loupe('search', '--k', '1', '--data-dir', dataDir, photo('cat.jpg'));
    assert.match(text.stdout, /1\. same +1\.000 {2}#\d+ {2}cat\.jpg {2}in (shop|archive), also in (archive|shop) #\d+\n/);
  });
});

describe('loupe search --objects', () => {
  it('--json prints one line per query object: {file, object: {label, score, box}, results: [{id, title, score, region}]}', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'loupe-objects-'));
    const source = mkdtempSync(join(tmpdir(), 'loupe-objects-src-'));
    for (const f of ['cat.jpg', 'giraffe-zebra.jpg', 'orange.jpg']) copyFileSync(photo(f), join(source, f));
    const ingest = await loupe('ingest', source, '--catalog', 'o', '--data-dir', dataDir, '--json');
    assert.equal(ingest.code, 0, ingest.stderr);
    // A query made of two catalog photos side by side: each finds its source through its own object.
    const left = await sharp(photo('cat.jpg')).resize({ height: 300 }).toBuffer({ resolveWithObject: true });
    const right = await sharp(photo('giraffe-zebra.jpg')).resize({ height: 300 }).toBuffer({ resolveWithObject: true });
    const query = join(source, '..', `${Date.now()}-both.png`);
    await sharp({ create: { width: left.info.width + right.info.width, height: 300, channels: 3, background: '#ffffff' } })
      .composite([{ input: left.data, left: 0, top: 0 }, { input: right.data, left: left.info.width, top: 0 }])
      .png()
      .toFile(query);
    const { code, stdout, stderr } = await loupe('search', '--objects', '--json', '--k', '2', '--catalog', 'o', '--data-dir', dataDir, query);
    assert.equal(code, 0, stderr);
    const rows = lines(stdout).map((l) => JSON.parse(l));
    assert.ok(rows.length >= 2, stdout);
    for (const row of rows) {
      assert.deepEqual(Object.keys(row), ['file', 'object', 'results']);
      assert.equal(row.file, query);
      assert.deepEqual(Object.keys(row.object), ['label', 'score', 'box']);
      assert.deepEqual(Object.keys(row.object.box), ['x0', 'y0', 'x1', 'y1']);
      assert.ok(row.results.length >= 1 && row.results.length <= 2);
      for (const r of row.results) {
        for (const key of ['id', 'title', 'score', 'region']) assert.ok(key in r, `${key} in ${JSON.stringify(r)}`);
        assert.deepEqual(Object.keys(r.region), ['x0', 'y0', 'x1', 'y1', 'label']);
      }
    }
    // Rows come best object first; the first object in each half of the query finds that half's photo.
    const centre = (r: { object: { box: { x0: number; x1: number } } }) => (r.object.box.x0 + r.object.box.x1) / 2;
    const cat = rows.find((r) => centre(r) < left.info.width);
    assert.equal(cat?.results[0].title, 'cat.jpg');
    assert.equal(cat.results[0].region.label, 'cat');
    const wild = rows.find((r) => centre(r) >= left.info.width);
    assert.equal(wild?.results[0].title, 'giraffe-zebra.jpg');
    assert.ok(['giraffe', 'zebra'].includes(wild.results[0].region.label));
    // Human output lists each object and its matches; a bad file is named on stderr with exit 1.
    const text = await loupe('search', '--objects', '--catalog', 'o', '--data-dir', dataDir, query, join(FIXTURES, 'bad', 'text.jpg'));
    assert.equal(text.code, 1);
    assert.match(text.stdout, /both\.png {2}\d+ objects? {2}\d+ ms/);
    assert.match(text.stdout, /1\. (same|similar|weak) +0\.\d+ {2}#\d+ {2}cat\.jpg {2}cat \[/);
    assert.match(text.stderr, /text\.jpg: /);
  });
});
