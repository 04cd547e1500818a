// Detection quality and speed on hand-labelled photos (tests/fixtures/photos and, held out, tests/fixtures/heldout;
// boxes.json in each, COCO-class objects only): AP@0.5 and recall at the default minimum score, CenterNet alone vs fused with ResNet-50; ms per image.
// Run: npm run bench -w @loupe/detection. One run on a shared, noisy machine: medians, and say so.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createEmbedder, intersectionOverUnion, type Rect } from '@loupe/embedding';
import { COCO_LABELS, createDetector, DETECT_DEFAULTS, detectorBoxes, objectForImagenetClass, type DetectedObject, type Detector } from '../src/index.ts';

const FIXTURES = fileURLToPath(new URL('../../../tests/fixtures/', import.meta.url));
type Labelled = Record<string, Array<Rect & { label: string }>>;
type PhotoSet = Array<[string, Array<Rect & { label: string }>]>;
const coco = new Set<string>(COCO_LABELS);
/** Photos (as paths) whose every labelled object is a COCO class: there, anything else reported is a false positive. */
function labelledSet(folder: string): PhotoSet {
  const all = JSON.parse(readFileSync(`${FIXTURES}${folder}/boxes.json`, 'utf8')) as Labelled;
  return Object.entries(all)
    .filter(([, boxes]) => boxes.every((b) => coco.has(b.label)))
    .map(([photo, boxes]) => [`${FIXTURES}${folder}/${photo}`, boxes]);
}
/** Every photo of a folder with its labelled boxes, COCO or not (the classify box is about ImageNet classes). */
function labelledSetAll(folder: string): PhotoSet {
  const all = JSON.parse(readFileSync(`${FIXTURES}${folder}/boxes.json`, 'utf8')) as Labelled;
  return Object.entries(all).map(([photo, boxes]) => [`${FIXTURES}${folder}/${photo}`, boxes]);
}
// The labelled set was seen while designing fusion; the held-out set (tests/fixtures/heldout) never was.
const SETS = { labelled: labelledSet('photos'), 'held-out': labelledSet('heldout') };

/** Average precision at IoU 0.5, all classes pooled (each detection matches an unmatched truth box of its label). */
function averagePrecision(set: PhotoSet, found: Map<string, DetectedObject[]>): { ap: number; truths: number } {
  const scored: Array<{ score: number; hit: boolean }> = [];
  let truths = 0;
  for (const [photo, boxes] of set) {
    truths += boxes.length;
    const used = new Set<number>();
    for (const o of [...(found.get(photo) ?? [])].sort((a, b) => b.score - a.score)) {
      let best = -1;
      let bestIou = 0.5;
      boxes.forEach((b, i) => {
        const iou = intersectionOverUnion(o.box, b);
        if (!used.has(i) && b.label === o.label && iou >= bestIou) [best, bestIou] = [i, iou];
      });
      if (best >= 0) used.add(best);
      scored.push({ score: o.score, hit: best >= 0 });
    }
  }
  scored.sort((a, b) => b.score - a.score);
  let tp = 0;
  const points = scored.map((s, i) => {
    if (s.hit) tp++;
    return { recall: tp / truths, precision: tp / (i + 1) };
  });
  // All-point interpolation: precision at each recall is the best precision at that recall or higher.
  let ap = 0;
  let prevRecall = 0;
  for (let i = 0; i < points.length; i++) {
    const p = Math.max(...points.slice(i).map((q) => q.precision));
    ap += (points[i]!.recall - prevRecall) * p;
    prevRecall = points[i]!.recall;
  }
  return { ap, truths };
}

function recallAt(set: PhotoSet, found: Map<string, DetectedObject[]>, minScore: number): number {
  let hit = 0;
  let truths = 0;
  for (const [photo, boxes] of set)
    for (const b of boxes) {
      truths++;
      if ((found.get(photo) ?? []).some((o) => o.score >= minScore && o.label === b.label && intersectionOverUnion(o.box, b) >= 0.5)) hit++;
    }
  return hit / truths;
}

async function run(set: PhotoSet, detector: Detector): Promise<{ found: Map<string, DetectedObject[]>; ms: number[] }> {
  const found = new Map<string, DetectedObject[]>();
  const ms: number[] = [];
  await detector.detect(set[0]![0]); // warm-up
  for (const [photo] of set) {
    const t0 = performance.now();
    found.set(photo, (await detector.detect(photo, { minScore: 0.05, maxObjects: 100 })).objects);
    ms.push(performance.now() - t0);
  }
  return { found, ms };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const embedder = await createEmbedder({ device: 'cpu' });
const plain = await createDetector({ device: 'cpu' });
const fused = await createDetector({ device: 'cpu', classifier: embedder });
console.log('| set | method | AP@0.5 | recall@0.5 at minScore 0.3 | photos | objects | median ms/image |');
console.log('|---|---|---|---|---|---|---|');
const onlyBox = process.argv.includes('--only-box');
for (const [setName, set] of onlyBox ? [] : Object.entries(SETS))
  for (const [name, detector] of [['CenterNet alone', plain], ['CenterNet + ResNet-50 fusion', fused]] as const) {
    const { found, ms } = await run(set, detector);
    const { ap, truths } = averagePrecision(set, found);
    const recall = recallAt(set, found, DETECT_DEFAULTS.minScore);
    console.log(`| ${setName} | ${name} | ${ap.toFixed(3)} | ${recall.toFixed(3)} | ${set.length} | ${truths} | ${median(ms).toFixed(0)} |`);
  }
// The classify box: the top ImageNet class's CAM box vs the detector's box of that class, against the hand-labelled
// box of single-object photos (every photo of both folders with exactly one labelled object).
const single = [...labelledSetAll('photos'), ...labelledSetAll('heldout')].filter(([, boxes]) => boxes.length === 1);
const ious = { cam: [] as number[], detector: [] as number[] };
let replaced = 0;
for (const [photo, [truth]] of single) {
  const [analysis] = await embedder.localize([photo], { topK: 3 });
  const top = analysis!.boxes.find((b) => b.classId === analysis!.predictions[0]!.classId);
  if (!top) continue;
  const { objects } = await fused.detect(photo);
  const [withDetector] = detectorBoxes([top], objects);
  if (objectForImagenetClass(top.classId, objects)) replaced++;
  ious.cam.push(intersectionOverUnion(top, truth!));
  ious.detector.push(intersectionOverUnion(withDetector!, truth!));
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const hits = (xs: number[]) => xs.filter((x) => x >= 0.5).length;
console.log(`\nclassify box on ${ious.cam.length} single-object photos (detector box used for ${replaced}):`);
console.log('| box | mean IoU | median IoU | IoU ≥ 0.5 |');
console.log('|---|---|---|---|');
for (const [name, xs] of [['CAM alone', ious.cam], ['with the detector', ious.detector]] as const)
  console.log(`| ${name} | ${mean(xs).toFixed(3)} | ${median(xs).toFixed(3)} | ${hits(xs)}/${xs.length} |`);

await plain.dispose();
await fused.dispose();
await embedder.dispose();
