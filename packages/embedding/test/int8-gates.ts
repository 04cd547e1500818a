// The int8 model's quality gates against fp32, shared by test/int8.test.ts and the calibration comparison: the
// held-out test photos (never used to calibrate: scripts/calibrate.ts) and edited copies of them made with sharp.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { intersectionOverUnion, type Embedder, type ImageAnalysis } from '../src/index.ts';
import { PHOTO_DIR, splitPhotos } from '../scripts/calibrate.ts';
import { cosine } from './helpers.ts';

/** 16 views of each held-out photo: the photo, a mirror, crops, rotation, light, blur, noise-like recompression. */
export async function heldOutViews(): Promise<Array<{ name: string; bytes: Uint8Array }>> {
  const views: Array<{ name: string; bytes: Uint8Array }> = [];
  for (const file of splitPhotos().heldOut) {
    const bytes = await readFile(join(PHOTO_DIR, file));
    const img = () => sharp(bytes).rotate();
    const { width, height } = await img()
      .toBuffer({ resolveWithObject: true })
      .then((r) => r.info);
    const crop = (fx: number, fy: number, f: number) =>
      img().extract({
        left: Math.round(width * fx),
        top: Math.round(height * fy),
        width: Math.round(width * f),
        height: Math.round(height * f),
      });
    const edits: Record<string, () => Sharp> = {
      original: img,
      mirror: () => img().flop(),
      'crop-tl': () => crop(0, 0, 0.8),
      'crop-tr': () => crop(0.2, 0, 0.8),
      'crop-bl': () => crop(0, 0.2, 0.8),
      'crop-br': () => crop(0.2, 0.2, 0.8),
      'crop-centre': () => crop(0.15, 0.15, 0.7),
      'rotate-8': () => img().rotate(8, { background: '#808080' }),
      'rotate-minus-8': () => img().rotate(-8, { background: '#808080' }),
      brighter: () => img().modulate({ brightness: 1.25 }),
      darker: () => img().modulate({ brightness: 0.75 }),
      saturated: () => img().modulate({ saturation: 1.5 }),
      grey: () => img().greyscale(),
      blur: () => img().blur(1.5),
      'jpeg-q25': () => img(),
      small: () => img().resize({ width: 128 }),
    };
    for (const [edit, make] of Object.entries(edits)) {
      const out = await make()
        .jpeg({ quality: edit === 'jpeg-q25' ? 25 : 92 })
        .toBuffer();
      views.push({ name: `${file}:${edit}`, bytes: new Uint8Array(out) });
    }
  }
  return views;
}

export interface GateResults {
  images: number;
  /** Share of images whose top-1 ImageNet class is the same. */
  top1Agreement: number;
  /** Mean |top-5 ∩ top-5| / 5. */
  top5Overlap: number;
  vectorCosine: { min: number; median: number };
  /** IoU of the top CAM box of the (shared) top-1 class, over images where both agree on top-1. */
  boxIoU: { min: number; median: number; share09: number };
  disagreements: string[];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function analyzeAll(embedder: Embedder, views: Array<{ bytes: Uint8Array }>): Promise<ImageAnalysis[]> {
  return embedder.analyze(
    views.map((v) => v.bytes),
    { topK: 5 },
  );
}

export function compare(names: string[], fp32: ImageAnalysis[], int8: ImageAnalysis[]): GateResults {
  let top1 = 0;
  let top5 = 0;
  const cosines: number[] = [];
  const ious: number[] = [];
  const disagreements: string[] = [];
  for (let i = 0; i < names.length; i++) {
    const a = fp32[i]!;
    const b = int8[i]!;
    if (a.predictions[0]!.classId === b.predictions[0]!.classId) {
      top1++;
      const boxA = a.boxes.find((x) => x.classId === a.predictions[0]!.classId);
      const boxB = b.boxes.find((x) => x.classId === b.predictions[0]!.classId);
      if (boxA && boxB) ious.push(intersectionOverUnion(boxA, boxB));
    } else disagreements.push(`${names[i]}: ${a.predictions[0]!.label} (fp32) vs ${b.predictions[0]!.label} (int8)`);
    const setA = new Set(a.predictions.slice(0, 5).map((p) => p.classId));
    top5 += b.predictions.slice(0, 5).filter((p) => setA.has(p.classId)).length / 5;
    cosines.push(cosine(a.vector, b.vector));
  }
  return {
    images: names.length,
    top1Agreement: top1 / names.length,
    top5Overlap: top5 / names.length,
    vectorCosine: { min: Math.min(...cosines), median: median(cosines) },
    boxIoU: {
      min: Math.min(...ious),
      median: median(ious),
      share09: ious.filter((x) => x >= 0.9).length / ious.length,
    },
    disagreements,
  };
}
