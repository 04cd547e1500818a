// The pasted-object queries shared by §2c (search by object) and §2d (how an object's vector is made): the committed
// photos (tests/fixtures/photos) are the catalog; each hand-labelled object (boxes.json: labelled by hand, not by the
// detector) of at least 2% of its photo is cut out and pasted, at a random size and place, into another photo of the
// catalog; the composite is the query, and the query object is the detected object that covers the paste.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { intersectionOverUnion, type Rect } from '@loupe/embedding';
import { REPO_ROOT, rng, type Mode } from './common.ts';

export const PHOTOS = join(REPO_ROOT, 'tests', 'fixtures', 'photos');
/** The catalog: the committed photos, by name. */
export const catalogPhotos = (): string[] => readdirSync(PHOTOS).filter((f) => f.endsWith('.jpg')).sort();

export const PASTE_SETTINGS = { minObjectShare: 0.02, pastedWidth: '30–50% of the background', coveringIou: 0.3, seed: 16 } as const;
/** Pastes per hand-labelled object (each into another background photo). */
export const pastesPerObject = (mode: Mode): number => (mode === 'full' ? 3 : 2);

export interface PastedQuery {
  /** The photo the object was cut from: the item a search should find. */
  source: string;
  label: string;
  background: string;
  /** The background with the cut pasted in, JPEG q90. */
  composite: Buffer;
  /** Where the cut landed, in the composite's pixels. */
  pasted: Rect;
}

/** What every section records of a query: which paste, whether whole-image search found it, whether an object covers it. */
export interface PastedQueryOutcome extends Pick<PastedQuery, 'source' | 'label' | 'background'> {
  wholeTop1: boolean;
  objectFound: boolean;
}

/** The queries, in a fixed order from the seed: the same pastes for every section that uses them. */
export async function* pastedQueries(mode: Mode): AsyncGenerator<PastedQuery> {
  const random = rng(PASTE_SETTINGS.seed);
  const photos = catalogPhotos();
  const hand = JSON.parse(readFileSync(join(PHOTOS, 'boxes.json'), 'utf8')) as Record<string, Array<Rect & { label: string }>>;
  for (const [source, boxes] of Object.entries(hand)) {
    const meta = await sharp(join(PHOTOS, source)).metadata();
    for (const box of boxes) {
      if (((box.x1 - box.x0) * (box.y1 - box.y0)) / (meta.width! * meta.height!) < PASTE_SETTINGS.minObjectShare) continue;
      for (let n = 0; n < pastesPerObject(mode); n++) {
        const others = photos.filter((p) => p !== source);
        const background = others[Math.floor(random() * others.length)]!;
        const bg = await sharp(join(PHOTOS, background)).metadata();
        // The cut, scaled to 30–50% of the background's width (and at most 80% of its height), at a random place.
        const aspect = (box.y1 - box.y0) / (box.x1 - box.x0);
        let w = Math.round(bg.width! * (0.3 + 0.2 * random()));
        if (w * aspect > bg.height! * 0.8) w = Math.round((bg.height! * 0.8) / aspect);
        const h = Math.max(8, Math.round(w * aspect));
        const cut = await sharp(join(PHOTOS, source))
          .extract({ left: Math.round(box.x0), top: Math.round(box.y0), width: Math.round(box.x1 - box.x0), height: Math.round(box.y1 - box.y0) })
          .resize(w, h, { fit: 'fill' })
          .toBuffer();
        const left = Math.floor(random() * (bg.width! - w));
        const top = Math.floor(random() * (bg.height! - h));
        const composite = await sharp(join(PHOTOS, background)).composite([{ input: cut, left, top }]).jpeg({ quality: 90 }).toBuffer();
        yield { source, label: box.label, background, composite, pasted: { x0: left, y0: top, x1: left + w, y1: top + h } };
      }
    }
  }
}

/** The object that covers the paste best (IoU ≥ 0.3), if any. */
export function coveringObject<T>(objects: readonly T[], boxOf: (o: T) => Rect, pasted: Rect): T | undefined {
  return objects
    .map((o) => ({ o, iou: intersectionOverUnion(boxOf(o), pasted) }))
    .filter((x) => x.iou >= PASTE_SETTINGS.coveringIou)
    .sort((a, b) => b.iou - a.iou)[0]?.o;
}
