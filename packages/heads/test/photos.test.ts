// A head trained on real photos (augmented copies made here with sharp) through the real ResNet-50: held-out
// variants are classified correctly, and the new classes' CAM boxes land on the hand-labelled objects.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { createEmbedder, intersectionOverUnion, type Embedder, type Rect } from '@loupe/embedding';
import { exportHeadOnnx, openHeadSession, trainHead, type HeadSession, type TrainedHead } from '../src/index.ts';

const PHOTOS = fileURLToPath(new URL('../../../tests/fixtures/photos/', import.meta.url));
const BOXES = JSON.parse(readFileSync(join(PHOTOS, 'boxes.json'), 'utf8')) as Record<string, Array<Rect & { label: string }>>;
const CLASSES: Record<string, string[]> = { bird: ['robin.jpg', 'eagle.jpg'], cat: ['cat.jpg'], fruit: ['orange.jpg'], squirrel: ['squirrel.jpg'] };

/**
 * Training variants: five crops × (as is | mirrored with other colours). Held-out variants: two crops never used in
 * training, rotated, darker and blurred — pictures the head has not seen.
 */
async function variants(file: string, set: 'train' | 'held'): Promise<Uint8Array[]> {
  const { width = 0, height = 0 } = await sharp(join(PHOTOS, file)).metadata();
  const crops =
    set === 'train'
      ? [
          [0, 0, 1, 1],
          [0, 0, 0.85, 0.85],
          [0.15, 0.15, 1, 1],
          [0.15, 0, 1, 0.85],
          [0, 0.15, 0.85, 1],
        ]
      : [
          [0.05, 0.05, 0.95, 0.95],
          [0.1, 0.1, 0.9, 1],
        ];
  const out: Uint8Array[] = [];
  for (const [a, b, c, d] of crops as Array<[number, number, number, number]>) {
    for (const kind of set === 'train' ? ['plain', 'mirrored'] : ['rotated']) {
      let s = sharp(join(PHOTOS, file)).extract({
        left: Math.round(a * width),
        top: Math.round(b * height),
        width: Math.round((c - a) * width),
        height: Math.round((d - b) * height),
      });
      if (kind === 'mirrored') s = s.flop().modulate({ brightness: 1.15, saturation: 0.8 });
      if (kind === 'rotated') s = s.rotate(8, { background: '#808080' }).modulate({ brightness: 0.85 }).blur(1.2);
      out.push(new Uint8Array(await s.jpeg({ quality: 80 }).toBuffer()));
    }
  }
  return out;
}

describe('a head on real photos', () => {
  let embedder: Embedder;
  let head: TrainedHead;
  let session: HeadSession;
  const held: Array<{ image: Uint8Array; label: string }> = [];

  before(async () => {
    embedder = await createEmbedder({ device: 'cpu' });
    const vectors: Float32Array[] = [];
    const labels: string[] = [];
    for (const [label, files] of Object.entries(CLASSES)) {
      for (const file of files) {
        for (const v of await embedder.embed(await variants(file, 'train'))) {
          vectors.push(v);
          labels.push(label);
        }
        for (const image of await variants(file, 'held')) held.push({ image, label });
      }
    }
    head = await trainHead({ vectors, labels }, { seed: 1 });
    session = await openHeadSession(exportHeadOnnx(head.model));
  });
  after(async () => {
    await session?.dispose();
    await embedder?.dispose();
  });

  it('fits its training photos and classifies every held-out variant correctly (ONNX Runtime)', async () => {
    assert.deepEqual(head.model.classes, ['bird', 'cat', 'fruit', 'squirrel']);
    assert.equal(head.report.trainAccuracy, 1);
    const vectors = await embedder.embed(held.map((h) => h.image));
    const predictions = await session.predict(vectors);
    const wrong = predictions.map((p, i) => [p[0]!.label, held[i]!.label]).filter(([got, want]) => got !== want);
    assert.deepEqual(wrong, [], 'held-out variants misclassified');
    // ONNX Runtime reproduces the trainer.
    const reference = head.predict(vectors);
    const ort = await session.probabilities(vectors);
    for (let i = 0; i < vectors.length; i++) for (let c = 0; c < 4; c++) assert.ok(Math.abs(ort[i]![c]! - reference[i]![c]!) <= 1e-5);
  });

  it('the CAM box of a new class lands on the labelled object (IoU ≥ 0.5)', async () => {
    for (const [file, label] of [
      ['eagle.jpg', 'bird'],
      ['robin.jpg', 'bird'],
      ['squirrel.jpg', 'squirrel'],
      ['orange.jpg', 'fruit'],
      ['cat.jpg', 'cat'],
    ] as const) {
      const [analysis] = await embedder.analyze([join(PHOTOS, file)], { featureMap: true });
      assert.ok(analysis!.featureMap, 'the feature map is returned on request');
      const [ranked] = await session.predict([analysis!.vector]);
      assert.equal(ranked![0]!.label, label);
      const boxes = session.localize(analysis!.featureMap!, ranked!);
      assert.equal(boxes[0]!.label, label);
      const iou = intersectionOverUnion(boxes[0]!, BOXES[file]![0]!);
      assert.ok(iou >= 0.5, `${file}: ${label} box IoU ${iou.toFixed(2)}`);
    }
  });
});
