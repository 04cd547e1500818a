// The embedder on real photos with the real model: classes, vectors, boxes, formats, bad input, batching, providers.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import {
  CorruptImageError,
  createEmbedder,
  ImageTooLargeError,
  intersectionOverUnion,
  InvalidInputError,
  ModelNotBuiltError,
  poolFeatureMap,
  ProviderUnavailableError,
  UnsupportedImageError,
  vectorModelId,
  type Embedder,
  type ImageAnalysis,
} from '../src/index.ts';
import { cosine, FIXTURES, PHOTOS, readJson } from './helpers.ts';

type HandBox = { label: string; x0: number; y0: number; x1: number; y1: number };
const expected = readJson<Record<string, string[]>>(`${PHOTOS}expected.json`);
const handBoxes = readJson<Record<string, HandBox[]>>(`${PHOTOS}boxes.json`);
/** Photos whose class ResNet-50 gets wrong (expected.json was written before running the model; giraffe-zebra's main
 * animal is not an ImageNet class and its top-1 flips between zebra and ostrich): see tests/fixtures/README.md. */
const KNOWN_MISSES = ['rocket.jpg', 'horses.jpg', 'person-dog-horse.jpg', 'giraffe-zebra.jpg'];
const CLASSIFIED = Object.keys(expected).filter((f) => !KNOWN_MISSES.includes(f));
/** Single-object photos on which the CAM box must overlap the hand-labelled box with IoU ≥ 0.5. */
const BOXED = ['cat.jpg', 'espresso.jpg', 'orange.jpg', 'squirrel.jpg', 'butterfly.jpg', 'robin.jpg', 'eagle.jpg', 'palace.jpg'];
const photo = (f: string) => join(PHOTOS, f);
const keras = (label: string) => label.replace(/ /g, '_');

describe('embedder on real photos', () => {
  let embedder: Embedder;
  let analyses: Map<string, ImageAnalysis>;
  before(async () => {
    embedder = await createEmbedder({ device: 'cpu', batchSize: 4 });
    const files = Object.keys(expected);
    const results = await embedder.analyze(files.map(photo), { topK: 5 });
    analyses = new Map(files.map((f, i) => [f, results[i]!]));
  });
  after(() => embedder?.dispose());

  it('reports the model and the provider in use', () => {
    const info = embedder.info();
    assert.equal(info.dim, 2048);
    assert.equal(info.classes, 1000);
    assert.equal(info.provider, 'cpu');
    assert.match(info.modelId, /^resnet50-/);
  });

  it('gives the expected top-1 ImageNet class', () => {
    for (const f of CLASSIFIED) {
      const top = analyses.get(f)!.predictions[0]!;
      assert.ok(expected[f]!.includes(keras(top.label)), `${f}: top-1 "${top.label}" not in ${JSON.stringify(expected[f])}`);
    }
  });

  it('names classes the way people write them, with ids and sorted probabilities', () => {
    const cat = analyses.get('cat.jpg')!;
    assert.deepEqual(cat.predictions[0], { ...cat.predictions[0], classId: 285, label: 'Egyptian cat' });
    assert.equal(cat.predictions.length, 5);
    for (let i = 1; i < 5; i++) assert.ok(cat.predictions[i - 1]!.score >= cat.predictions[i]!.score);
  });

  it('returns unit-length 2048-d vectors; the same photo is closer to itself than to others', () => {
    const cat = analyses.get('cat.jpg')!.vector;
    assert.equal(cat.length, 2048);
    assert.ok(Math.abs(cosine(cat, cat) - 1) < 1e-6);
    let norm = 0;
    for (const v of cat) norm += v * v;
    assert.ok(Math.abs(Math.sqrt(norm) - 1) < 1e-5);
    assert.ok(cosine(cat, analyses.get('orange.jpg')!.vector) < 0.5);
  });

  it('boxes the main object: IoU ≥ 0.5 with the hand-labelled box', () => {
    for (const f of BOXED) {
      const a = analyses.get(f)!;
      const box = a.boxes.find((b) => b.classId === a.predictions[0]!.classId);
      assert.ok(box, `${f}: no box for the top class`);
      assert.ok(box.x0 >= 0 && box.y0 >= 0 && box.x1 <= a.width && box.y1 <= a.height, `${f}: box outside the image`);
      const iou = Math.max(...handBoxes[f]!.map((h) => intersectionOverUnion(h, box)));
      assert.ok(iou >= 0.5, `${f}: IoU ${iou.toFixed(2)} with the hand box`);
    }
  });

  it('gives several boxes when several classes are confident', () => {
    const a = analyses.get('giraffe-zebra.jpg')!;
    const classes = new Set(a.boxes.map((b) => b.classId));
    assert.ok(classes.size >= 2, `expected boxes of ≥ 2 classes, got ${JSON.stringify(a.boxes)}`);
    const zebra = a.boxes.find((b) => b.label === 'zebra')!;
    assert.ok(intersectionOverUnion(zebra, handBoxes['giraffe-zebra.jpg']![1]!) > 0.3);
  });

  it('gives a finer feature map at a larger input (448 → 14×14) with the same top class, and refuses odd sizes', async () => {
    const [cat] = await embedder.featureMaps([photo('cat.jpg')], { inputSize: 448 });
    const a = analyses.get('cat.jpg')!;
    assert.deepEqual([cat!.featureMap.channels, cat!.featureMap.height, cat!.featureMap.width], [2048, 14, 14]);
    assert.equal(cat!.featureMap.data.length, 2048 * 14 * 14);
    assert.deepEqual(cat!.featureMap.region, { x0: 0, y0: 0, x1: a.width, y1: a.height });
    assert.equal(cat!.predictions[0]!.classId, a.predictions[0]!.classId);
    assert.equal(embedder.classifierHead().weights.length, 1000 * 2048);
    await assert.rejects(embedder.featureMaps([photo('cat.jpg')], { inputSize: 100 }), /multiple of 32/);
  });

  it('embed, classify and localize agree with analyze (one forward pass gives all three)', async () => {
    const files = ['cat.jpg', 'eagle.jpg'].map(photo);
    const [vectors, classes, boxes] = await Promise.all([embedder.embed(files), embedder.classify(files, { topK: 3 }), embedder.localize(files)]);
    files.forEach((_, i) => {
      const a = analyses.get(['cat.jpg', 'eagle.jpg'][i]!)!;
      assert.ok(cosine(vectors[i]!, a.vector) > 0.99999);
      assert.deepEqual(
        classes[i]!.predictions.map((p) => p.classId),
        a.predictions.slice(0, 3).map((p) => p.classId),
      );
      assert.deepEqual(boxes[i]!.boxes[0], a.boxes[0]);
    });
  });

  it('pools with GeM by default: the vector is (mean of x³)^⅓ per channel of the feature map from the same pass', async () => {
    assert.equal(embedder.info().pooling, 'gem');
    assert.equal(embedder.info().modelId, vectorModelId('gem'));
    const [a] = await embedder.analyze([photo('cat.jpg')], { featureMap: true });
    const map = a!.featureMap!;
    const hw = map.height * map.width;
    const gem = new Float64Array(map.channels);
    for (let c = 0; c < map.channels; c++) {
      let s = 0;
      for (let i = 0; i < hw; i++) s += Math.pow(Math.max(0, map.data[c * hw + i]!), 3);
      gem[c] = Math.pow(s / hw, 1 / 3);
    }
    assert.ok(cosine(a!.vector, Float32Array.from(gem)) > 0.999999, `cosine ${cosine(a!.vector, Float32Array.from(gem))}`);
  });

  it("pools by average with pooling 'avg': the model's own features output, under another model id", async () => {
    const avg = await createEmbedder({ device: 'cpu', pooling: 'avg' });
    try {
      assert.equal(avg.info().pooling, 'avg');
      assert.notEqual(avg.info().modelId, embedder.info().modelId);
      const files = ['cat.jpg', 'orange.jpg'].map(photo);
      const [analysis] = await avg.analyze([files[0]!], { featureMap: true });
      const fromMap = poolFeatureMap(analysis!.featureMap!, 'avg');
      assert.ok(cosine(analysis!.vector, fromMap) > 0.999999);
      const [avgCat, avgOrange] = await avg.embed(files);
      const [gemCat, gemOrange] = await embedder.embed(files);
      // the two poolings are different vectors of the same picture (not comparable with each other)…
      assert.ok(cosine(avgCat!, gemCat!) < 0.999 && cosine(avgCat!, gemCat!) > 0.5, `cosine ${cosine(avgCat!, gemCat!)}`);
      // …and both keep different pictures apart
      assert.ok(cosine(avgCat!, avgOrange!) < 0.5 && cosine(gemCat!, gemOrange!) < 0.5);
    } finally {
      await avg.dispose();
    }
  });

  it('gives the same vector whatever the batch it is in', async () => {
    const alone = (await embedder.embed([photo('squirrel.jpg')]))[0]!;
    const inBatch = (await embedder.embed(['cat.jpg', 'orange.jpg', 'squirrel.jpg', 'eagle.jpg', 'robin.jpg'].map(photo)))[2]!;
    assert.ok(cosine(alone, inBatch) > 0.99999, `cosine ${cosine(alone, inBatch)}`);
  });

  it('reads every supported format, with EXIF orientation, alpha, greyscale, CMYK and 16-bit converted', async () => {
    const files = ['cat.png', 'cat-alpha.png', 'cat-16bit.png', 'cat-grey.jpg', 'cat-cmyk.jpg', 'cat.webp', 'cat.avif', 'cat.tiff', 'cat.gif', 'cat-exif-rot90.jpg'];
    const results = await embedder.analyze(files.map((f) => join(FIXTURES, 'formats', f)));
    const reference = analyses.get('cat.jpg')!;
    results.forEach((r, i) => {
      assert.ok(['Egyptian cat', 'tabby', 'tiger cat'].includes(r.predictions[0]!.label), `${files[i]}: ${r.predictions[0]!.label}`);
      assert.ok(r.width > r.height, `${files[i]}: ${r.width}×${r.height} is not landscape (orientation not applied?)`);
      assert.ok(cosine(r.vector, reference.vector) > 0.65, `${files[i]}: cosine to the JPEG ${cosine(r.vector, reference.vector)}`);
    });
    // The EXIF-rotated file is stored 213×320 and must come out as the upright 320×213 picture.
    const rotated = results[files.indexOf('cat-exif-rot90.jpg')]!;
    assert.deepEqual([rotated.width, rotated.height], [320, 213]);
    assert.ok(cosine(rotated.vector, results[files.indexOf('cat.webp')]!.vector) > 0.95);
  });

  it('takes raw RGB pixels and encoded bytes as well as paths', async () => {
    const { data, info } = await sharp(photo('orange.jpg')).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const [fromRaw, fromBytes] = await embedder.analyze([
      { data, width: info.width, height: info.height, channels: 3 },
      readFileSync(photo('orange.jpg')),
    ]);
    assert.ok(cosine(fromRaw!.vector, analyses.get('orange.jpg')!.vector) > 0.999);
    assert.ok(cosine(fromBytes!.vector, analyses.get('orange.jpg')!.vector) > 0.99999);
  });

  it('analyses a region (crop search) and maps its boxes back to full-image coordinates', async () => {
    // The dog photo: the left part holds the dog and bicycle, the top right the truck.
    const full = analyses.get('dog-bicycle-truck.jpg')!;
    const truck = handBoxes['dog-bicycle-truck.jpg']!.find((b) => b.label === 'truck')!;
    const region = { x0: truck.x0 - 20, y0: truck.y0 - 20, x1: truck.x1 + 20, y1: truck.y1 + 20 };
    const [crop] = await embedder.analyze([{ source: photo('dog-bicycle-truck.jpg'), region }]);
    assert.equal(crop!.width, full.width);
    assert.ok(cosine(crop!.vector, full.vector) < 0.8, 'the crop should look different from the whole photo');
    assert.ok(/truck|van|trailer|wagon|moving/i.test(crop!.predictions.map((p) => p.label).join(' ')), JSON.stringify(crop!.predictions));
    for (const b of crop!.boxes) assert.ok(b.x0 >= region.x0 && b.x1 <= region.x1 && b.y0 >= region.y0 && b.y1 <= region.y1, JSON.stringify(b));
    await assert.rejects(embedder.analyze([{ source: photo('cat.jpg'), region: { x0: 500, y0: 0, x1: 600, y1: 10 } }]), InvalidInputError);
  });

  it('renders a heatmap PNG the size of the image, transparent where the class is absent', async () => {
    const [a] = await embedder.localize([photo('orange.jpg')], { heatmap: true });
    const png = a!.heatmap!;
    const meta = await sharp(png.png).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height, meta.channels], ['png', 512, 512, 4]);
    const { data } = await sharp(png.png).raw().toBuffer({ resolveWithObject: true });
    const alphaAt = (x: number, y: number) => data[(y * 512 + x) * 4 + 3]!;
    const box = a!.boxes[0]!;
    const cx = Math.round((box.x0 + box.x1) / 2);
    const cy = Math.round((box.y0 + box.y1) / 2);
    assert.ok(alphaAt(cx, cy) > alphaAt(5, 5), `alpha at the object ${alphaAt(cx, cy)} vs corner ${alphaAt(5, 5)}`);
  });

  describe('bad input gets a clear, typed error and the stream goes on', () => {
    const bad = (f: string) => join(FIXTURES, 'bad', f);
    it('empty, text, truncated and bomb files', async () => {
      await assert.rejects(embedder.embed([bad('empty.jpg')]), (e) => e instanceof CorruptImageError && /empty/.test(e.message));
      await assert.rejects(embedder.embed([bad('text.jpg')]), (e) => e instanceof UnsupportedImageError && /JPEG, PNG/.test(e.message));
      await assert.rejects(embedder.embed([bad('truncated.jpg')]), CorruptImageError);
      await assert.rejects(embedder.embed([bad('truncated-body.jpg')]), CorruptImageError);
      await assert.rejects(
        embedder.embed([bad('bomb.png')]),
        (e) => e instanceof ImageTooLargeError && e.width === 50000 && /50000×50000/.test(e.message),
      );
      await assert.rejects(embedder.embed([join(FIXTURES, 'no-such-file.jpg')]), (e) => e instanceof InvalidInputError && /no such file/.test(e.message));
    });

    it('refuses SVG (it can reference other files) and respects a lower pixel limit', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'loupe-'));
      writeFileSync(join(dir, 'x.jpg'), '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64"/></svg>');
      await assert.rejects(embedder.embed([join(dir, 'x.jpg')]), (e) => e instanceof UnsupportedImageError && /svg/.test(e.message));
      const small = await createEmbedder({ device: 'cpu', maxPixels: 100_000 });
      try {
        await assert.rejects(small.embed([photo('eagle.jpg')]), ImageTooLargeError);
      } finally {
        await small.dispose();
      }
    });

    it('a bad file inside a stream is reported in place and the others are processed', async () => {
      const inputs = [photo('cat.jpg'), bad('text.jpg'), photo('orange.jpg'), bad('bomb.png'), photo('eagle.jpg')];
      const results = [];
      for await (const r of embedder.analyzeEach(inputs)) results.push(r);
      assert.deepEqual(results.map((r) => [r.index, r.ok]), [[0, true], [1, false], [2, true], [3, false], [4, true]]);
      const orange = results[2]!;
      assert.ok(orange.ok && orange.value.predictions[0]!.label === 'orange');
    });
  });
});

describe('embedder setup errors', () => {
  it('an explicit device that is unavailable throws with the reason instead of using another', async () => {
    await assert.rejects(createEmbedder({ device: 'cuda' }), (e) => e instanceof ProviderUnavailableError && /CUDA/.test(e.message));
  });

  it('an unknown pooling is refused by name', async () => {
    await assert.rejects(createEmbedder({ device: 'cpu', pooling: 'max' as never }), (e) => e instanceof InvalidInputError && /pooling must be one of gem, avg/.test(e.message));
  });

  it('a missing model names the command that builds it', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-model-'));
    await assert.rejects(
      createEmbedder({ modelDir: empty }),
      (e) => e instanceof ModelNotBuiltError && e.message.includes(`npx loupe-embedding build-model --dir ${JSON.stringify(empty)}`) && /npm run model/.test(e.message),
    );
  });
});
