// The browser entry (onnxruntime-web, WebAssembly, fp16-weight model, pure-JS resize) gives the same answers as the
// server (onnxruntime-node, fp32, sharp) for the same photo. onnxruntime-web runs in Node, so this runs here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { createBrowserEmbedder, type BrowserEmbedder } from '../src/browser.ts';
import { createEmbedder, defaultModelDir, MODEL_FILES, type Embedder } from '../src/index.ts';
import { cosine, PHOTOS } from './helpers.ts';

const PHOTOS_TO_COMPARE = ['cat.jpg', 'espresso.jpg', 'orange.jpg', 'eagle.jpg', 'squirrel.jpg', 'giraffe-zebra.jpg'];

/** What a browser has after drawing the image on a canvas: full-size RGBA pixels, EXIF orientation applied. */
async function decodeLikeABrowser(file: string) {
  const { data, info } = await sharp(file).rotate().ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: 4 as const };
}

describe('browser entry parity with the server', () => {
  let browser: BrowserEmbedder;
  let server: Embedder;
  before(async () => {
    const dir = defaultModelDir();
    const classifier = readFileSync(join(dir, MODEL_FILES.classifier));
    browser = await createBrowserEmbedder({
      model: new Uint8Array(readFileSync(join(dir, MODEL_FILES.fp16))),
      labels: JSON.parse(readFileSync(join(dir, MODEL_FILES.labels), 'utf8')),
      classifierWeights: new Float32Array(classifier.buffer, classifier.byteOffset, 1000 * 2048).slice(),
      threads: 1,
    });
    server = await createEmbedder({ device: 'cpu' });
  });
  after(async () => {
    await browser?.dispose();
    await server?.dispose();
  });

  it('vectors match the server’s (cosine ≥ 0.999), with the same top-1 class and top box', async (t) => {
    const files = PHOTOS_TO_COMPARE.map((f) => join(PHOTOS, f));
    const serverResults = await server.analyze(files);
    for (const [i, file] of files.entries()) {
      const [b] = await browser.analyze([await decodeLikeABrowser(file)]);
      const s = serverResults[i]!;
      const c = cosine(b!.vector, s.vector);
      t.diagnostic(`${PHOTOS_TO_COMPARE[i]}: cosine ${c.toFixed(5)}, top-1 ${b!.predictions[0]!.label} / ${s.predictions[0]!.label}`);
      assert.ok(c >= 0.999, `${file}: cosine ${c}`);
      assert.equal(b!.predictions[0]!.classId, s.predictions[0]!.classId);
      assert.deepEqual([b!.width, b!.height], [s.width, s.height]);
      const [bb, sb] = [b!.boxes[0]!, s.boxes[0]!];
      assert.equal(bb.classId, sb.classId);
      for (const k of ['x0', 'y0', 'x1', 'y1'] as const) assert.ok(Math.abs(bb[k] - sb[k]) <= 0.05 * Math.max(s.width, s.height), `${file}: box ${k}`);
    }
  });
});
