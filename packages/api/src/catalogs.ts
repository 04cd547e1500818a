// Catalogs and their items, item labels.
import { z } from 'zod';
import { Box, ItemLabel, MaskRle, Prediction } from './common.ts';
import { named, timestamp } from './registry.ts';
import { ResultCopy } from './search.ts';

export const CatalogObjects = z
  .enum(['off', 'boxes', 'masks'])
  .describe('what ingest finds in each new item besides its class: its objects ("boxes", the default: search by object), objects with their masks ("masks", slower), or nothing ("off")');

export const Catalog = named(
  'Catalog',
  z.strictObject({ id: z.int(), slug: z.string(), name: z.string(), objects: CatalogObjects, items: z.int(), createdAt: timestamp }),
);
export const CatalogList = named('CatalogList', z.strictObject({ catalogs: z.array(Catalog) }));

export const CreateCatalog = named(
  'CreateCatalog',
  z.object({
    slug: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'slug: lowercase letters, digits and dashes, starting with a letter or digit, at most 63'),
    name: z.string().trim().min(1).max(200).optional(),
    objects: CatalogObjects.optional(),
  }),
);
export const UpdateCatalog = named(
  'UpdateCatalog',
  z
    .object({ name: z.string().trim().min(1).max(200).optional(), objects: CatalogObjects.optional().describe('applies to items ingested or reindexed from now on') })
    .refine((u) => u.name !== undefined || u.objects !== undefined, 'give a new name, a new objects setting, or both'),
);
export const CatalogDeleted = named('CatalogDeleted', z.strictObject({ deleted: z.string(), items: z.int() }));

export const ItemObject = named(
  'ItemObject',
  z.strictObject({
    label: z.string().describe('COCO class name'),
    classId: z.int().min(0).max(79),
    score: z.number(),
    box: z.strictObject({ x0: z.number(), y0: z.number(), x1: z.number(), y1: z.number() }).describe("in the item's own pixels"),
    mask: MaskRle.optional().describe('when its catalog stores masks: the pixels of the object'),
  }),
  'An object detected in a catalog item',
);

export const Item = named(
  'Item',
  z.strictObject({
    id: z.int(),
    catalog: z.string(),
    externalId: z.string().nullable(),
    title: z.string(),
    metadata: z.record(z.string(), z.unknown()),
    width: z.int(),
    height: z.int(),
    mimeType: z.string(),
    sizeBytes: z.int(),
    sourceName: z.string(),
    createdAt: timestamp,
    predictions: z.array(Prediction),
    boxes: z.array(Box),
    objects: z.array(ItemObject).describe('the objects detected at ingest, best first (empty when none, or ingested without objects)'),
    thumbnailUrl: z.string(),
    imageUrl: z.string(),
    label: ItemLabel.nullable().optional().describe("under its catalog's active head: the item's label (null when none)"),
    alsoIn: z.array(ResultCopy).optional().describe('GET /items/{id}: the same image (content hash) in other catalogs, oldest first; absent when none'),
  }),
);

export const ItemListQuery = named(
  'ItemListQuery',
  z.object({
    limit: z.coerce.number().int().min(1).max(200).default(48),
    cursor: z.coerce.number().int().positive().optional().describe('nextCursor of the previous page'),
    classId: z.coerce.number().int().min(0).max(999).optional().describe('only items whose top class is this one'),
  }),
);
export const ItemPage = named('ItemPage', z.strictObject({ items: z.array(Item), nextCursor: z.int().nullable() }));
export const ItemDeleted = named('ItemDeleted', z.strictObject({ deleted: z.int() }));

export const SetLabels = named(
  'SetLabels',
  z.object({
    itemIds: z.array(z.int().positive()).min(1).max(10_000),
    field: z.string().trim().min(1).max(200),
    value: z.string().trim().min(1).max(500).nullable().describe('the label; null clears it (the item goes back to the head\'s prediction)'),
  }),
);
export const LabelsSet = named('LabelsSet', z.strictObject({ updated: z.array(z.strictObject({ id: z.int(), metadata: z.record(z.string(), z.unknown()) })) }));

export type Catalog = z.infer<typeof Catalog>;
export type CatalogList = z.infer<typeof CatalogList>;
export type CreateCatalog = z.input<typeof CreateCatalog>;
export type UpdateCatalog = z.input<typeof UpdateCatalog>;
export type CatalogObjects = z.infer<typeof CatalogObjects>;
export type ItemObject = z.infer<typeof ItemObject>;
export type Item = z.infer<typeof Item>;
export type ItemListQuery = z.input<typeof ItemListQuery>;
export type ItemPage = z.infer<typeof ItemPage>;
export type SetLabels = z.input<typeof SetLabels>;
