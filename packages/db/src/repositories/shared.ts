// Row mappers (generated model types → public types) and the analysis writer shared by items and embeddings.
import type * as Rows from '../../generated/sqlite/client.ts';
import { Prisma } from '../../generated/sqlite/client.ts';
import type { Tx } from '../client.ts';
import type { StoreContext } from '../context.ts';
import { InvalidInputError } from '../errors.ts';
import type {
  Analysis,
  Box,
  BoxInput,
  Catalog,
  CatalogObjects,
  FileStatus,
  Item,
  Job,
  JobFile,
  JobKind,
  JobStatus,
  JsonObject,
  MaskRle,
  ObjectsAnalysis,
  Prediction,
  PredictionInput,
} from '../types.ts';
import * as v from '../validate.ts';
import { encodeVector, validateVector } from '../vector.ts';

export const MAX_PREDICTIONS = 5;
export const MAX_BOXES = 100;
/** Objects stored per item and objects model: an object index keys object r of item i as i · MAX_OBJECTS + r. */
export const MAX_OBJECTS = 32;
/** Rows per multi-row statement / `IN (…)` list: far below SQLite's and PostgreSQL's parameter limits. */
export const CHUNK = 500;

export function chunks<T>(values: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}

export function toCatalog(row: Rows.Catalog): Catalog {
  return { id: row.id, slug: row.slug, name: row.name, objects: row.objects as CatalogObjects, createdAt: row.createdAt, updatedAt: row.updatedAt };
}

export function toItem(row: Rows.Item): Item {
  const metadata =
    typeof row.metadata === 'object' && row.metadata !== null && !Array.isArray(row.metadata)
      ? (row.metadata as JsonObject)
      : {};
  return {
    id: row.id,
    catalogId: row.catalogId,
    externalId: row.externalId,
    title: row.title,
    metadata,
    contentHash: row.contentHash,
    storedFile: row.storedFile,
    thumbnailFile: row.thumbnailFile,
    width: row.width,
    height: row.height,
    mimeType: row.mimeType,
    sizeBytes: row.sizeBytes,
    sourceName: row.sourceName,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function toPrediction(row: Rows.Prediction): Prediction {
  return { modelId: row.modelId, rank: row.rank, classId: row.classId, label: row.label, score: row.score };
}

export function toBox(row: Rows.Box): Box {
  return {
    modelId: row.modelId,
    x0: row.x0,
    y0: row.y0,
    x1: row.x1,
    y1: row.y1,
    classId: row.classId,
    label: row.label,
    score: row.score,
    ...(row.mask === null ? {} : { mask: row.mask as unknown as MaskRle }),
  };
}

export function toJob(row: Rows.IngestJob): Job {
  return {
    id: row.id,
    kind: row.kind as JobKind,
    catalogId: row.catalogId,
    source: row.source,
    params: row.params as JsonObject,
    status: row.status as JobStatus,
    progress: row.progress as JsonObject,
    result: row.result === null ? null : (row.result as JsonObject),
    workerId: row.workerId,
    attempts: row.attempts,
    cancelRequested: row.cancelRequested,
    filesSeen: row.filesSeen,
    filesAdded: row.filesAdded,
    filesDuplicate: row.filesDuplicate,
    filesFailed: row.filesFailed,
    error: row.error,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    heartbeatAt: row.heartbeatAt,
  };
}

export function toJobFile(row: Rows.JobFile): JobFile {
  return {
    id: row.id,
    jobId: row.jobId,
    path: row.path,
    status: row.status as FileStatus,
    reason: row.reason,
    itemId: row.itemId,
    createdAt: row.createdAt,
  };
}

export function modelId(value: unknown): string {
  return v.text('modelId', value, { max: 200 });
}

function validatePrediction(p: PredictionInput, i: number): PredictionInput {
  return {
    classId: v.int(`predictions[${i}].classId`, p.classId),
    label: v.text(`predictions[${i}].label`, p.label, { max: 500, empty: true }),
    score: v.finite(`predictions[${i}].score`, p.score),
  };
}

function validateBox(b: BoxInput, i: number): BoxInput {
  const box = {
    x0: v.finite(`boxes[${i}].x0`, b.x0),
    y0: v.finite(`boxes[${i}].y0`, b.y0),
    x1: v.finite(`boxes[${i}].x1`, b.x1),
    y1: v.finite(`boxes[${i}].y1`, b.y1),
    classId: v.int(`boxes[${i}].classId`, b.classId),
    label: v.text(`boxes[${i}].label`, b.label, { max: 500, empty: true }),
    score: v.finite(`boxes[${i}].score`, b.score),
  };
  if (box.x0 > box.x1 || box.y0 > box.y1) throw new InvalidInputError(`boxes[${i}] must have x0 <= x1 and y0 <= y1`);
  return b.mask === undefined ? box : { ...box, mask: validateMask(`boxes[${i}].mask`, b.mask) };
}

/** An RLE whose runs cover its frame exactly (what pycocotools would decode). */
function validateMask(name: string, mask: MaskRle): MaskRle {
  const [height, width] = Array.isArray(mask?.size) && mask.size.length === 2 ? mask.size : [];
  const h = v.int(`${name}.size[0]`, height, 1, 1 << 16);
  const w = v.int(`${name}.size[1]`, width, 1, 1 << 16);
  if (!Array.isArray(mask.counts) || mask.counts.length > h * w + 1) throw new InvalidInputError(`${name}.counts must be an array of at most h·w + 1 runs`);
  let covered = 0;
  for (const run of mask.counts) covered += v.int(`${name}.counts[]`, run);
  if (covered !== h * w) throw new InvalidInputError(`${name}.counts cover ${covered} pixels, not ${h}×${w}`);
  return { size: [h, w], counts: [...mask.counts] };
}

/** A box as its row: the mask, when there is one, as JSON. */
function boxRow(modelId: string, b: BoxInput) {
  const { mask, ...box } = b;
  return { modelId, ...box, ...(mask ? { mask: { size: mask.size, counts: mask.counts } } : {}) };
}

export function validateAnalysis(analysis: Analysis): Analysis {
  if (typeof analysis !== 'object' || analysis === null) throw new InvalidInputError('analysis must be an object');
  const out: Analysis = {
    modelId: modelId(analysis.modelId),
    vector: validateVector('analysis.vector', analysis.vector),
  };
  if (analysis.predictions !== undefined) {
    if (!Array.isArray(analysis.predictions) || analysis.predictions.length > MAX_PREDICTIONS) {
      throw new InvalidInputError(`analysis.predictions must be an array of at most ${MAX_PREDICTIONS}`);
    }
    out.predictions = analysis.predictions.map(validatePrediction);
  }
  if (analysis.boxes !== undefined) {
    if (!Array.isArray(analysis.boxes) || analysis.boxes.length > MAX_BOXES) {
      throw new InvalidInputError(`analysis.boxes must be an array of at most ${MAX_BOXES}`);
    }
    out.boxes = analysis.boxes.map(validateBox);
  }
  return out;
}

/** Objects as an analysis: their boxes in rank order and their vectors one after another (empty when there are none). */
export function validateObjects(input: ObjectsAnalysis): Analysis {
  if (typeof input !== 'object' || input === null || !Array.isArray(input.objects)) throw new InvalidInputError('objects must be { modelId, objects: [] }');
  if (input.objects.length > MAX_OBJECTS) throw new InvalidInputError(`at most ${MAX_OBJECTS} objects per item, got ${input.objects.length}`);
  const boxes = input.objects.map(validateBox);
  const vectors = input.objects.map((o, i) => validateVector(`objects[${i}].vector`, o.vector));
  const dim = vectors[0]?.length ?? 0;
  if (vectors.some((x) => x.length !== dim)) throw new InvalidInputError('every object vector must have the same length');
  const vector = new Float32Array(dim * vectors.length);
  vectors.forEach((x, i) => vector.set(x, i * dim));
  return { modelId: modelId(input.modelId), vector, boxes };
}

// Predictions and boxes are written as nested writes of the item's create/update (one Prisma query each), not
// with createMany: through the driver adapters Prisma 7's createMany costs 5-20 ms per call, nested creates ~1 ms.

/** The nested writes of a new item's predictions and boxes (and its objects' boxes, in rank order). */
export function nestedCreate(analysis: Analysis, objects?: Analysis): Pick<Prisma.ItemUncheckedCreateInput, 'predictions' | 'boxes'> {
  const { modelId } = analysis;
  const boxes = [...(analysis.boxes ?? []).map((b) => boxRow(modelId, b)), ...(objects?.boxes ?? []).map((b) => boxRow(objects!.modelId, b))];
  return {
    ...(analysis.predictions?.length
      ? { predictions: { create: analysis.predictions.map((p, i) => ({ modelId, rank: i + 1, ...p })) } }
      : {}),
    ...(boxes.length ? { boxes: { create: boxes } } : {}),
  };
}

/** Replaces the model's predictions / boxes when the analysis carries them; leaves them when undefined. */
export function nestedReplace(analysis: Analysis): Pick<Prisma.ItemUncheckedUpdateInput, 'predictions' | 'boxes'> {
  const { modelId } = analysis;
  const out: Pick<Prisma.ItemUncheckedUpdateInput, 'predictions' | 'boxes'> = {};
  if (analysis.predictions !== undefined) {
    out.predictions = {
      deleteMany: { modelId },
      create: analysis.predictions.map((p, i) => ({ modelId, rank: i + 1, ...p })),
    };
  }
  if (analysis.boxes !== undefined) {
    out.boxes = { deleteMany: { modelId }, create: analysis.boxes.map((b) => boxRow(modelId, b)) };
  }
  return out;
}

/**
 * Appends an "add" event and writes (or replaces) the embedding with that sequence. Returns the sequence. Call
 * inside a sequenced write.
 */
export async function writeEmbedding(
  tx: Tx,
  item: { id: number; catalogId: number },
  analysis: Analysis,
  replace: boolean,
): Promise<number> {
  const { sequence } = await tx.indexEvent.create({
    data: { itemId: item.id, catalogId: item.catalogId, modelId: analysis.modelId, op: 'add' },
    select: { sequence: true },
  });
  const data = { dim: analysis.vector.length, vector: encodeVector(analysis.vector), sequence };
  if (replace) {
    await tx.embedding.upsert({
      where: { itemId_modelId: { itemId: item.id, modelId: analysis.modelId } },
      create: { itemId: item.id, modelId: analysis.modelId, ...data },
      update: data,
      select: { sequence: true },
    });
  } else {
    await tx.embedding.create({
      data: { itemId: item.id, modelId: analysis.modelId, ...data },
      select: { sequence: true },
    });
  }
  return sequence;
}

/**
 * Appends one "remove" event per embedding of the given items (or of the whole catalog), in sequence order, in ONE
 * statement (a catalog may hold 100k embeddings). Call inside a sequenced write, before deleting the items.
 */
export async function appendRemoveEvents(
  ctx: StoreContext,
  tx: Tx,
  scope: { catalogId: number } | { itemIds: readonly number[] },
): Promise<number> {
  const where =
    'catalogId' in scope
      ? Prisma.sql`i."catalogId" = ${scope.catalogId}`
      : Prisma.sql`e."itemId" IN (${Prisma.join([...scope.itemIds])})`;
  return tx.$executeRaw`
    INSERT INTO ${ctx.table('IndexEvent')} ("itemId", "catalogId", "modelId", "op", "createdAt")
    SELECT e."itemId", i."catalogId", e."modelId", 'remove', ${new Date()}
      FROM ${ctx.table('Embedding')} e JOIN ${ctx.table('Item')} i ON i."id" = e."itemId"
     WHERE ${where}
     ORDER BY e."sequence"`;
}
