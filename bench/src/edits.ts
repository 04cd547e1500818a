// The near-duplicate edits: what people do to a photo before it reaches a search box again. Used by the
// near-duplicate and the relevance benchmarks.
import { readFileSync } from 'node:fs';
import sharp, { type Sharp } from 'sharp';

export interface Edit {
  name: string;
  description: string;
  apply: (img: Sharp, meta: { width: number; height: number }) => Sharp;
}
const WHITE = { r: 255, g: 255, b: 255 };
const region = (m: { width: number; height: number }, fx: number, fy: number, fw: number, fh: number) => ({
  left: Math.round(m.width * fx),
  top: Math.round(m.height * fy),
  width: Math.round(m.width * fw),
  height: Math.round(m.height * fh),
});
export const EDITS: Edit[] = [
  { name: 'crop-80-centre', description: 'central 80% × 80% crop', apply: (i, m) => i.extract(region(m, 0.1, 0.1, 0.8, 0.8)) },
  { name: 'crop-60-corner', description: 'top-left 60% × 60% crop', apply: (i, m) => i.extract(region(m, 0, 0, 0.6, 0.6)) },
  { name: 'rotate-10', description: 'rotated 10°, white corners', apply: (i) => i.rotate(10, { background: WHITE }) },
  { name: 'rotate-90', description: 'rotated 90°', apply: (i) => i.rotate(90) },
  { name: 'mirror', description: 'mirrored left–right', apply: (i) => i.flop() },
  { name: 'brighter', description: 'brightness × 1.5', apply: (i) => i.modulate({ brightness: 1.5 }) },
  { name: 'darker', description: 'brightness × 0.5', apply: (i) => i.modulate({ brightness: 0.5 }) },
  { name: 'jpeg-q10', description: 'JPEG quality 10', apply: (i) => i.jpeg({ quality: 10 }) },
  { name: 'webp-q5', description: 'WebP quality 5', apply: (i) => i.webp({ quality: 5 }) },
  { name: 'resize-96', description: 'downscaled to 96 px wide', apply: (i) => i.resize({ width: 96 }) },
  {
    name: 'combined',
    description: '85% crop + mirror + brightness × 1.2 + JPEG quality 30',
    apply: (i, m) => i.extract(region(m, 0.05, 0.1, 0.85, 0.85)).flop().modulate({ brightness: 1.2 }).jpeg({ quality: 30 }),
  },
];

export async function edited(file: string, edit: Edit): Promise<Uint8Array> {
  const bytes = readFileSync(file);
  const meta = await sharp(bytes).metadata();
  let img = edit.apply(sharp(bytes), { width: meta.width!, height: meta.height! });
  // edits that do not encode themselves are written as high-quality JPEG (as a user would save them)
  if (!/jpeg|webp/.test(edit.name) && edit.name !== 'combined') img = img.jpeg({ quality: 92 });
  return new Uint8Array(await img.toBuffer());
}

