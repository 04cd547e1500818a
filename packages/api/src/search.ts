// Search (by image, item or vector; pages by cursor), classify, localize, embed.
import { z } from 'zod';
import { Box, HeadPredictions, ItemLabel, MaskRle, Prediction, QueryAnalysis } from './common.ts';
import { named } from './registry.ts';

/** A number from JSON or from a multipart field (a string). */
const num = () => z.coerce.number();
/** true/false from JSON, or "true"/"1"/"false"/"0" from a multipart field. */
const flag = () => z.union([z.boolean(), z.stringbool()]);

/** "x0,y0,x1,y1" (a multipart field) or `{ x0, y0, x1, y1 }` (JSON): search or analyse only this region. */
export const RegionParam = z
  .union([
    z.string().regex(/^\s*-?[\d.]+\s*,\s*-?[\d.]+\s*,\s*-?[\d.]+\s*,\s*-?[\d.]+\s*$/, 'box is "x0,y0,x1,y1" in image pixels'),
    z.strictObject({ x0: z.number(), y0: z.number(), x1: z.number(), y1: z.number() }),
  ])
  .transform((v) => {
    if (typeof v !== 'string') return v;
    const [x0, y0, x1, y1] = v.split(',').map(Number) as [number, number, number, number];
    return { x0, y0, x1, y1 };
  })
  .describe('a region "x0,y0,x1,y1" in image pixels: analyse only that part (crop search)');

export const Match = named(
  'Match',
  z
    .enum(['same', 'similar', 'weak'])
    .describe(
      "match strength by the thresholds measured on the result's own catalog: same = the item itself or a near-duplicate of it (re-encoded, resized, cropped, mirrored, recoloured); similar; weak = no closer than unrelated items of that catalog usually are",
    ),
);

export const SearchOptions = named(
  'SearchOptions',
  z.object({
    k: num().int().min(1).max(100).default(12).describe('results per page'),
    catalog: z.string().min(1).optional().describe('catalog slug; all catalogs when absent'),
    minScore: num().min(-1).max(1).optional().describe('relevance cut-off (cosine similarity)'),
    minMatch: Match.optional().describe('only results at least this strong: same (near-duplicates), similar, weak (all)'),
    classId: num().int().min(0).max(999).optional().describe('only items whose top ImageNet class is this one'),
    cursor: z.string().min(1).max(100).optional().describe('nextCursor of the previous page: the next page of the same query, nothing sent or analysed again'),
    box: RegionParam.optional(),
    exact: flag().default(false).describe('brute-force search instead of HNSW'),
    label: z.string().min(1).max(500).optional().describe("only items with this label under the catalog's active classifier head (needs catalog)"),
    objects: flag()
      .optional()
      .describe("search by object (with `image`): the query's objects, each with the items holding the most similar objects and the matched object as `region` (an ObjectSearchResponse)"),
  }),
  'Options of a search; as multipart fields next to `image`, or in the JSON body',
);

/** JSON search: more like an item, a vector made in the browser, or the next page of any search. */
export const SearchJson = named(
  'SearchJson',
  SearchOptions.extend({
    itemId: z.int().positive().optional().describe('more like this indexed item'),
    vector: z.array(z.number()).length(2048, 'a query vector has 2048 values').optional().describe('a vector computed elsewhere (in-browser mode)'),
    model: z.string().max(200).optional().describe("the vector's model id (network + pooling); another model's vector is refused with 409"),
  }),
);

export const ObjectRegion = named(
  'ObjectRegion',
  z.strictObject({
    x0: z.number(),
    y0: z.number(),
    x1: z.number(),
    y1: z.number(),
    label: z.string(),
    mask: MaskRle.optional().describe("the object's pixels in the item, when its catalog stores masks"),
  }),
  "The result item's object that matched: its box in the item's own pixels, its COCO label and (where stored) its mask",
);

export const ResultCopy = named(
  'ResultCopy',
  z.strictObject({
    id: z.int().describe("that catalog's item (its page: /items/{id})"),
    catalog: z.string(),
    externalId: z.string().nullable().describe("the item's id in that catalog's own system, if it was given one"),
    title: z.string(),
  }),
  'The same image (the same content hash) as a result, in another of the searched catalogs',
);

export const SearchResult = named(
  'SearchResult',
  z.strictObject({
    id: z.int(),
    score: z.number().describe('cosine similarity, 1 = identical'),
    match: Match,
    title: z.string(),
    catalog: z.string(),
    thumbnailUrl: z.string(),
    width: z.int().describe("the item's size in pixels (the coordinate system of `region`)"),
    height: z.int(),
    topClass: z.string().nullable().describe("the item's top ImageNet class"),
    topClassScore: z
      .number()
      .nullable()
      .describe("that class's probability (0–1): ImageNet-1k has no horse or giraffe, so a low one is a neighbour's name — the search page reads it \"looks like …\" below 0.65"),
    objectLabels: z
      .array(z.string())
      .describe("the COCO labels of the item's detected objects, best first, each once (empty: none found, or ingested without objects); the search page shows these where the top class is not sure"),
    label: ItemLabel.nullable().optional().describe('only when one catalog with an active head was searched; null when the item has no label'),
    region: ObjectRegion.optional().describe('a region query (`box`) that matched one of the item’s objects better than the whole item: that object'),
    alsoIn: z
      .array(ResultCopy)
      .min(1)
      .optional()
      .describe(
        'a search across several catalogs shows the same image once: its items in the other searched catalogs that passed the same filters, one per catalog. The result itself is the best-scoring copy (on a tie the stronger match, then the older item); `k` and paging count images. Absent when there are none, and always when one catalog was searched',
      ),
  }),
);

export const ObjectSearchResult = named(
  'ObjectSearchResult',
  SearchResult.extend({
    score: z.number().describe("cosine similarity of the matched object's vector to the query object's, 1 = identical"),
    region: ObjectRegion,
  }),
);

export const SearchResponse = named(
  'SearchResponse',
  z.strictObject({
    query: QueryAnalysis.nullable().describe("the query image's analysis; null for item and vector queries"),
    results: z.array(SearchResult),
    nextCursor: z.string().nullable().describe('send as `cursor` for the next page (kept by the server for 15 minutes); null at the end'),
    tookMs: z.number(),
  }),
);

/** Multipart fields of classify, localize and embed (besides `image`). */
export const ImageOptions = named(
  'ImageOptions',
  z.object({
    k: num().int().min(1).max(100).optional().describe('classes to return (classify; default 5, at most 20 are given)'),
    catalog: z.string().min(1).optional().describe("classify: add this catalog's own classes (its active head)"),
    box: RegionParam.optional(),
    heatmap: flag().optional().describe("localize: add the top class's heatmap as a PNG data URL"),
    objects: flag()
      .optional()
      .describe(
        'localize: take a class\'s box from the detected object of that class where the detector finds one (`source: "detector"`); default true where the server detects objects, false: class activation maps only (one pass, faster). Not for a `box` region, whose boxes are CAM',
      ),
  }),
);

export const ClassifyResponse = named(
  'ClassifyResponse',
  z.strictObject({
    width: z.int(),
    height: z.int(),
    predictions: z.array(Prediction),
    head: HeadPredictions.optional().describe("with `catalog`: that catalog's own classes (its active head) and their CAM box"),
  }),
);

export const LocalizeResponse = named(
  'LocalizeResponse',
  z.strictObject({
    width: z.int(),
    height: z.int(),
    predictions: z.array(Prediction),
    boxes: z.array(Box),
    heatmap: z.strictObject({ width: z.int(), height: z.int(), classId: z.int(), png: z.string().describe('data:image/png;base64,…') }).nullable(),
  }),
);

export const EmbedResponse = named(
  'EmbedResponse',
  z.strictObject({ model: z.string(), dim: z.int(), vector: z.array(z.number()).describe('L2-normalised') }),
);

export type Match = z.infer<typeof Match>;
export type ObjectRegion = z.infer<typeof ObjectRegion>;
export type ResultCopy = z.infer<typeof ResultCopy>;
export type ObjectSearchResult = z.infer<typeof ObjectSearchResult>;
/** Multipart fields of detect (besides `image`). */
export const DetectOptions = named(
  'DetectOptions',
  z.object({
    minScore: num().min(0).max(1).optional().describe('drop objects scoring below this (default 0.3)'),
    box: RegionParam.optional(),
    masks: flag().optional().describe("also outline each object: its `mask` (COCO RLE); a multipart field or the query's ?masks=true"),
  }),
);

export const DetectedObject = named(
  'DetectedObject',
  z.strictObject({
    label: z.string().describe("COCO class name: 'person', 'sports ball', 'teddy bear', …"),
    classId: z.int().min(0).max(79),
    score: z.number(),
    box: z.strictObject({ x0: z.number(), y0: z.number(), x1: z.number(), y1: z.number() }).describe("in the original image's pixels"),
    imagenet: z.strictObject({ label: z.string(), score: z.number() }).optional().describe("the crop's best ImageNet class"),
    source: z.enum(['detector', 'fused']).optional().describe("whether label and score are CenterNet's or the crop classifier's"),
    mask: MaskRle.optional().describe('with masks=true: the pixels of the object, inside its box'),
  }),
);

export const DetectResponse = named(
  'DetectResponse',
  z.strictObject({ width: z.int(), height: z.int(), objects: z.array(DetectedObject).describe('best first, at most 20') }),
);

export const ObjectSearchResponse = named(
  'ObjectSearchResponse',
  z.strictObject({
    width: z.int().describe("the query image's size: the query objects' boxes are in these pixels"),
    height: z.int(),
    objects: z
      .array(z.strictObject({ object: DetectedObject, results: z.array(ObjectSearchResult).describe('one per item, best first') }))
      .describe('the query image’s objects, best first (empty when none was found)'),
    tookMs: z.number(),
  }),
);

export type ObjectSearchResponse = z.infer<typeof ObjectSearchResponse>;

/** What POST /search answers: a SearchResponse, or with objects=true an ObjectSearchResponse. */
export const SearchAnswer = named(
  'SearchAnswer',
  z.union([SearchResponse, ObjectSearchResponse]),
  'A SearchResponse; with objects=true (search by object) an ObjectSearchResponse',
);

export type DetectOptions = z.input<typeof DetectOptions>;
export type DetectedObject = z.infer<typeof DetectedObject>;
export type DetectResponse = z.infer<typeof DetectResponse>;
export type SearchOptions = z.input<typeof SearchOptions>;
export type SearchJson = z.input<typeof SearchJson>;
export type SearchResult = z.infer<typeof SearchResult>;
export type SearchResponse = z.infer<typeof SearchResponse>;
export type ImageOptions = z.input<typeof ImageOptions>;
export type ClassifyResponse = z.infer<typeof ClassifyResponse>;
export type LocalizeResponse = z.infer<typeof LocalizeResponse>;
export type EmbedResponse = z.infer<typeof EmbedResponse>;
