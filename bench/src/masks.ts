// Mask quality with exact ground truth: objects cut from photos on plain backgrounds (bench/datasets/mask-objects.ts)
// pasted at random positions and scales onto other real photos, so the true mask is known to the pixel. Each method
// gets the pasted object's tight box (what a perfect detector would give) and returns a mask inside it; we report mean
// mask IoU per class for the filled box (the baseline), the thresholded CAM alone, and CAM seeds + GrabCut, and
// milliseconds per object. Objects and background photos are split into a tuning set (used to pick the settings) and
// a held-out set (never looked at while tuning); both are reported.
//
//   npm run bench -- --full --only masks
//   tsx src/masks.ts --quick [--background-below 0,0.1,0.2] [--sure-threshold 0.85] [--cam-threshold 0.3] [--work-side 160]
//   (a list of --background-below values runs one GrabCut variant each: the tuning sweep)
import sharp from 'sharp';
import { fileURLToPath } from 'node:url';
import { createEmbedder, type Embedder, type FeatureMapResult } from '@loupe/embedding';
import { createSegmenter, maskIoU, type MaskMethod, type SegmenterOptions } from '@loupe/segmentation';
import { loadMaskedObjects, type MaskedObject } from '../datasets/mask-objects.ts';
import { log, mean, median, modeFromArgs, parseFlag, rng, round, writeResult } from './common.ts';

const PHOTOS = fileURLToPath(new URL('../../tests/fixtures/photos/', import.meta.url));
/** Backgrounds: other real photos. Tuning and held-out scenes never share one. */
const BACKGROUNDS = {
  tuning: ['palace.jpg', 'beach-kites.jpg', 'rocket.jpg', 'espresso.jpg'],
  heldout: ['squirrel.jpg', 'horses.jpg', 'giraffe-zebra.jpg', 'dog-bicycle-truck.jpg', 'cat.jpg'],
} as const;
/** Objects: odd-numbered sweets tune; the even ones and the apple are held out. */
const isTuning = (o: MaskedObject) => /^sweet-\d*[13579]$/.test(o.name);

interface Scene {
  set: 'tuning' | 'heldout';
  object: string;
  className: string;
  background: string;
  image: { data: Uint8Array; width: number; height: number; channels: 3 };
  truth: Uint8Array;
  box: { x0: number; y0: number; x1: number; y1: number };
}

async function makeScenes(objects: MaskedObject[], perObject: number, seed: number): Promise<Scene[]> {
  const random = rng(seed);
  const scenes: Scene[] = [];
  for (const object of objects) {
    const set = isTuning(object) ? 'tuning' : 'heldout';
    const backgrounds = BACKGROUNDS[set];
    for (let k = 0; k < perObject; k++) {
      const background = backgrounds[Math.floor(random() * backgrounds.length)]!;
      const { data: bg, info } = await sharp(PHOTOS + background).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      const { width, height } = info;
      // The object's long side: 20–60% of the photo's short side; anywhere it fits whole.
      const side = Math.round((0.2 + 0.4 * random()) * Math.min(width, height));
      const s = side / Math.max(object.rgb.width, object.rgb.height);
      const ow = Math.max(8, Math.round(object.rgb.width * s));
      const oh = Math.max(8, Math.round(object.rgb.height * s));
      const ox = Math.floor(random() * (width - ow));
      const oy = Math.floor(random() * (height - oh));
      const rgb = await sharp(Buffer.from(object.rgb.data), { raw: { width: object.rgb.width, height: object.rgb.height, channels: 3 } })
        .resize(ow, oh, { fit: 'fill', kernel: 'linear' })
        .raw()
        .toBuffer();
      const maskBytes = await sharp(Buffer.from(object.mask.map((v) => v * 255)), { raw: { width: object.rgb.width, height: object.rgb.height, channels: 1 } })
        .resize(ow, oh, { fit: 'fill', kernel: 'linear' })
        .extractChannel(0) // sharp's resize outputs 3 channels from a 1-channel raw input
        .raw()
        .toBuffer();
      if (maskBytes.length !== ow * oh) throw new Error(`resized mask has ${maskBytes.length} bytes, expected ${ow * oh}`);
      const image = new Uint8Array(bg);
      const truth = new Uint8Array(width * height);
      let x0 = width, y0 = height, x1 = 0, y1 = 0;
      for (let y = 0; y < oh; y++)
        for (let x = 0; x < ow; x++) {
          if (maskBytes[y * ow + x]! < 128) continue;
          const p = (oy + y) * width + ox + x;
          truth[p] = 1;
          image.set(rgb.subarray((y * ow + x) * 3, (y * ow + x) * 3 + 3), p * 3);
          x0 = Math.min(x0, ox + x); y0 = Math.min(y0, oy + y); x1 = Math.max(x1, ox + x + 1); y1 = Math.max(y1, oy + y + 1);
        }
      scenes.push({ set, object: object.name, className: object.className, background, image: { data: image, width, height, channels: 3 }, truth, box: { x0, y0, x1, y1 } });
    }
  }
  return scenes;
}

const argv = process.argv.slice(2);
const mode = modeFromArgs(argv);
const num = (flag: string) => (parseFlag(argv, flag) === undefined ? undefined : Number(parseFlag(argv, flag)));
const settings = {
  perObject: num('per-object') ?? (mode === 'full' ? 6 : 2),
  seed: 17,
  inputSize: num('input-size') ?? 448,
  workSide: num('work-side') ?? 160,
  iterations: num('iterations') ?? 4,
  backgroundBelow: (parseFlag(argv, 'background-below') ?? '0.2').split(',').map(Number),
  sureThreshold: num('sure-threshold') ?? 0.85,
  camThreshold: num('cam-threshold') ?? 0.3,
  threads: 1,
};
const t0 = performance.now();
const objects = await loadMaskedObjects();
const scenes = await makeScenes(objects, settings.perObject, settings.seed);
log(`${objects.length} objects × ${settings.perObject} placements = ${scenes.length} scenes (${scenes.filter((s) => s.set === 'tuning').length} tuning)`);
const embedder = await createEmbedder({ device: 'cpu', threads: settings.threads, batchSize: 1 });

// Variants: the baseline, the CAM alone, and GrabCut with each --background-below value.
const VARIANTS: Array<{ name: string; method: MaskMethod; options: Partial<SegmenterOptions> }> = [
  { name: 'box', method: 'box', options: {} },
  { name: 'cam', method: 'cam', options: {} },
  ...settings.backgroundBelow.map((b) => ({ name: settings.backgroundBelow.length > 1 ? `grabcut@${b}` : 'grabcut', method: 'grabcut' as const, options: { backgroundBelow: b } })),
];
const METHODS = VARIANTS.map((v) => v.name);
// In a sweep, each scene's forward pass is made once and shared by the variants (the first variant's time includes it).
const cache = new Map<string, FeatureMapResult[]>();
const sweeping = VARIANTS.length > 3;
const cachedEmbedder: Embedder = {
  ...embedder,
  async featureMaps(images, options) {
    const key = JSON.stringify((images[0] as { region?: unknown }).region) + String((images[0] as { source?: { data?: Uint8Array } }).source?.data?.length);
    if (sweeping && cache.has(key)) return cache.get(key)!;
    const result = await embedder.featureMaps(images, options);
    cache.set(key, result);
    return result;
  },
};

type Row = { set: string; className: string; method: string; iou: number; ms: number };
const rows: Row[] = [];
for (const variant of VARIANTS) {
  const method = variant.name;
  const segmenter = createSegmenter({ ...settings, embedder: cachedEmbedder, method: variant.method, ...variant.options, backgroundBelow: variant.options.backgroundBelow ?? settings.backgroundBelow[0] });
  await segmenter.segment(scenes[0]!.image, [scenes[0]!.box]); // warm-up: OpenCV's wasm compile, ORT's first run
  for (const scene of scenes) {
    const start = performance.now();
    const { masks } = await segmenter.segment(scene.image, [scene.box]);
    const ms = performance.now() - start;
    const m = masks[0]!.mask;
    const full = new Uint8Array(scene.image.width * scene.image.height);
    for (let y = 0; y < m.height; y++) full.set(m.data.subarray(y * m.width, (y + 1) * m.width), (y + m.y0) * scene.image.width + m.x0);
    const iou = maskIoU({ data: full, width: scene.image.width, height: scene.image.height }, { data: scene.truth, width: scene.image.width, height: scene.image.height });
    rows.push({ set: scene.set, className: scene.className, method, iou, ms });
  }
}
await embedder.dispose();

const summary: Array<Record<string, unknown>> = [];
for (const set of ['tuning', 'heldout']) {
  const classes = [...new Set(rows.filter((r) => r.set === set).map((r) => r.className))].sort();
  for (const className of [...classes, 'all']) {
    const entry: Record<string, unknown> = { set, className };
    for (const method of METHODS) {
      const sel = rows.filter((r) => r.set === set && r.method === method && (className === 'all' || r.className === className));
      entry[method] = { meanIoU: round(mean(sel.map((r) => r.iou)), 3), n: sel.length, medianMs: round(median(sel.map((r) => r.ms)), 1) };
    }
    summary.push(entry);
  }
}
log(`\nmean mask IoU (median ms per object)\nset      class   n   | ${METHODS.map((m) => m.padStart(16)).join(' | ')}`);
for (const e of summary) {
  const m = (k: string) => e[k] as { meanIoU: number; n: number; medianMs: number };
  log(`${String(e.set).padEnd(8)} ${String(e.className).padEnd(7)} ${String(m('box').n).padEnd(3)} | ${METHODS.map((k) => `${m(k).meanIoU.toFixed(3)} (${m(k).medianMs})`.padStart(16)).join(' | ')}`);
}
const path = writeResult(mode, 'masks', {
  settings: { ...settings, backgrounds: BACKGROUNDS, objects: objects.map((o) => ({ name: o.name, className: o.className, photo: o.photo, tuning: isTuning(o) })) },
  notes: ['IoU of each method\'s mask against the pasted object\'s exact mask, given the exact tight box; ms = median wall time of segment() for one object (decode of the raw scene, the crop\'s 448×448 forward pass on 1 thread, the refinement).'],
  wallSeconds: round((performance.now() - t0) / 1000, 1),
  results: { summary, rows: rows.map((r) => ({ ...r, iou: round(r.iou, 4), ms: round(r.ms, 1) })) },
});
log(`\nwrote ${path}`);
