// The classify box from the detector: when CenterNet (fused) found an object of the COCO class that the image's top
// ImageNet class is an instance of, that object's box is the class's box — a detector box is trained to hug the
// object, a CAM blob is not. Classes with no COCO counterpart (or not found) keep their CAM box.
import type { Rect } from '@loupe/embedding';
import { imagenetToCocoMap } from './imagenet-to-coco.ts';
import type { DetectedObject } from './types.ts';

const IMAGENET_TO_COCO = imagenetToCocoMap();

/** The best-scoring detected object that is ImageNet class `classId`, or undefined. */
export function objectForImagenetClass(classId: number, objects: DetectedObject[]): DetectedObject | undefined {
  const label = IMAGENET_TO_COCO.get(classId);
  if (!label) return undefined;
  return objects.filter((o) => o.label === label).sort((a, b) => b.score - a.score)[0];
}

/** Where a class's box comes from: its class activation map, or the detected object of that class. */
export type ClassBoxSource = 'cam' | 'detector';

/** Replaces the box of each CAM box's class with its detected object's box where there is one, saying which it is. */
export function detectorBoxes<T extends Rect & { classId: number }>(camBoxes: T[], objects: DetectedObject[]): Array<T & { source: ClassBoxSource }> {
  return camBoxes.map((b) => {
    const o = objectForImagenetClass(b.classId, objects);
    return o ? { ...b, x0: o.box.x0, y0: o.box.y0, x1: o.box.x1, y1: o.box.y1, source: 'detector' as const } : { ...b, source: 'cam' as const };
  });
}
