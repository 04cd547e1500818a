// The consumer test: pack the public packages, install the tarballs into a fresh project in a temporary folder
// outside the workspace (from the registry for everything else), build the model with the package's bin, and use
// the packages as a library user would — an ESM script, a strict TypeScript check, an esbuild bundle of the browser
// entry in Chromium, and the three examples. A real Loupe server (the web app's test helper) answers the client.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from '@playwright/test';
import { createDetector, type Detector } from '@loupe/detection';
import { createEmbedder, type Embedder } from '@loupe/embedding';
import { startServer, type RunningServer } from '../../apps/web/test/server.ts';
import { CHROMIUM_ARGS } from '../../tests/chromium.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const PHOTOS = join(REPO, 'tests', 'fixtures', 'photos');
const LOUPE_BIN = join(REPO, 'apps', 'indexer', 'bin', 'loupe.js');
// The source tarballs the workspace's own model builds keep: the bins reuse them instead of downloading again.
const WEIGHTS_CACHE = join(REPO, 'packages', 'embedding', '.cache');
const DETECTOR_CACHE = join(REPO, 'packages', 'detection', '.cache');

/**
 * The environment of a user's shell: none of the workspace's npm settings (npm passes its config down as npm_*
 * variables, and .npmrc's source condition as NODE_OPTIONS) leak into the fresh project.
 */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^npm_|^NODE_OPTIONS$|^INIT_CWD$/i.test(k)),
  );
  // hnswlib-node compiles with node-gyp: where this Node ships its headers (Debian's does), build against them
  // rather than downloading them — as scripts/setup.sh does for the workspace.
  const prefix = dirname(dirname(process.execPath));
  const nodedir =
    process.env.npm_config_nodedir ?? (existsSync(join(prefix, 'include', 'node', 'node.h')) ? prefix : undefined);
  return { ...env, ...(nodedir ? { npm_config_nodedir: nodedir } : {}), npm_config_update_notifier: 'false', ...extra };
}

async function run(cmd: string, args: string[], cwd: string, extra: Record<string, string> = {}): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)(cmd, args, { cwd, env: userEnv(extra), maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

/** Starts a long-running example and waits for its "listening on http://…" line. */
function startListening(
  args: string[],
  cwd: string,
  extra: Record<string, string>,
): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, args, { cwd, env: userEnv(extra), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args[0]} did not start in 60 s:\n${output}`)), 60_000);
    child.stderr!.on('data', (d) => (output += d));
    child.stdout!.on('data', (d) => {
      output += d;
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      resolve({ url: match[1]!, child });
    });
    child.once('exit', (code) => reject(new Error(`${args[0]} exited with ${code}:\n${output}`)));
  });
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! ** 2;
    nb += b[i]! ** 2;
  }
  return dot / Math.sqrt(na * nb);
}

describe('the published packages, installed by a fresh project', () => {
  let root: string;
  let project: string;
  let packed: Array<{ name: string; tarball: string }>;
  let server: RunningServer;
  let embedder: Embedder; // the workspace's own, from sources: the reference the installed copy must match
  let detector: Detector; // likewise
  const children: ChildProcess[] = [];

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'loupe-consumer-'));
    assert.ok(!realpathSync(root).startsWith(realpathSync(REPO)), 'the project must live outside the workspace');
    packed = JSON.parse(
      await run(process.execPath, [join(REPO, 'scripts', 'packages.mjs'), 'pack', join(root, 'tarballs')], REPO),
    );
    project = join(root, 'project');
    cpSync(fileURLToPath(new URL('../project', import.meta.url)), project, { recursive: true });
    cpSync(join(REPO, 'examples'), join(project, 'examples'), {
      recursive: true,
      filter: (src) => !/node_modules|public[/\\]main\.js$/.test(src),
    });
    // What a user writes: onnxruntime-node's install step (a CUDA download) is off, hnswlib-node's compile is on.
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify(
        {
          name: 'loupe-consumer',
          private: true,
          type: 'module',
          allowScripts: { 'onnxruntime-node': false, 'hnswlib-node': true, esbuild: true },
        },
        null,
        2,
      ),
    );
    await run(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        ...packed.map((p) => p.tarball),
        'typescript@~5.9.3',
        'esbuild@^0.28.2',
        '@types/node@^20',
      ],
      project,
    );
    // The server the client and the browser page talk to, with the test photos as its catalog.
    const dataDir = join(root, 'server-data');
    await run(process.execPath, [LOUPE_BIN, 'ingest', PHOTOS, '--catalog', 'demo', '--json'], REPO, {
      LOUPE_DATA_DIR: dataDir,
      LOUPE_DEVICE: 'cpu',
      DATABASE_URL: '',
    });
    server = await startServer({ LOUPE_DATA_DIR: dataDir });
    embedder = await createEmbedder({ device: 'cpu' });
    detector = await createDetector({ device: 'cpu', classifier: embedder });
  });

  after(async () => {
    for (const child of children) child.kill('SIGTERM');
    await server?.stop();
    await detector?.dispose();
    await embedder?.dispose();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('packs each public package with its built files only and installs them as real folders', () => {
    assert.deepEqual(packed.map((p) => p.name).sort(), [
      '@loupe/api',
      '@loupe/client',
      '@loupe/detection',
      '@loupe/embedding',
      '@loupe/segmentation',
      '@loupe/vector-index',
    ]);
    for (const { name } of packed) {
      const dir = join(project, 'node_modules', ...name.split('/'));
      assert.ok(!lstatSync(dir).isSymbolicLink(), `${name} is a copy, not a link into the workspace`);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      assert.equal(manifest.private, undefined);
      assert.equal(manifest.license, 'MIT');
      assert.ok(
        existsSync(join(dir, 'LICENSE')) && existsSync(join(dir, 'README.md')),
        `${name} ships its licence and README`,
      );
      assert.ok(!existsSync(join(dir, 'src')) && !existsSync(join(dir, 'test')), `${name} ships no sources or tests`);
      for (const entry of Object.values(manifest.exports) as Array<string | Record<string, string>>) {
        if (typeof entry === 'string') continue;
        assert.ok(
          existsSync(join(dir, entry.import!)) && existsSync(join(dir, entry.types!)),
          `${name}: ${entry.import} and ${entry.types}`,
        );
      }
    }
  });

  it('without a model, the package names the command that builds it', async () => {
    const script = `import('@loupe/embedding').then((m) => m.createEmbedder()).catch((e) => console.log(e.code + ': ' + e.message))`;
    const out = await run(process.execPath, ['--input-type=module', '-e', script], project);
    assert.match(out, /^MODEL_NOT_BUILT: .*`npx loupe-embedding build-model`/);
    const detect = `import('@loupe/detection').then((m) => m.createDetector()).catch((e) => console.log(e.code + ': ' + e.message))`;
    assert.match(
      await run(process.execPath, ['--input-type=module', '-e', detect], project),
      /^MODEL_NOT_BUILT: the CenterNet detector is not built .*`npx loupe-detection build-model`/,
    );
  });

  it('the bin builds and verifies the model into the package', async () => {
    const args = ['loupe-embedding', 'build-model', '--cache-dir', WEIGHTS_CACHE];
    assert.match(
      await run('npx', args, project),
      /built resnet50-imagenet1k-keras@1 in .* into .*node_modules\/@loupe\/embedding\/model/,
    );
    assert.match(await run('npx', args, project), /model up to date and verified/);
    const manifest = JSON.parse(
      readFileSync(join(project, 'node_modules', '@loupe', 'embedding', 'model', 'manifest.json'), 'utf8'),
    );
    assert.equal(manifest.id, 'resnet50-imagenet1k-keras@1');
    await assert.rejects(
      run('npx', ['loupe-embedding', 'build-model', '--precision', 'int9'], project),
      /--precision must be one of fp32, int8, all/,
    );
  });

  it('the detection bin builds and verifies the detector into its package', async () => {
    const args = ['loupe-detection', 'build-model', '--cache-dir', DETECTOR_CACHE];
    assert.match(
      await run('npx', args, project),
      /built centernet-mobilenetv3-coco@1 in .* into .*node_modules\/@loupe\/detection\/model/,
    );
    assert.match(await run('npx', args, project), /detector up to date and verified/);
    await assert.rejects(run('npx', ['loupe-detection', 'build-modle'], project), /unknown command: build-modle/);
  });

  it('an ESM script finds the objects of a photo, each with its label, box and crop vector', async () => {
    const photo = join(PHOTOS, 'dog-bicycle-truck.jpg');
    const out = JSON.parse(await run(process.execPath, ['objects.mjs', photo], project));
    const reference = await detector.detect(photo, { vectors: true });
    assert.deepEqual(
      out.objects.map((o: { label: string }) => o.label),
      reference.objects.map((o) => o.label),
    );
    assert.ok(['dog', 'bicycle', 'truck'].every((label) => out.objects.some((o: { label: string }) => o.label === label)));
    out.objects.forEach((o: { box: Record<string, number>; vector: number[] }, i: number) => {
      const ref = reference.objects[i]!;
      for (const side of ['x0', 'y0', 'x1', 'y1'] as const) assert.ok(Math.abs(o.box[side]! - ref.box[side]) <= 1, side);
      assert.ok(cosine(o.vector, ref.vector!) > 0.9999, 'the installed packages compute the workspace’s crop vector');
    });
  });

  it('an ESM script classifies and embeds a photo, indexes vectors, reads a snapshot back and searches the server', async () => {
    const photo = join(PHOTOS, 'orange.jpg');
    const out = JSON.parse(
      await run(process.execPath, ['smoke.mjs', photo, join(PHOTOS, 'cat.jpg'), root, server.url], project),
    );
    const [reference] = await embedder.analyze([photo], { topK: 3 });
    assert.equal(out.predictions[0].label, reference!.predictions[0]!.label);
    assert.ok(cosine(out.vector, reference!.vector) > 0.9999, 'the installed package computes the workspace’s vector');
    assert.equal(out.vector.length, 2048);
    assert.equal(out.info.modelId, embedder.info().modelId);
    assert.equal(out.snapshot.sequence, 2);
    assert.equal(out.snapshot.hits[0].id, 1);
    assert.ok(out.snapshot.hits[0].score > 0.999 && out.snapshot.hits[1].score < 0.9);
    assert.equal(out.server.model, embedder.info().modelId);
    assert.match(out.server.results[0].title, /orange/);
    assert.ok(out.server.results[0].score > 0.99);
  });

  it('each README example runs as written against the installed package', async () => {
    const readmeBlock = (name: string) => {
      const text = readFileSync(join(project, 'node_modules', ...name.split('/'), 'README.md'), 'utf8');
      const block = [...text.matchAll(/```ts\n([\s\S]*?)```/g)]
        .map((m) => m[1]!)
        .find((code) => code.includes(`from '${name}'`));
      assert.ok(block, `${name}'s README has an example importing it`);
      return block;
    };
    const runBlock = async (file: string, prelude: string, block: string, epilogue: string) => {
      writeFileSync(join(project, file), `${prelude}\n${block}\n${epilogue}\n`);
      return JSON.parse(await run(process.execPath, [file], project));
    };

    const embedding = await runBlock(
      'readme-embedding.mjs',
      '',
      readmeBlock('@loupe/embedding').replace(`'cat.jpg'`, JSON.stringify(join(PHOTOS, 'cat.jpg'))),
      'console.log(JSON.stringify({ top: cat.predictions[0], dim: cat.vector.length, boxes: cat.boxes.length, heatmap: cat.heatmap?.png.length }));',
    );
    const [cat] = await embedder.analyze([join(PHOTOS, 'cat.jpg')], { topK: 5 });
    assert.deepEqual(embedding.top.label, cat!.predictions[0]!.label);
    assert.equal(embedding.dim, 2048);
    assert.ok(embedding.boxes >= 1 && embedding.heatmap > 0);

    const detection = await runBlock(
      'readme-detection.mjs',
      '',
      readmeBlock('@loupe/detection').replace(`'cat.jpg'`, JSON.stringify(join(PHOTOS, 'cat.jpg'))),
      'console.log(JSON.stringify({ width, height, first: objects[0] }));',
    );
    const catObjects = await detector.detect(join(PHOTOS, 'cat.jpg'));
    assert.deepEqual([detection.width, detection.height], [catObjects.width, catObjects.height]);
    assert.equal(detection.first.label, 'cat');
    assert.equal(detection.first.label, catObjects.objects[0]!.label);

    // The README's box is the dog of dog-bicycle-truck.jpg: its mask fills part of the box, not all of it.
    const segmentation = await runBlock(
      'readme-segmentation.mjs',
      '',
      readmeBlock('@loupe/segmentation').replace(`'photo.jpg'`, JSON.stringify(join(PHOTOS, 'dog-bicycle-truck.jpg'))),
      'console.log(JSON.stringify({ width, height, box: [masks[0].mask.width, masks[0].mask.height], area: masks[0].mask.data.reduce((s, v) => s + v, 0) }));',
    );
    assert.deepEqual([segmentation.width, segmentation.height, ...segmentation.box], [640, 480, 148, 266]);
    assert.ok(segmentation.area > 0.2 * 148 * 266 && segmentation.area < 0.95 * 148 * 266, `mask area ${segmentation.area}`);

    const vectors = await runBlock(
      'readme-vector-index.mjs',
      [
        `const snapshotPath = ${JSON.stringify(join(root, 'readme-index'))};`,
        'const featureOf = (i) => Float32Array.from({ length: 2048 }, (_, j) => Math.sin(i * 0.7 + j * 0.01) + 1.5);',
        'const queryVector = featureOf(7.1);',
        'const visible = new Set([3, 5, 7, 9]);',
      ].join('\n'),
      readmeBlock('@loupe/vector-index'),
      'console.log(JSON.stringify({ hits }));',
    );
    assert.equal(vectors.hits[0].id, 7);
    assert.ok(vectors.hits.every((h: { id: number; score: number }) => [3, 5, 7, 9].includes(h.id) && h.score >= 0.5));

    const client = await runBlock(
      'readme-client.mjs',
      `import { readFileSync } from 'node:fs';\nconst bytes = readFileSync(${JSON.stringify(join(PHOTOS, 'orange.jpg'))});`,
      readmeBlock('@loupe/client').replace(`'http://localhost:3000'`, JSON.stringify(server.url)),
      'console.log(JSON.stringify({ top: query?.predictions[0], first: results[0], similar: similar.results.length, refused: { status: refused.status, code: refused.code } }));',
    );
    assert.match(client.first.title, /orange/);
    assert.equal(client.first.catalog, 'demo');
    assert.ok(client.similar > 0);
    assert.deepEqual(client.refused, { status: 409, code: 'MODEL_MISMATCH' });

    const api = await runBlock(
      'readme-api.mjs',
      `const response = await fetch(${JSON.stringify(`${server.url}/api/v1/catalogs`)});`,
      readmeBlock('@loupe/api'),
      'console.log(JSON.stringify({ body, catalogs: catalogs.map((c) => c.slug), route: Boolean(route), openapi: spec.openapi }));',
    );
    assert.deepEqual(api.body, { k: 5, exact: false, itemId: 42 });
    assert.deepEqual(api.catalogs, ['demo']);
    assert.equal(api.route, true);
    assert.match(api.openapi, /^3\./);
  });

  it('a strict TypeScript file using the public packages type-checks with moduleResolution nodenext', async () => {
    await run(join(project, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], project);
  });

  it('example classify-folder: labels every photo and finds the re-encoded copy', async () => {
    const folder = join(root, 'folder');
    mkdirSync(folder);
    for (const name of ['cat.jpg', 'orange.jpg', 'robin.jpg', 'rocket.jpg'])
      cpSync(join(PHOTOS, name), join(folder, name));
    cpSync(join(REPO, 'tests', 'fixtures', 'formats', 'cat.webp'), join(folder, 'cat.webp'));
    writeFileSync(join(folder, 'broken.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]));
    const out = JSON.parse(
      await run(process.execPath, ['index.mjs', folder, '--json'], join(project, 'examples', 'classify-folder')),
    );
    const expected = await embedder.classify(
      out.images.map((i: { name: string }) => join(folder, i.name)),
      { topK: 1 },
    );
    assert.deepEqual(
      out.images.map((i: { label: string }) => i.label),
      expected.map((e) => e.predictions[0]!.label),
    );
    assert.equal(out.images.length, 5);
    assert.deepEqual(
      out.failed.map((f: { name: string }) => f.name),
      ['broken.jpg'],
    );
    assert.deepEqual(
      out.duplicates.map((d: { a: string; b: string }) => [d.a, d.b]),
      [['cat.jpg', 'cat.webp']],
    );
  });

  it('example embed-service: embeds an upload, refuses a broken one with the reason, keeps serving', async () => {
    const { url, child } = await startListening(['server.mjs'], join(project, 'examples', 'embed-service'), {
      PORT: '0',
    });
    children.push(child);
    const photo = readFileSync(join(PHOTOS, 'robin.jpg'));
    const bad = await fetch(`${url}/embed`, { method: 'POST', body: Buffer.from('not an image at all') });
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).error, /image/i);
    const response = await fetch(`${url}/embed`, { method: 'POST', body: photo });
    assert.equal(response.status, 200);
    const body = await response.json();
    const [reference] = await embedder.analyze([photo], { topK: 5 });
    assert.equal(body.dim, 2048);
    assert.equal(body.predictions[0].label, reference!.predictions[0]!.label);
    assert.ok(cosine(body.vector, reference!.vector) > 0.9999);
  });

  it('example browser-search: an esbuild bundle of @loupe/embedding/browser embeds in Chromium and searches the server', async () => {
    const dir = join(project, 'examples', 'browser-search');
    await run('npm', ['run', 'build'], dir);
    const { url, child } = await startListening(['serve.mjs'], dir, { PORT: '0', LOUPE_URL: server.url });
    children.push(child);
    const browser = await chromium.launch({
      executablePath: process.env.E2E_CHROMIUM ?? '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
    });
    try {
      const page = await browser.newPage();
      await page.goto(url);
      await page.waitForSelector('body[data-state="ready"]', { timeout: 120_000 });
      await page.setInputFiles('#photo', join(PHOTOS, 'orange.jpg'));
      await page.waitForSelector('body[data-state="done"], body[data-state="error"]', { timeout: 120_000 });
      assert.equal(await page.getAttribute('body', 'data-state'), 'done', (await page.textContent('#status')) ?? '');
      const first = page.locator('#results li').first();
      assert.match((await first.textContent()) ?? '', /orange/);
      // The browser's decoder and the fp16 weights differ slightly from the server's path: near, not identical.
      assert.ok(Number(await first.getAttribute('data-score')) > 0.95);
    } finally {
      await browser.close();
    }
  });
});
