// CenterNet's output rows → objects: score filter, per-class non-maximum suppression, scale back to original pixels.
import { intersectionOverUnion, type Rect } from '@loupe/embedding';
import { COCO_LABELS } from './coco.ts';
import type { DetectedObject } from './types.ts';

/**
 * Defaults. minScore 0.3: CenterNet's true objects score 0.42–0.67 and its false positives 0.2–0.3 on the darknet
 * photos (shared measurement), so 0.3 keeps the first and most of the second out; the benchmark reports AP, which no
 * threshold tunes, and recall at this value on a labelled and a held-out set.
 */
export const DETECT_DEFAULTS = { minScore: 0.3, maxObjects: 20, iouThreshold: 0.4 } as const;

/** Greedy NMS within each class: keeps the best box, drops its class's boxes overlapping it by more than `iou`. */
export function nonMaxSuppression<T extends { classId: number; score: number; box: Rect }>(objects: T[], iou: number): T[] {
  const sorted = [...objects].sort((a, b) => b.score - a.score);
  const kept: T[] = [];
  for (const o of sorted) if (!kept.some((k) => k.classId === o.classId && intersectionOverUnion(k.box, o.box) > iou)) kept.push(o);
  return kept;
}

/**
 * Rows of [x0, y0, x1, y1, score, class] in the network's `inputSize`² pixels → objects in the original image's
 * pixels (after NMS), and every row above `minScore` before NMS (`proposals`: the classes CenterNet considered for
 * each place, which fusion chooses among). The image was stretched to the square, so each axis scales on its own; `region` is the part of the image
 * the network saw. Boxes are clamped to it.
 */
export function decodeDetections(
  rows: Float32Array,
  inputSize: number,
  region: Rect,
  options: { minScore: number; iouThreshold: number },
): { objects: DetectedObject[]; proposals: DetectedObject[] } {
  const sx = (region.x1 - region.x0) / inputSize;
  const sy = (region.y1 - region.y0) / inputSize;
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
  const objects: DetectedObject[] = [];
  for (let i = 0; i + 6 <= rows.length; i += 6) {
    const score = rows[i + 4]!;
    const classId = rows[i + 5]!;
    if (!(score >= options.minScore) || !Number.isInteger(classId) || classId < 0 || classId >= COCO_LABELS.length) continue;
    const box = {
      x0: Math.round(clamp(region.x0 + rows[i]! * sx, region.x0, region.x1)),
      y0: Math.round(clamp(region.y0 + rows[i + 1]! * sy, region.y0, region.y1)),
      x1: Math.round(clamp(region.x0 + rows[i + 2]! * sx, region.x0, region.x1)),
      y1: Math.round(clamp(region.y0 + rows[i + 3]! * sy, region.y0, region.y1)),
    };
    if (box.x1 - box.x0 < 1 || box.y1 - box.y0 < 1) continue;
    objects.push({ label: COCO_LABELS[classId]!, classId, score, box, source: 'detector' });
  }
  return { objects: nonMaxSuppression(objects, options.iouThreshold), proposals: objects };
}
