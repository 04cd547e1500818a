import type { StoreContext } from '../context.ts';
import { NotFoundError } from '../errors.ts';
import type { Analysis, ChangeBatch, EmbeddingRepository, EmbeddingRow, IndexChange } from '../types.ts';
import * as v from '../validate.ts';
import { decodeVector } from '../vector.ts';
import { modelId as validModelId, nestedReplace, toItem, validateAnalysis, validateObjects, writeEmbedding } from './shared.ts';

interface StoredEmbedding {
  itemId: number;
  modelId: string;
  sequence: number;
  dim: number;
  vector: Uint8Array;
  item: { catalogId: number } | null;
}

export function embeddingRepository(ctx: StoreContext): EmbeddingRepository {
  const { db } = ctx;

  /** Rank-1 class per item for one model. */
  async function topClasses(model: string, itemIds: number[]): Promise<Map<number, number>> {
    if (itemIds.length === 0) return new Map();
    const rows = await db.prediction.findMany({
      where: { modelId: model, rank: 1, itemId: { in: itemIds } },
      select: { itemId: true, classId: true },
    });
    return new Map(rows.map((r) => [r.itemId, r.classId]));
  }

  /**
   * Null when the item vanished between the embedding query and its relation query (a concurrent delete; its
   * remove event comes later in the log).
   */
  function toRow(e: StoredEmbedding, classes: Map<number, number>): EmbeddingRow | null {
    if (!e.item) return null;
    return {
      itemId: e.itemId,
      catalogId: e.item.catalogId,
      modelId: e.modelId,
      sequence: e.sequence,
      vector: decodeVector(e.vector, e.dim),
      classId: classes.get(e.itemId) ?? null,
    };
  }

  const embeddingSelect = {
    itemId: true,
    modelId: true,
    sequence: true,
    dim: true,
    vector: true,
    item: { select: { catalogId: true } },
  } as const;

  /** Stores (or replaces) one model's analysis of an existing item — its vector, predictions, boxes — with a new sequence. */
  function replace(itemId: number, valid: Analysis): Promise<{ sequence: number }> {
    const id = v.id('itemId', itemId);
    return ctx.run(() =>
      ctx.write(
        async (tx) => {
          const item = await tx.item.findUnique({ where: { id }, select: { id: true, catalogId: true } });
          if (!item) throw new NotFoundError('item', id);
          const sequence = await writeEmbedding(tx, item, valid, true);
          const nested = nestedReplace(valid);
          if (nested.predictions || nested.boxes) await tx.item.update({ where: { id }, data: nested, select: { id: true } });
          return { sequence };
        },
        { sequenced: true },
      ),
    );
  }

  return {
    upsert: async (itemId, analysis) => replace(itemId, validateAnalysis(analysis)),

    upsertObjects: async (itemId, objects) => replace(itemId, validateObjects(objects)),

    async get(itemId, modelId) {
      return ctx.run(async () => {
        const row = await db.embedding.findUnique({
          where: { itemId_modelId: { itemId, modelId } },
          select: embeddingSelect,
        });
        if (!row) return null;
        return toRow(row, await topClasses(modelId, [itemId]));
      });
    },

    async *streamAfter(options) {
      const model = validModelId(options.modelId);
      let after = v.int('after', options.after);
      const take = v.limit(options.batchSize, 1000, 10_000);
      const catalogId = options.catalogId === undefined ? undefined : v.id('catalogId', options.catalogId);
      for (;;) {
        const batch = await ctx.run(async () => {
          const rows = await db.embedding.findMany({
            where: {
              modelId: model,
              sequence: { gt: after },
              ...(catalogId === undefined ? {} : { item: { catalogId } }),
            },
            orderBy: { sequence: 'asc' },
            take,
            select: embeddingSelect,
          });
          const classes = await topClasses(
            model,
            rows.map((r) => r.itemId),
          );
          return {
            rows: rows.flatMap((r) => toRow(r, classes) ?? []),
            fetched: rows.length,
            last: rows.at(-1)?.sequence ?? after,
          };
        });
        if (batch.rows.length > 0) yield batch.rows;
        if (batch.fetched < take) return;
        after = batch.last;
      }
    },

    async *changesAfter(options) {
      const model = validModelId(options.modelId);
      let after = v.int('after', options.after);
      const take = v.limit(options.batchSize, 1000, 10_000);
      for (;;) {
        const result = await ctx.run(async (): Promise<{ batch: ChangeBatch; events: number }> => {
          const events = await db.indexEvent.findMany({
            where: { modelId: model, sequence: { gt: after } },
            orderBy: { sequence: 'asc' },
            take,
          });
          const addSequences = events.filter((e) => e.op === 'add').map((e) => e.sequence);
          const current =
            addSequences.length === 0
              ? []
              : await db.embedding.findMany({
                  where: { modelId: model, sequence: { in: addSequences } },
                  select: embeddingSelect,
                });
          const bySequence = new Map(current.map((e) => [e.sequence, e]));
          const classes = await topClasses(
            model,
            current.map((e) => e.itemId),
          );
          const changes: IndexChange[] = [];
          for (const event of events) {
            if (event.op === 'remove') {
              changes.push({
                op: 'remove',
                itemId: event.itemId,
                catalogId: event.catalogId,
                modelId: event.modelId,
                sequence: event.sequence,
              });
            } else {
              const embedding = bySequence.get(event.sequence);
              const row = embedding ? toRow(embedding, classes) : null;
              // Replaced or deleted since: a later event carries the current state.
              if (row) changes.push({ op: 'add', ...row });
            }
          }
          return { batch: { changes, lastSequence: events.at(-1)?.sequence ?? after }, events: events.length };
        });
        if (result.events > 0) yield result.batch;
        if (result.events < take) return;
        after = result.batch.lastSequence;
      }
    },

    async latestSequence(options = {}) {
      const model = options.modelId === undefined ? undefined : validModelId(options.modelId);
      return ctx.run(async () => {
        const result = await db.indexEvent.aggregate({ _max: { sequence: true }, ...(model === undefined ? {} : { where: { modelId: model } }) });
        return result._max.sequence ?? 0;
      });
    },

    async count(options = {}) {
      return ctx.run(() =>
        db.embedding.count({
          where: {
            ...(options.modelId === undefined ? {} : { modelId: options.modelId }),
            ...(options.catalogId === undefined ? {} : { item: { catalogId: options.catalogId } }),
          },
        }),
      );
    },

    async models() {
      return ctx.run(async () => {
        const groups = await db.embedding.groupBy({
          by: ['modelId'],
          _count: { _all: true },
          orderBy: { modelId: 'asc' },
        });
        return groups.map((g) => ({ modelId: g.modelId, count: g._count._all }));
      });
    },

    async itemsWithout(options) {
      const model = validModelId(options.modelId);
      const take = v.limit(options.limit, 100, 10_000);
      const after = v.cursor(options.cursor);
      return ctx.run(async () => {
        const rows = await db.item.findMany({
          where: {
            id: { gt: after },
            embeddings: { none: { modelId: model } },
            ...(options.catalogId === undefined ? {} : { catalogId: options.catalogId }),
          },
          orderBy: { id: 'asc' },
          take: take + 1,
        });
        const page = rows.slice(0, take).map(toItem);
        return { items: page, nextCursor: rows.length > take ? (page.at(-1)?.id ?? null) : null };
      });
    },
  };
}
