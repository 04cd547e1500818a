// Shapes shared by several resources: an error, a class prediction, a box, a head's view of an image.
import { z } from 'zod';
import { named } from './registry.ts';

export const ErrorBody = named(
  'Error',
  z.strictObject({ error: z.strictObject({ code: z.string(), message: z.string() }) }),
  'Every error: a stable code (e.g. NOT_FOUND, CORRUPT_IMAGE) and a message for people',
);

export const Prediction = named('Prediction', z.strictObject({ classId: z.int().min(0), label: z.string(), score: z.number() }));

export const Box = named(
  'Box',
  z.strictObject({
    x0: z.number(),
    y0: z.number(),
    x1: z.number(),
    y1: z.number(),
    classId: z.int(),
    label: z.string(),
    score: z.number(),
    source: z
      .enum(['cam', 'detector'])
      .optional()
      .describe(
        '"cam": the class activation map\'s box; "detector": the box of the detected object of the COCO class this ImageNet class is (a dog breed → its dog), which hugs the object better. Absent where boxes come from CAM only',
      ),
  }),
  'A box in the pixels of the analysed image (or region)',
);

export const ItemLabel = named(
  'ItemLabel',
  z.strictObject({
    label: z.string(),
    score: z.number(),
    source: z.enum(['predicted', 'confirmed']).describe('"predicted" by the head, or "confirmed": the item\'s own value of the head\'s field'),
  }),
  "An item's label under its catalog's active head",
);

export const HeadPredictions = named(
  'HeadPredictions',
  z.strictObject({
    catalog: z.string().optional(),
    version: z.int(),
    field: z.string(),
    predictions: z.array(Prediction),
    box: Box.nullable(),
  }),
  "A catalog head's view of an image: its classes (the label field's values) and the best one's CAM box",
);

export const QueryAnalysis = named(
  'QueryAnalysis',
  z.strictObject({
    width: z.int(),
    height: z.int(),
    predictions: z.array(Prediction),
    boxes: z.array(Box),
    head: HeadPredictions.optional().describe('Present when one catalog with an active classifier head was searched'),
  }),
);

/** A region of the query image, in its pixels. */
export const Region = z.object({ x0: z.number(), y0: z.number(), x1: z.number(), y1: z.number() });

export type ErrorBody = z.infer<typeof ErrorBody>;
export type Prediction = z.infer<typeof Prediction>;
export type Box = z.infer<typeof Box>;
export type ItemLabel = z.infer<typeof ItemLabel>;
export type HeadPredictions = z.infer<typeof HeadPredictions>;
export type QueryAnalysis = z.infer<typeof QueryAnalysis>;
export type Region = z.infer<typeof Region>;

/** A numeric id in a path ("12"). */
export const IdParam = z.coerce.number().int().positive();

export const MaskRle = named(
  'MaskRle',
  z
    .strictObject({
      size: z.tuple([z.int().min(1), z.int().min(1)]).describe('[height, width] of the whole image'),
      counts: z.array(z.int().min(0)).describe('alternating runs of 0 and 1, column by column, starting with zeros'),
    })
    .describe("COCO's uncompressed RLE (pycocotools reads it), over the whole image; the object's pixels are 1"),
);
export type MaskRle = z.infer<typeof MaskRle>;
