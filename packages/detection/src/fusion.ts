// Fusion: ResNet-50 classifies each detected box's crop (one classify call for all crops of an image) and arbitrates
// among the classes CenterNet itself proposed for that place: the proposed class on which the crop puts the most
// probability (summed over that class's ImageNet classes), when that mass is confident, replaces CenterNet's label
// and score. CenterNet finds objects well but confuses close classes (a cat called a dog, with "cat" its own runner-up);
// ImageNet's 1000 fine classes separate those, and its 118 dog breeds sum to "dog". Choosing only among CenterNet's
// proposals keeps a box from taking the class of something else inside it (a bicycle box holding a dog, a giraffe
// box holding a zebra, ImageNet having no giraffe) — measured: letting the crop pick any class made those errors.
import { intersectionOverUnion, InvalidInputError, type DecodedRGB, type Prediction } from '@loupe/embedding';
import { COCO_LABELS, type CocoLabel } from './coco.ts';
import { imagenetToCocoMap } from './imagenet-to-coco.ts';
import type { CropClassifier, DetectedObject } from './types.ts';

export const FUSION_DEFAULTS = {
  /** The crop is "confident" when its probability mass on one COCO class (summed over its ImageNet classes) reaches this. */
  minCropScore: 0.5,
  /** ImageNet classes per crop summed into COCO classes: the rest of the mass is negligible. */
  topK: 20,
  /** With fusion the detector's candidates go down to this score, so that a crop can confirm an object CenterNet barely saw. */
  candidateMinScore: 0.15,
  /** CenterNet's rows at least this score, overlapping a box by IoU ≥ `sameBoxIou`, are the classes proposed for it. */
  proposalMinScore: 0.1,
  sameBoxIou: 0.7,
} as const;

const IMAGENET_TO_COCO = imagenetToCocoMap();

/**
 * The COCO class a crop's ImageNet predictions put the most probability on (summed over the ImageNet classes that
 * map to it), and that mass; only among `allowed` classes when given.
 */
export function cocoFromImagenet(
  predictions: Array<{ classId: number; score: number }>,
  allowed?: ReadonlySet<CocoLabel>,
): { label: CocoLabel; mass: number } | undefined {
  const mass = new Map<CocoLabel, number>();
  for (const p of predictions) {
    const label = IMAGENET_TO_COCO.get(p.classId);
    if (label && (!allowed || allowed.has(label))) mass.set(label, (mass.get(label) ?? 0) + p.score);
  }
  let best: { label: CocoLabel; mass: number } | undefined;
  for (const [label, m] of mass) if (!best || m > best.mass) best = { label, mass: m };
  return best;
}

function withVectors(classifier: CropClassifier): NonNullable<CropClassifier['classifyAndEmbed']> {
  if (!classifier.classifyAndEmbed) throw new InvalidInputError('object vectors need a crop classifier that also embeds (classifyAndEmbed)');
  return classifier.classifyAndEmbed.bind(classifier);
}

/**
 * Relabels `objects` in place of CenterNet's where their crop is confident; every object gets its crop's `imagenet`
 * (and, with `vectors`, its crop's vector from the same pass).
 */
export async function fuseObjects(
  objects: DetectedObject[],
  proposals: DetectedObject[],
  image: DecodedRGB,
  classifier: CropClassifier,
  options: { minCropScore?: number; vectors?: boolean; relabel?: boolean } = {},
): Promise<DetectedObject[]> {
  const minCropScore = options.minCropScore ?? FUSION_DEFAULTS.minCropScore;
  const { rgb, region } = image;
  // Crops smaller than the embedder accepts (4 px) keep CenterNet's label.
  const croppable = objects.filter((o) => o.box.x1 - o.box.x0 >= 4 && o.box.y1 - o.box.y0 >= 4);
  if (croppable.length === 0) return objects;
  const crops = croppable.map((o) => ({
    source: rgb,
    region: { x0: o.box.x0 - region.x0, y0: o.box.y0 - region.y0, x1: o.box.x1 - region.x0, y1: o.box.y1 - region.y0 },
  }));
  const results: Array<{ predictions: Prediction[]; vector?: Float32Array }> = options.vectors
    ? await withVectors(classifier)(crops, { topK: FUSION_DEFAULTS.topK })
    : await classifier.classify(crops, { topK: FUSION_DEFAULTS.topK });
  const fused = new Map<DetectedObject, DetectedObject>();
  croppable.forEach((o, i) => {
    const { predictions, vector } = results[i]!;
    const top = predictions[0];
    const next: DetectedObject = { ...o, ...(top ? { imagenet: { label: top.label, score: top.score } } : {}), ...(vector ? { vector } : {}) };
    const proposed = new Set(
      proposals
        .filter((p) => p.score >= FUSION_DEFAULTS.proposalMinScore && intersectionOverUnion(p.box, o.box) >= FUSION_DEFAULTS.sameBoxIou)
        .map((p) => p.label),
    );
    proposed.add(o.label);
    const coco = cocoFromImagenet(predictions, proposed);
    if (options.relabel !== false && coco && coco.mass >= minCropScore) {
      next.label = coco.label;
      next.classId = COCO_LABELS.indexOf(coco.label);
      next.score = Math.min(1, coco.mass);
      next.source = 'fused';
    }
    fused.set(o, next);
  });
  return objects.map((o) => fused.get(o) ?? o);
}
