import type { Prisma } from '../../generated/sqlite/client.ts';
import type { StoreContext } from '../context.ts';
import { isForeignKeyViolation, isUniqueViolation } from '../context.ts';
import { DuplicateItemError, FileAlreadyRecordedError, InvalidInputError, NotFoundError } from '../errors.ts';
import type { HydratedItem, InsertItemInput, ItemRepository, JsonValue, NewItem } from '../types.ts';
import * as v from '../validate.ts';
import {
  appendRemoveEvents,
  chunks,
  modelId as validModelId,
  toBox,
  toItem,
  toPrediction,
  nestedCreate,
  validateAnalysis,
  validateObjects,
  writeEmbedding,
} from './shared.ts';

/** Thrown inside the insert transaction to roll it back, then turned into a typed error outside it. */
class ItemConflict extends Error {}

function validateNewItem(input: NewItem): Prisma.ItemUncheckedCreateInput {
  return {
    catalogId: v.id('catalogId', input.catalogId),
    externalId: v.optionalText('externalId', input.externalId, 1000),
    title: v.text('title', input.title, { max: 1000, empty: true }),
    metadata: v.jsonObject('metadata', input.metadata) as Prisma.InputJsonObject,
    contentHash: v.contentHash(input.contentHash),
    storedFile: v.text('storedFile', input.storedFile, { max: 1000 }),
    thumbnailFile: v.optionalText('thumbnailFile', input.thumbnailFile, 1000),
    width: v.int('width', input.width, 1),
    height: v.int('height', input.height, 1),
    mimeType: v.text('mimeType', input.mimeType, { max: 200 }),
    sizeBytes: v.int('sizeBytes', input.sizeBytes),
    sourceName: v.text('sourceName', input.sourceName, { max: 4096 }),
  };
}

export function itemRepository(ctx: StoreContext): ItemRepository {
  const { db } = ctx;

  async function findDuplicate(data: Prisma.ItemUncheckedCreateInput): Promise<DuplicateItemError | null> {
    const byHash = await db.item.findUnique({
      where: { catalogId_contentHash: { catalogId: data.catalogId, contentHash: data.contentHash } },
      select: { id: true },
    });
    if (byHash) return new DuplicateItemError(data.catalogId, 'contentHash', data.contentHash, byHash.id);
    if (typeof data.externalId === 'string') {
      const byExternal = await db.item.findFirst({
        where: { catalogId: data.catalogId, externalId: data.externalId },
        select: { id: true },
      });
      if (byExternal) return new DuplicateItemError(data.catalogId, 'externalId', data.externalId, byExternal.id);
    }
    return null;
  }

  return {
    async insert(input: InsertItemInput) {
      const data = validateNewItem(input);
      const analysis = input.analysis === undefined ? undefined : validateAnalysis(input.analysis);
      const objects = input.objects === undefined ? undefined : validateObjects(input.objects);
      if (objects && !analysis) throw new InvalidInputError('objects are stored with the item\'s own analysis');
      const jobFile =
        input.jobFile === undefined
          ? undefined
          : { jobId: v.id('jobFile.jobId', input.jobFile.jobId), path: v.text('jobFile.path', input.jobFile.path) };

      return ctx.run(async () => {
        // A duplicate is detected by the unique index, not by a prior read: exactly one of two racing inserts wins.
        // The retry covers the rare case where the conflicting row is deleted before we can name it.
        for (let attempt = 0; ; attempt++) {
          try {
            return await ctx.write(
              async (tx) => {
                let row;
                try {
                  row = await tx.item.create({ data: analysis ? { ...data, ...nestedCreate(analysis, objects) } : data });
                } catch (error) {
                  if (isUniqueViolation(error)) throw new ItemConflict();
                  if (isForeignKeyViolation(error)) throw new NotFoundError('catalog', data.catalogId);
                  throw error;
                }
                const sequence = analysis ? await writeEmbedding(tx, row, analysis, false) : null;
                if (objects) await writeEmbedding(tx, row, objects, false);
                if (jobFile) {
                  try {
                    await tx.jobFile.create({
                      data: { jobId: jobFile.jobId, path: jobFile.path, status: 'ok', itemId: row.id },
                    });
                  } catch (error) {
                    if (isUniqueViolation(error)) throw new FileAlreadyRecordedError(jobFile.jobId, jobFile.path);
                    if (isForeignKeyViolation(error)) throw new NotFoundError('job', jobFile.jobId);
                    throw error;
                  }
                  await tx.ingestJob.update({
                    where: { id: jobFile.jobId },
                    data: { filesAdded: { increment: 1 }, heartbeatAt: new Date() },
                  });
                }
                return { item: toItem(row), sequence };
              },
              { sequenced: analysis !== undefined },
            );
          } catch (error) {
            if (!(error instanceof ItemConflict)) throw error;
            const duplicate = await findDuplicate(data);
            if (duplicate) throw duplicate;
            if (attempt >= 2)
              throw new Error('the item keeps conflicting with rows that are deleted before they can be read');
          }
        }
      });
    },

    async get(id) {
      return ctx.run(async () => {
        const row = await db.item.findUnique({ where: { id } });
        return row ? toItem(row) : null;
      });
    },

    async findByContentHash(catalogId, contentHash) {
      return ctx.run(async () => {
        const row = await db.item.findUnique({ where: { catalogId_contentHash: { catalogId, contentHash } } });
        return row ? toItem(row) : null;
      });
    },

    async withContentHash(contentHash) {
      const hash = v.contentHash(contentHash);
      return ctx.run(async () => (await db.item.findMany({ where: { contentHash: hash }, orderBy: { id: 'asc' } })).map(toItem));
    },

    async findByExternalId(catalogId, externalId) {
      return ctx.run(async () => {
        const row = await db.item.findFirst({ where: { catalogId, externalId } });
        return row ? toItem(row) : null;
      });
    },

    async getByIds(ids, options = {}) {
      const model = options.modelId === undefined ? undefined : validModelId(options.modelId);
      const objectsModel = options.objectsModelId === undefined ? undefined : validModelId(options.objectsModelId);
      for (const id of ids) v.int('id', id);
      return ctx.run(async () => {
        const byId = new Map<number, HydratedItem>();
        const scope = model === undefined ? {} : { modelId: model };
        for (const part of chunks([...new Set(ids)])) {
          const rows = await db.item.findMany({
            where: { id: { in: part } },
            include: {
              predictions: { where: scope, orderBy: [{ modelId: 'asc' }, { rank: 'asc' }] },
              boxes: { where: objectsModel === undefined || model === undefined ? scope : { modelId: { in: [model, objectsModel] } }, orderBy: { id: 'asc' } },
            },
          });
          for (const row of rows) {
            const boxes = row.boxes.map(toBox);
            byId.set(row.id, {
              ...toItem(row),
              predictions: row.predictions.map(toPrediction),
              boxes: objectsModel === undefined ? boxes : boxes.filter((b) => b.modelId !== objectsModel),
              ...(objectsModel === undefined ? {} : { objects: boxes.filter((b) => b.modelId === objectsModel) }),
            });
          }
        }
        const out: HydratedItem[] = [];
        for (const id of ids) {
          const item = byId.get(id);
          if (item) out.push(item);
        }
        return out;
      });
    },

    async contentHashes(ids) {
      for (const id of ids) v.int('id', id);
      return ctx.run(async () => {
        const out = new Map<number, string>();
        for (const part of chunks([...new Set(ids)])) {
          for (const row of await db.item.findMany({ where: { id: { in: part } }, select: { id: true, contentHash: true } }))
            out.set(row.id, row.contentHash);
        }
        return out;
      });
    },

    async list(options = {}) {
      const take = v.limit(options.limit, 50, 1000);
      const after = v.cursor(options.cursor);
      if (options.classId !== undefined && options.modelId === undefined) {
        throw new InvalidInputError('filtering by classId needs the modelId whose predictions to use');
      }
      const where: Prisma.ItemWhereInput = { id: { gt: after } };
      if (options.catalogId !== undefined) where.catalogId = v.id('catalogId', options.catalogId);
      if (options.classId !== undefined && options.modelId !== undefined) {
        where.predictions = {
          some: { modelId: validModelId(options.modelId), rank: 1, classId: v.int('classId', options.classId) },
        };
      }
      return ctx.run(async () => {
        const rows = await db.item.findMany({ where, orderBy: { id: 'asc' }, take: take + 1 });
        const page = rows.slice(0, take).map(toItem);
        return { items: page, nextCursor: rows.length > take ? (page.at(-1)?.id ?? null) : null };
      });
    },

    async count(options = {}) {
      return ctx.run(() =>
        db.item.count({ where: options.catalogId === undefined ? {} : { catalogId: options.catalogId } }),
      );
    },

    async setMetadataField(ids, field, value) {
      const unique = [...new Set(ids.map((id) => v.int('id', id)))];
      const key = v.text('field', field, { max: 200 });
      if (key === '__proto__' || key === 'constructor' || key === 'prototype') throw new InvalidInputError(`field ${JSON.stringify(key)} is not allowed`);
      const encoded = value === null ? null : (v.jsonObject('value', { value }).value as JsonValue);
      if (unique.length === 0) return [];
      return ctx.run(() =>
        ctx.write(
          async (tx) => {
            const out = [];
            for (const part of chunks(unique)) {
              for (const row of await tx.item.findMany({ where: { id: { in: part } }, orderBy: { id: 'asc' } })) {
                const metadata = { ...toItem(row).metadata };
                if (encoded === null) delete metadata[key];
                else metadata[key] = encoded;
                out.push(toItem(await tx.item.update({ where: { id: row.id }, data: { metadata: metadata as Prisma.InputJsonObject } })));
              }
            }
            return out;
          },
          { sequenced: false },
        ),
      );
    },

    async delete(ids) {
      const unique = [...new Set(ids.map((id) => v.int('id', id)))];
      if (unique.length === 0) return Promise.resolve({ deleted: 0 });
      return ctx.run(() =>
        ctx.write(
          async (tx) => {
            let deleted = 0;
            for (const part of chunks(unique)) {
              await appendRemoveEvents(ctx, tx, { itemIds: part });
              deleted += (await tx.item.deleteMany({ where: { id: { in: part } } })).count;
            }
            return { deleted };
          },
          { sequenced: true },
        ),
      );
    },
  };
}
