// 2d. How an object's vector is made (issues #16 item 5, #17 item 3), on §2c's pasted-object queries (the same seed,
// the same pastes). Each photo of the catalog and each composite is detected once (CenterNet + the fused crop pass,
// as ingest does); then every detected object gets one vector per variant, made the same way for the catalog's objects
// and for the query objects:
//   crop          the crop's own forward pass (today's: the detector's fused pass over all crops, GeM, L2);
//   map7-*        the whole photo's own 7×7 feature map (the pass ingest already runs), GeM-pooled inside the box:
//                 `overlap` weights each cell by the share of it the box covers, `centre` takes the cells whose centre
//                 is in the box (at least the one under the box's centre); no second pass;
//   map14-*       the same on a 14×14 map from a 448×448 pass of the whole photo (a pass ingest does not run);
//   masked-crop   the crop pass with the pixels outside the object's mask (@loupe/segmentation: CAM + GrabCut) set to
//                 ImageNet's mean colour.
// Search is exact, in memory: the query object (the detected object covering the paste, IoU ≥ 0.3) against every
// catalog object, each item scored by its best object; recall@1 of the source item per variant, next to the same
// run's whole-image search. Cost: the milliseconds per photo each variant's vectors take on top of detection and the
// whole-image pass (which ingest runs anyway).
//   npm run bench -- --quick|--full --only object-vectors
import { join } from 'node:path';
import { createDetector, type CropClassifier } from '@loupe/detection';
import { createEmbedder, decodeRGB, GEM_P, type FeatureMap, type ImageInput, type RawImage, type Rect } from '@loupe/embedding';
import { createSegmenter, type ObjectMask } from '@loupe/segmentation';
import { log, median, modeFromArgs, round, spread, writeResult } from './common.ts';
import { catalogPhotos, coveringObject, PASTE_SETTINGS, pastedQueries, pastesPerObject, PHOTOS, type PastedQueryOutcome } from './pastes.ts';

const started = performance.now();
const mode = modeFromArgs();

const VARIANTS = ['crop', 'map7-overlap', 'map7-centre', 'map14-overlap', 'map14-centre', 'masked-crop'] as const;
type Variant = (typeof VARIANTS)[number];
/** What each variant's vectors cost: the work timed for it (besides detection and the whole-image pass). */
const COSTS = ['cropPass', 'pool7', 'pass448AndPool14', 'segmentation', 'maskedCropPass'] as const;
type Cost = (typeof COSTS)[number];
/** ImageNet's mean colour (RGB, 0–255): what the masked crop shows outside the object. */
const MEAN_RGB = [124, 116, 104] as const;
/** The larger input of the map14 variants (a 14×14 map). */
const FINE_INPUT = 448;

const embedder = await createEmbedder({ device: 'cpu' });
// The detector's crop pass (fusion's labels and, with `vectors`, the crop vectors) through a timed classifier.
let cropPassMs = 0;
const timedClassifier: CropClassifier = {
  classify: (images, options) => embedder.classify(images, options),
  async classifyAndEmbed(images, options) {
    const t0 = performance.now();
    try {
      return await embedder.classifyAndEmbed(images, options);
    } finally {
      cropPassMs += performance.now() - t0;
    }
  },
};
const detector = await createDetector({ device: 'cpu', classifier: timedClassifier });
const segmenter = createSegmenter({ embedder });

/**
 * GeM (p = GEM_P, as the embedder pools) of the feature-map cells under `box`, L2-normalised. `overlap`: each cell
 * weighted by the share of it inside the box; `centre`: the cells whose centre is inside (else the one under the
 * box's centre).
 */
function poolInBox(map: FeatureMap, box: Rect, weighting: 'overlap' | 'centre'): Float32Array {
  const { region } = map;
  const cw = (region.x1 - region.x0) / map.width;
  const ch = (region.y1 - region.y0) / map.height;
  const weights = new Float32Array(map.width * map.height);
  for (let r = 0; r < map.height; r++)
    for (let c = 0; c < map.width; c++) {
      const x0 = region.x0 + c * cw;
      const y0 = region.y0 + r * ch;
      if (weighting === 'overlap') {
        const ox = Math.max(0, Math.min(box.x1, x0 + cw) - Math.max(box.x0, x0));
        const oy = Math.max(0, Math.min(box.y1, y0 + ch) - Math.max(box.y0, y0));
        weights[r * map.width + c] = (ox * oy) / (cw * ch);
      } else {
        const cx = x0 + cw / 2;
        const cy = y0 + ch / 2;
        weights[r * map.width + c] = cx >= box.x0 && cx < box.x1 && cy >= box.y0 && cy < box.y1 ? 1 : 0;
      }
    }
  if (weights.every((w) => w === 0)) {
    const c = Math.min(map.width - 1, Math.max(0, Math.floor(((box.x0 + box.x1) / 2 - region.x0) / cw)));
    const r = Math.min(map.height - 1, Math.max(0, Math.floor(((box.y0 + box.y1) / 2 - region.y0) / ch)));
    weights[r * map.width + c] = 1;
  }
  const total = weights.reduce((a, w) => a + w, 0);
  const hw = map.width * map.height;
  const out = new Float32Array(map.channels);
  let norm = 0;
  for (let k = 0; k < map.channels; k++) {
    let sum = 0;
    for (let i = 0; i < hw; i++) if (weights[i]! > 0) sum += weights[i]! * Math.max(0, map.data[k * hw + i]!) ** GEM_P;
    out[k] = (sum / total) ** (1 / GEM_P);
    norm += out[k]! * out[k]!;
  }
  norm = Math.sqrt(norm);
  for (let k = 0; k < out.length; k++) out[k] = norm > 0 ? out[k]! / norm : 0;
  return out;
}

/** The object's box cut out of the photo, with every pixel outside its mask set to ImageNet's mean colour. */
function maskedCrop(image: RawImage, { box, mask }: ObjectMask): RawImage {
  const w = box.x1 - box.x0;
  const h = box.y1 - box.y0;
  const { channels } = image;
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const at = (y * w + x) * 3;
      const from = ((box.y0 + y) * image.width + box.x0 + x) * channels;
      for (let k = 0; k < 3; k++) data[at + k] = mask.data[y * w + x] ? image.data[from + k]! : MEAN_RGB[k]!;
    }
  return { data, width: w, height: h, channels: 3 };
}

interface Analysed {
  whole: Float32Array;
  objects: Array<{ box: Rect; label: string; vectors: Record<Variant, Float32Array> }>;
  ms: Record<Cost | 'detect' | 'wholePass', number>;
}

/** One photo's whole-image vector and its detected objects with every variant's vector, each step timed. */
async function analyse(input: ImageInput): Promise<Analysed> {
  const { rgb } = await decodeRGB(input);
  let t0 = performance.now();
  cropPassMs = 0;
  const detected = (await detector.detect(rgb, { vectors: true })).objects.filter((o) => o.vector);
  const detect = performance.now() - t0;
  const cropPass = cropPassMs;

  t0 = performance.now();
  const [whole] = await embedder.analyze([rgb], { featureMap: true, topK: 1 });
  const wholePass = performance.now() - t0;

  t0 = performance.now();
  const map7 = detected.map((o) => ({ overlap: poolInBox(whole!.featureMap!, o.box, 'overlap'), centre: poolInBox(whole!.featureMap!, o.box, 'centre') }));
  const pool7 = performance.now() - t0;

  t0 = performance.now();
  const [fine] = await embedder.featureMaps([rgb], { inputSize: FINE_INPUT, topK: 1 });
  const map14 = detected.map((o) => ({ overlap: poolInBox(fine!.featureMap, o.box, 'overlap'), centre: poolInBox(fine!.featureMap, o.box, 'centre') }));
  const pass448AndPool14 = performance.now() - t0;

  t0 = performance.now();
  const { masks } = detected.length ? await segmenter.segment(rgb, detected.map((o) => o.box)) : { masks: [] };
  const segmentation = performance.now() - t0;
  t0 = performance.now();
  const masked = detected.length ? await embedder.embed(masks.map((m) => maskedCrop(rgb, m))) : [];
  const maskedCropPass = performance.now() - t0;

  return {
    whole: whole!.vector,
    objects: detected.map((o, i) => ({
      box: o.box,
      label: o.label,
      vectors: {
        crop: o.vector!,
        'map7-overlap': map7[i]!.overlap,
        'map7-centre': map7[i]!.centre,
        'map14-overlap': map14[i]!.overlap,
        'map14-centre': map14[i]!.centre,
        'masked-crop': masked[i]!,
      },
    })),
    ms: { detect, cropPass, wholePass, pool7, pass448AndPool14, segmentation, maskedCropPass },
  };
}

const dot = (a: Float32Array, b: Float32Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};
/**
 * Exact search (cosine: the vectors are unit length), each catalog item scored by its best vector: whether `source`
 * comes first, and its margin (its score minus the best other item's; negative when another item wins).
 */
function searchFor(query: Float32Array, catalog: Array<{ item: string; vectors: Float32Array[] }>, source: string): { top1: boolean; margin: number } {
  // A source item with no vector of this kind (no object detected in it) scores −1: it cannot be found.
  let own = -1;
  let other = -1;
  for (const { item, vectors } of catalog) {
    const score = Math.max(...vectors.map((v) => dot(query, v)));
    if (item === source) own = score;
    else other = Math.max(other, score);
  }
  return { top1: own > other, margin: own - other };
}

// The catalog, then the queries (warm-up first: the first pass of each kind pays for session start-up).
const photos = catalogPhotos();
await analyse(join(PHOTOS, photos[0]!));
const timings: Analysed['ms'][] = [];
const catalog = new Map<string, Analysed>();
for (const p of photos) {
  const a = await analyse(join(PHOTOS, p));
  catalog.set(p, a);
  timings.push(a.ms);
  log(`${p}: ${a.objects.length} objects, detect ${round(a.ms.detect)} ms (crop pass ${round(a.ms.cropPass)}), segmentation ${round(a.ms.segmentation)} ms`);
}
const catalogOf = (variant: Variant | 'whole') =>
  [...catalog].map(([item, a]) => ({ item, vectors: variant === 'whole' ? [a.whole] : a.objects.map((o) => o.vectors[variant]) })).filter((c) => c.vectors.length > 0);
const catalogs = Object.fromEntries([...VARIANTS, 'whole' as const].map((v) => [v, catalogOf(v)])) as Record<Variant | 'whole', ReturnType<typeof catalogOf>>;

interface Query extends PastedQueryOutcome {
  top1: Record<Variant, boolean>;
  /** Only when an object covers the paste. */
  margin: Partial<Record<Variant, number>>;
}
const queries: Query[] = [];
for await (const { source, label, background, composite, pasted } of pastedQueries(mode)) {
  const a = await analyse(composite);
  timings.push(a.ms);
  const covering = coveringObject(a.objects, (o) => o.box, pasted);
  const found = covering ? VARIANTS.map((v) => [v, searchFor(covering.vectors[v], catalogs[v], source)] as const) : [];
  queries.push({
    source,
    label,
    background,
    wholeTop1: searchFor(a.whole, catalogs.whole, source).top1,
    objectFound: covering !== undefined,
    top1: Object.fromEntries(VARIANTS.map((v) => [v, found.some(([w, r]) => w === v && r.top1)])) as Record<Variant, boolean>,
    margin: Object.fromEntries(found.map(([v, r]) => [v, r.margin])),
  });
  log(`${label} from ${source} on ${background}: ${covering ? VARIANTS.map((v) => `${v} ${queries.at(-1)!.top1[v] ? '✓' : '✗'}`).join(' ') : 'no object over the paste'}`);
}
await detector.dispose();
await embedder.dispose();

const share = (f: (q: Query) => boolean) => round(queries.filter(f).length / queries.length, 3);
const ms = (key: keyof Analysed['ms']) => spread(timings.map((t) => t[key]), 1);
const costOf: Record<Variant, Cost[]> = {
  crop: ['cropPass'],
  'map7-overlap': ['pool7'],
  'map7-centre': ['pool7'],
  'map14-overlap': ['pass448AndPool14'],
  'map14-centre': ['pass448AndPool14'],
  'masked-crop': ['segmentation', 'maskedCropPass'],
};
const results = {
  catalogPhotos: photos.length,
  catalogObjects: [...catalog.values()].reduce((n, a) => n + a.objects.length, 0),
  queries: queries.length,
  pastedObjectDetected: share((q) => q.objectFound),
  recallAt1: { wholeImage: share((q) => q.wholeTop1), ...Object.fromEntries(VARIANTS.map((v) => [v, share((q) => q.top1[v])])) } as Record<Variant | 'wholeImage', number>,
  /** Over the queries with an object over the paste: recall@1, and the median margin of the source item's score. */
  givenDetected: Object.fromEntries(
    VARIANTS.map((v) => {
      const found = queries.filter((q) => q.objectFound);
      return [v, { queries: found.length, recallAt1: round(found.filter((q) => q.top1[v]).length / found.length, 3), medianMargin: round(median(found.map((q) => q.margin[v]!)), 4) }];
    }),
  ) as Record<Variant, { queries: number; recallAt1: number; medianMargin: number }>,
  /** Milliseconds per photo (catalog photos and composites) of each step. */
  msPerPhoto: Object.fromEntries((['detect', 'wholePass', ...COSTS] as const).map((k) => [k, ms(k)])) as Record<keyof Analysed['ms'], ReturnType<typeof spread>>,
  /** Median over photos of the summed steps each variant's vectors need beyond detection and the whole-image pass. */
  variantMsPerPhoto: Object.fromEntries(VARIANTS.map((v) => [v, round(median(timings.map((t) => costOf[v].reduce((s, k) => s + t[k], 0))), 1)])) as Record<Variant, number>,
  perLabel: [...new Set(queries.map((q) => q.label))].sort().map((label) => {
    const mine = queries.filter((q) => q.label === label);
    return {
      label,
      queries: mine.length,
      detected: mine.filter((q) => q.objectFound).length,
      wholeImage: mine.filter((q) => q.wholeTop1).length,
      ...Object.fromEntries(VARIANTS.map((v) => [v, mine.filter((q) => q.top1[v]).length])),
    } as { label: string; queries: number; detected: number; wholeImage: number } & Record<Variant, number>;
  }),
};
log(`recall@1: ${Object.entries(results.recallAt1).map(([k, v]) => `${k} ${v}`).join(', ')} on ${queries.length} pasted objects`);
log(`ms per photo (median): ${VARIANTS.map((v) => `${v} ${results.variantMsPerPhoto[v]}`).join(', ')}`);
writeResult(mode, 'object-vectors', {
  settings: { pastesPerObject: pastesPerObject(mode), ...PASTE_SETTINGS, variants: VARIANTS, gemP: GEM_P, fineInput: FINE_INPUT, maskFill: MEAN_RGB, device: 'cpu' },
  wallSeconds: round((performance.now() - started) / 1000, 1),
  results,
});
