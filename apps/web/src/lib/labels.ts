// How sure an ImageNet class must be to be shown as a fact. ImageNet-1k has no "horse" or "giraffe": on photos of
// things it lacks, its top class is a neighbour ("Arabian camel", "ostrich"). `npm run label-confidence -w @loupe/web`
// measures it (the app's README has the table): below 0.65 the top-1 class was right for 2 of 13 photos (fixtures and
// a held-out set together), at or above it for 10 of 15. Such classes read "looks like …". A small sample: a rough
// cut, and no threshold catches a confident mistake on a subject ImageNet has no class for (a brick wall → "maze" 0.97).
export const IMAGENET_CONFIDENT = 0.65;

/** A class as people should read it: plain when the model is sure, "looks like …" when it is not. */
export const classText = (label: string, score: number, confident = IMAGENET_CONFIDENT) =>
  score >= confident ? label : `looks like ${label}`;

/**
 * What a result card says the item shows: its top ImageNet class when the model is sure of it ("fox squirrel": COCO
 * has no squirrel, and the detector calls it a bird); otherwise its detected objects' COCO labels (a "horse", where
 * ImageNet, which has no horse, guesses "Arabian camel"); otherwise the guess, read "looks like …".
 */
export function resultCaption(r: { topClass: string | null; topClassScore: number | null; objectLabels: string[] }): string | null {
  if (r.topClass && (r.topClassScore ?? 0) >= IMAGENET_CONFIDENT) return r.topClass;
  if (r.objectLabels.length > 0) return r.objectLabels.slice(0, 3).join(' · ');
  return r.topClass ? classText(r.topClass, r.topClassScore ?? 0) : null;
}
