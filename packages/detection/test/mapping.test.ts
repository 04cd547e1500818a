// The ImageNet → COCO table is data; these checks keep it honest against the real label files.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { defaultModelDir } from '@loupe/embedding';
import { COCO_LABELS, cocoFromImagenet, IMAGENET_TO_COCO, imagenetToCocoMap } from '../src/index.ts';

const imagenet = JSON.parse(readFileSync(join(defaultModelDir(), 'labels.json'), 'utf8')) as string[];
const idOf = (name: string) => imagenet.indexOf(name);

describe('ImageNet → COCO mapping', () => {
  const map = imagenetToCocoMap();

  it('maps only real ImageNet ids, each once, onto real COCO labels', () => {
    assert.equal(COCO_LABELS.length, 80);
    for (const [id, label] of map) {
      assert.ok(Number.isInteger(id) && id >= 0 && id < 1000, `id ${id}`);
      assert.ok((COCO_LABELS as readonly string[]).includes(label), label);
    }
    assert.ok(Object.keys(IMAGENET_TO_COCO).length >= 50);
  });

  it('sends every dog breed to dog, the domestic cats to cat, and nothing wild or merely related', () => {
    for (const name of ['Chihuahua', 'golden_retriever', 'German_shepherd', 'malamute', 'pug', 'Mexican_hairless']) assert.equal(map.get(idOf(name)), 'dog', name);
    assert.equal([...map.values()].filter((l) => l === 'dog').length, 118);
    for (const name of ['tabby', 'tiger_cat', 'Persian_cat', 'Siamese_cat', 'Egyptian_cat']) assert.equal(map.get(idOf(name)), 'cat', name);
    for (const name of ['cougar', 'lynx', 'tiger', 'timber_wolf', 'horse_cart', 'dogsled']) assert.equal(map.get(idOf(name)), undefined, name);
    assert.equal(map.get(idOf('kite')), 'bird', 'ImageNet\'s "kite" is the bird');
    assert.equal(map.get(idOf('soccer_ball')), 'sports ball');
    assert.equal(map.get(idOf('teddy')), 'teddy bear');
    assert.equal(map.get(idOf('espresso')), 'cup');
  });

  it('sums a crop\'s probability over the ImageNet classes of one COCO class, within the allowed classes', () => {
    const p = (name: string, score: number) => ({ classId: idOf(name), score });
    const preds = [p('tabby', 0.3), p('malamute', 0.35), p('tiger_cat', 0.25), p('Egyptian_cat', 0.05)];
    assert.deepEqual(cocoFromImagenet(preds)?.label, 'cat');
    assert.ok(Math.abs(cocoFromImagenet(preds)!.mass - 0.6) < 1e-9);
    assert.equal(cocoFromImagenet(preds, new Set(['dog', 'person'] as const))?.label, 'dog');
    assert.equal(cocoFromImagenet([p('cougar', 0.9)]), undefined);
  });
});
