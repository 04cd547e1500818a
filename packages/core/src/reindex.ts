// Reindex: computes this instance's model's embeddings for items that lack one (after a model or pooling change), or
// for all items, from the stored originals; then catches the index up and snapshots it.
import type { Store } from '@loupe/db';
import type { LoupeContext } from './context.ts';

export interface ReindexOptions {
  catalog?: string;
  all?: boolean;
  /** Stops early (a job worker shutting down); what was computed stays. */
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface ReindexResult {
  reindexed: number;
  failed: Array<{ id: number; reason: string }>;
}

export async function reindex(ctx: LoupeContext, opts: ReindexOptions = {}): Promise<ReindexResult> {
  const { store, storage, modelId } = ctx;
  const catalogId = opts.catalog ? (await ctx.scope.bySlug(opts.catalog)).id : undefined;
  const todo: Array<{ id: number; storedFile: string }> = [];
  let cursor: number | null = null;
  do {
    const page: Awaited<ReturnType<Store['items']['list']>> = opts.all
      ? await store.items.list({ catalogId, limit: 1000, cursor })
      : await store.embeddings.itemsWithout({ modelId, catalogId, limit: 1000, cursor });
    for (const item of page.items) todo.push({ id: item.id, storedFile: item.storedFile });
    cursor = page.nextCursor;
  } while (cursor !== null);
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
  return { reindexed, failed };
}
