// The detect use case: every object in one image (CenterNet), labels fused with the shared ResNet-50 on each crop, and
// on request each object's mask (COCO RLE over the whole photo). The detector and the segmenter are created on first
// use and share the facade's embedder, so a server holds one backbone.
import {
  createDetector,
  detectorBoxes,
  type ClassBoxSource,
  type DetectedObject,
  type Detection,
  type DetectOptions as DetectorDetectOptions,
  type Detector,
} from '@loupe/detection';
import type { Box, Device, Embedder, ImageInput } from '@loupe/embedding';
import { createSegmenter, encodePlaced, type Rle, type Segmenter } from '@loupe/segmentation';
import type { ObjectsAnalysis } from '@loupe/db';
import { sourceOf } from './image-input.ts';
import type { Logger } from './types.ts';

export interface DetectOptions extends DetectorDetectOptions {
  /** Also outline each object: `mask` is COCO uncompressed RLE over the whole image (column-major, zeros first). */
  masks?: boolean;
}

export interface DetectedObjectView extends DetectedObject {
  /** With `masks`: the object's pixels, `size` [height, width] of the whole image; inside the object's box. */
  mask?: Rle;
}

export interface DetectResult extends Detection {
  objects: DetectedObjectView[];
}

export interface Detect {
  detect(image: ImageInput, options?: DetectOptions): Promise<DetectResult>;
  close(): Promise<void>;
}

export function createDetect(deps: {
  embedder: () => Promise<Embedder>;
  device?: Device;
  threads?: number;
  maxPixels?: number;
  modelDir?: string;
  /** false: a detector without the crop classifier (CenterNet's own labels), so only masks load the embedder. */
  fusion?: boolean;
  logger?: Logger;
}): Detect {
  let detector: Promise<Detector> | undefined;
  let segmenter: Promise<Segmenter> | undefined;
  const getDetector = () => {
    detector ??= (deps.fusion === false ? Promise.resolve(undefined) : deps.embedder()).then((classifier) =>
      createDetector({ device: deps.device ?? 'auto', threads: deps.threads, maxPixels: deps.maxPixels, modelDir: deps.modelDir, classifier, logger: deps.logger }),
    );
    detector.catch(() => (detector = undefined));
    return detector;
  };
  const getSegmenter = () => {
    segmenter ??= deps.embedder().then((embedder) => createSegmenter({ embedder, maxPixels: deps.maxPixels, logger: deps.logger }));
    segmenter.catch(() => (segmenter = undefined));
    return segmenter;
  };
  return {
    async detect(image, options = {}) {
      const { masks, ...detectOptions } = options;
      const found = await (await getDetector()).detect(image, detectOptions);
      if (!masks || found.objects.length === 0) return found;
      // The segmenter decodes the image again: simpler than sharing pixels, and small next to its forward pass.
      const { masks: outlined } = await (await getSegmenter()).segment(sourceOf(image), found.objects.map((o) => o.box));
      return { ...found, objects: found.objects.map((o, i) => ({ ...o, mask: encodePlaced(outlined[i]!.mask, found.height, found.width) })) };
    },
    async close() {
      // The segmenter holds nothing of its own (the embedder is the facade's); only the detector has a session to end.
      segmenter = undefined;
      await (await detector?.catch(() => undefined))?.dispose();
    },
  };
}

/**
 * An image's objects with their vectors, as the store keeps them (objects too small to embed are left out), and as
 * the detector gave them.
 */
export async function objectsToStore(
  detection: Detect,
  image: ImageInput,
  modelId: string,
  options: { masks?: boolean } = {},
): Promise<{ stored: ObjectsAnalysis; detected: DetectedObject[] }> {
  const found = await detection.detect(image, { vectors: true, masks: options.masks ?? false });
  return {
    stored: {
      modelId,
      objects: found.objects.flatMap((o) => (o.vector ? [{ ...o.box, classId: o.classId, label: o.label, score: o.score, ...(o.mask ? { mask: o.mask } : {}), vector: o.vector }] : [])),
    },
    detected: found.objects,
  };
}

/** An analysis whose class boxes say where each comes from. */
export type ObjectBoxes<T extends { boxes: Box[] }> = Omit<T, 'boxes'> & { boxes: Array<Box & { source: ClassBoxSource }> };

/**
 * An image's class boxes from its detected objects: a class the detector found as a COCO object (a dog breed → its
 * dog) gets that object's box, which hugs it better than the activation map's blob; other classes keep their CAM box.
 */
export async function withObjectBoxes<T extends { boxes: Box[] }>(detection: Detect, image: ImageInput, analysis: T): Promise<ObjectBoxes<T>> {
  const found = await detection.detect(image);
  return { ...analysis, boxes: detectorBoxes(analysis.boxes, found.objects) };
}
