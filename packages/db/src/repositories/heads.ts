// Classifier heads (a catalog's own trained classifier, as ONNX bytes with classes and metrics) and the labels they
// give items. One active head per catalog: activation clears the others in the same transaction.
import type * as Rows from '../../generated/sqlite/client.ts';
import type { Prisma } from '../../generated/sqlite/client.ts';
import type { StoreContext } from '../context.ts';
import { isForeignKeyViolation, isUniqueViolation } from '../context.ts';
import { InvalidInputError, NotFoundError } from '../errors.ts';
import type {
  ClassifierHead,
  ClassifierHeadInfo,
  HeadRepository,
  ItemLabel,
  ItemLabelInput,
  JsonObject,
  LabelRepository,
  LabelSource,
} from '../types.ts';
import * as v from '../validate.ts';
import { chunks } from './shared.ts';

const SOURCES: readonly LabelSource[] = ['predicted', 'confirmed'];
const MAX_ONNX_BYTES = 64 * 1024 * 1024;

type HeadRow = Omit<Rows.ClassifierHead, 'onnx'> & { onnx?: Uint8Array };

function asObject(value: unknown): JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : {};
}

function toInfo(row: HeadRow, onnxBytes: number): ClassifierHeadInfo {
  return {
    id: row.id,
    catalogId: row.catalogId,
    version: row.version,
    labelField: row.labelField,
    classes: Array.isArray(row.classes) ? (row.classes as string[]) : [],
    metrics: asObject(row.metrics),
    modelId: row.modelId,
    settings: asObject(row.settings),
    active: row.active,
    onnxBytes,
    createdAt: row.createdAt,
  };
}

function toHead(row: Rows.ClassifierHead): ClassifierHead {
  const onnx = new Uint8Array(row.onnx);
  return { ...toInfo(row, onnx.byteLength), onnx };
}

const INFO_FIELDS = {
  id: true,
  catalogId: true,
  version: true,
  labelField: true,
  classes: true,
  metrics: true,
  modelId: true,
  settings: true,
  active: true,
  createdAt: true,
} as const;

export function headRepository(ctx: StoreContext): HeadRepository {
  const { db } = ctx;

  async function infoOf(rows: HeadRow[]): Promise<ClassifierHeadInfo[]> {
    // Sizes without loading the bytes.
    const sizes = new Map<number, number>();
    if (rows.length > 0) {
      const ids = rows.map((r) => r.id);
      const fn = ctx.provider === 'sqlite' ? 'length' : 'octet_length';
      const found = await db.$queryRawUnsafe<Array<{ id: number; size: number | bigint }>>(
        `SELECT "id", ${fn}("onnx") AS "size" FROM ${ctx.table('ClassifierHead').sql} WHERE "id" IN (${ids.join(',')})`,
      );
      for (const f of found) sizes.set(Number(f.id), Number(f.size));
    }
    return rows.map((r) => toInfo(r, sizes.get(r.id) ?? 0));
  }

  return {
    async create(input) {
      const catalogId = v.id('catalogId', input.catalogId);
      const labelField = v.text('labelField', input.labelField, { max: 200 });
      if (!Array.isArray(input.classes) || input.classes.length < 2 || input.classes.some((c) => typeof c !== 'string' || c === ''))
        throw new InvalidInputError('classes must be an array of at least two non-empty strings');
      const classes = input.classes.map((c, i) => v.text(`classes[${i}]`, c, { max: 500 }));
      const metrics = v.jsonObject('metrics', input.metrics) as Prisma.InputJsonObject;
      const settings = v.jsonObject('settings', input.settings) as Prisma.InputJsonObject;
      const modelId = v.text('modelId', input.modelId, { max: 200 });
      if (!(input.onnx instanceof Uint8Array) || input.onnx.byteLength === 0 || input.onnx.byteLength > MAX_ONNX_BYTES)
        throw new InvalidInputError(`onnx must be non-empty bytes of at most ${MAX_ONNX_BYTES}`);
      const onnx = new Uint8Array(input.onnx);
      return ctx.run(async () => {
        for (let attempt = 0; ; attempt++) {
          try {
            return await ctx.write(
              async (tx) => {
                const last = await tx.classifierHead.findFirst({ where: { catalogId }, orderBy: { version: 'desc' }, select: { version: true } });
                if (input.activate) await tx.classifierHead.updateMany({ where: { catalogId, active: true }, data: { active: false } });
                const row = await tx.classifierHead.create({
                  data: { catalogId, version: (last?.version ?? 0) + 1, labelField, classes, metrics, modelId, settings, onnx, active: input.activate === true },
                });
                return toHead(row);
              },
              { sequenced: false },
            );
          } catch (error) {
            if (isForeignKeyViolation(error)) throw new NotFoundError('catalog', catalogId);
            // Two heads of one catalog created at once: the later takes the next version.
            if (isUniqueViolation(error) && attempt < 3) continue;
            throw error;
          }
        }
      });
    },

    async get(id) {
      v.int('id', id);
      return ctx.run(async () => {
        const row = await db.classifierHead.findUnique({ where: { id } });
        return row ? toHead(row) : null;
      });
    },

    async list(catalogId) {
      v.id('catalogId', catalogId);
      return ctx.run(async () => infoOf(await db.classifierHead.findMany({ where: { catalogId }, orderBy: { version: 'desc' }, select: INFO_FIELDS })));
    },

    async active(catalogId) {
      v.id('catalogId', catalogId);
      return ctx.run(async () => {
        const row = await db.classifierHead.findFirst({ where: { catalogId, active: true }, orderBy: { version: 'desc' } });
        return row ? toHead(row) : null;
      });
    },

    async activate(id) {
      v.id('id', id);
      return ctx.run(async () => {
        const row = await ctx.write(
          async (tx) => {
            const head = await tx.classifierHead.findUnique({ where: { id }, select: { catalogId: true } });
            if (!head) throw new NotFoundError('head', id);
            await tx.classifierHead.updateMany({ where: { catalogId: head.catalogId, active: true, id: { not: id } }, data: { active: false } });
            return tx.classifierHead.update({ where: { id }, data: { active: true }, select: INFO_FIELDS });
          },
          { sequenced: false },
        );
        return (await infoOf([row]))[0]!;
      });
    },

    async deactivate(catalogId) {
      v.id('catalogId', catalogId);
      await ctx.run(() => ctx.write((tx) => tx.classifierHead.updateMany({ where: { catalogId, active: true }, data: { active: false } }), { sequenced: false }));
    },
  };
}

function toLabel(row: Rows.ItemLabel): ItemLabel {
  return { itemId: row.itemId, headId: row.headId, label: row.label, score: row.score, source: row.source as LabelSource, createdAt: row.createdAt };
}

export function labelRepository(ctx: StoreContext): LabelRepository {
  const { db } = ctx;
  return {
    async upsert(headId, labels) {
      v.id('headId', headId);
      const rows: ItemLabelInput[] = labels.map((l, i) => {
        if (!SOURCES.includes(l.source)) throw new InvalidInputError(`labels[${i}].source must be predicted or confirmed`);
        return {
          itemId: v.id(`labels[${i}].itemId`, l.itemId),
          label: v.text(`labels[${i}].label`, l.label, { max: 500 }),
          score: v.finite(`labels[${i}].score`, l.score),
          source: l.source,
        };
      });
      // The last label given for an item wins.
      const byItem = new Map(rows.map((r) => [r.itemId, r]));
      if (byItem.size === 0) return { written: 0 };
      return ctx.run(async () => {
        try {
          return await ctx.write(
            async (tx) => {
              let written = 0;
              for (const part of chunks([...byItem.values()])) {
                await tx.itemLabel.deleteMany({ where: { headId, itemId: { in: part.map((r) => r.itemId) } } });
                written += (await tx.itemLabel.createMany({ data: part.map((r) => ({ ...r, headId })) })).count;
              }
              return { written };
            },
            { sequenced: false },
          );
        } catch (error) {
          if (isForeignKeyViolation(error)) {
            const head = await db.classifierHead.findUnique({ where: { id: headId }, select: { id: true } });
            if (!head) throw new NotFoundError('head', headId);
            throw new NotFoundError('item', [...byItem.keys()].join(','));
          }
          throw error;
        }
      });
    },

    async forItems(headId, itemIds) {
      v.id('headId', headId);
      const ids = [...new Set(itemIds.map((id) => v.int('itemId', id)))];
      return ctx.run(async () => {
        const out = new Map<number, ItemLabel>();
        for (const part of chunks(ids)) {
          for (const row of await db.itemLabel.findMany({ where: { headId, itemId: { in: part } } })) out.set(row.itemId, toLabel(row));
        }
        return out;
      });
    },

    async itemIds(headId, label) {
      v.id('headId', headId);
      const text = v.text('label', label, { max: 500 });
      return ctx.run(async () =>
        (await db.itemLabel.findMany({ where: { headId, label: text }, select: { itemId: true }, orderBy: { itemId: 'asc' } })).map((r) => r.itemId),
      );
    },

    async counts(headId) {
      v.id('headId', headId);
      return ctx.run(async () => {
        const groups = await db.itemLabel.groupBy({ by: ['label', 'source'], where: { headId }, _count: { _all: true }, orderBy: { label: 'asc' } });
        const out = new Map<string, { label: string; predicted: number; confirmed: number }>();
        for (const g of groups) {
          const entry = out.get(g.label) ?? { label: g.label, predicted: 0, confirmed: 0 };
          entry[g.source as LabelSource] += g._count._all;
          out.set(g.label, entry);
        }
        return [...out.values()];
      });
    },
  };
}
