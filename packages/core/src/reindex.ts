// Reindex: computes this instance's model's embeddings for items that lack one (after a model or pooling change), or
// for all items, from the stored originals; then catches the index up and snapshots it.
import type { Store } from '@loupe/db';
import type { LoupeContext } from './context.ts';
import { objectsToStore } from './detect.ts';

export interface ReindexOptions {
  catalog?: string;
  all?: boolean;
  /** Also detect the objects of items that have none stored for this model (default: LoupeOptions.objects). */
  objects?: boolean;
  /** Stops early (a job worker shutting down); what was computed stays. */
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface ReindexResult {
  reindexed: number;
  /** Items whose objects were detected and indexed. */
  objects: number;
  failed: Array<{ id: number; reason: string }>;
}

export async function reindex(ctx: LoupeContext, opts: ReindexOptions = {}): Promise<ReindexResult> {
  const { store, storage, modelId } = ctx;
  const catalogId = opts.catalog ? (await ctx.scope.bySlug(opts.catalog)).id : undefined;
  const todo = await itemsToDo(store, { modelId, catalogId, all: opts.all });
  const embedder = await ctx.embedder();
  const failed: ReindexResult['failed'] = [];
  let reindexed = 0;
  const inputs = async function* () {
    for (const t of todo) {
      try {
        yield await storage.read(t.storedFile);
      } catch {
        yield new Uint8Array(0); // reported as a failure below, in its place
      }
    }
  };
  for await (const r of embedder.analyzeEach(inputs(), { topK: 5 })) {
    if (opts.signal?.aborted) break;
    const t = todo[r.index]!;
    if (!r.ok) failed.push({ id: t.id, reason: `${t.storedFile}: ${r.error.message}` });
    else {
      await store.embeddings.upsert(t.id, { modelId, vector: r.value.vector, predictions: r.value.predictions, boxes: r.value.boxes });
      reindexed++;
    }
    opts.onProgress?.(reindexed + failed.length, todo.length);
  }
  const index = await ctx.index();
  await index.catchUp();
  await index.snapshot();
  const objects = (opts.objects ?? ctx.objects) && !opts.signal?.aborted ? await reindexObjects(ctx, { catalogId, all: opts.all, signal: opts.signal }, failed) : 0;
  return { reindexed, objects, failed };
}

async function itemsToDo(store: Store, opts: { modelId: string; catalogId?: number; all?: boolean }): Promise<Array<{ id: number; catalogId: number; storedFile: string }>> {
  const todo: Array<{ id: number; catalogId: number; storedFile: string }> = [];
  let cursor: number | null = null;
  do {
    const page: Awaited<ReturnType<Store['items']['list']>> = opts.all
      ? await store.items.list({ catalogId: opts.catalogId, limit: 1000, cursor })
      : await store.embeddings.itemsWithout({ modelId: opts.modelId, catalogId: opts.catalogId, limit: 1000, cursor });
    for (const item of page.items) todo.push({ id: item.id, catalogId: item.catalogId, storedFile: item.storedFile });
    cursor = page.nextCursor;
  } while (cursor !== null);
  return todo;
}

/**
 * Detects and stores the objects of items without any for this instance's objects model (or of all items), as each
 * item's catalog asks: none where it turned objects off, with masks where it stores them.
 */
async function reindexObjects(ctx: LoupeContext, opts: { catalogId?: number; all?: boolean; signal?: AbortSignal }, failed: ReindexResult['failed']): Promise<number> {
  const settings = new Map((await ctx.store.catalogs.list()).map((c) => [c.id, c.objects]));
  const todo = (await itemsToDo(ctx.store, { modelId: ctx.objectsModelId, catalogId: opts.catalogId, all: opts.all })).filter((t) => settings.get(t.catalogId) !== 'off');
  let done = 0;
  for (const t of todo) {
    if (opts.signal?.aborted) break;
    try {
      const image = await ctx.storage.read(t.storedFile);
      await ctx.store.embeddings.upsertObjects(t.id, (await objectsToStore(ctx.detection, image, ctx.objectsModelId, { masks: settings.get(t.catalogId) === 'masks' })).stored);
      done++;
    } catch (error) {
      failed.push({ id: t.id, reason: `${t.storedFile} (objects): ${String((error as Error)?.message ?? error).split('\n')[0]}` });
    }
  }
  const index = await ctx.objectIndex();
  await index.catchUp();
  await index.snapshot();
  return done;
}
