// Items: one item, a catalog's items page by page, their stored files, deletion. Under a catalog's active head (one
// trained on this instance's vectors — `heads.activeHead` applies that rule) each item carries its label.
import type { ClassifierHead, HydratedItem } from '@loupe/db';
import { NotFoundError } from './errors.ts';
import type { LoupeContext } from './context.ts';
import { copiesOf } from './same-image.ts';
import type { ItemHeadLabel, ResultCopy } from './types.ts';

export interface ItemView {
  item: HydratedItem;
  catalog: string;
  /** The item's label under its catalog's active head; absent without one, null when the item has no label. */
  label?: ItemHeadLabel | null;
  /** From `get`: the same image (content hash) in other catalogs, oldest first; absent when it is in none. */
  alsoIn?: ResultCopy[];
}

export interface ItemPageView {
  items: ItemView[];
  /** Pass as `cursor` for the next page; null at the end. */
  nextCursor: number | null;
}

export interface ItemFile {
  mimeType: string;
  /** Changes only when the bytes do (content-addressed): an HTTP entity tag. */
  contentHash: string;
  /** Reads the bytes (NotFoundError when the file is gone from disk). */
  read(): Promise<Uint8Array>;
}

export function createItems(ctx: LoupeContext) {
  const { store, modelId, objectsModelId, heads, scope } = ctx;

  async function withLabels(items: HydratedItem[], catalog: string, head: ClassifierHead | null): Promise<ItemView[]> {
    const labels = head ? await heads.labelsOf(head, items.map((i) => i.id)) : undefined;
    return items.map((item) => (labels ? { item, catalog, label: labels.get(item.id) ?? null } : { item, catalog }));
  }

  return {
    /** An item with its predictions, boxes and objects (of this instance's models) and its label. NotFoundError if missing. */
    async get(id: number): Promise<ItemView> {
      const [item] = await store.items.getByIds([id], { modelId, objectsModelId });
      if (!item) throw new NotFoundError(`no item ${id}`);
      const [view] = await withLabels([item], await scope.slugOf(item.catalogId), await heads.activeHead(item.catalogId));
      const copies = (await store.items.withContentHash(item.contentHash)).filter((c) => c.id !== item.id);
      if (copies.length === 0) return view!;
      return { ...view!, alsoIn: await copiesOf(scope, copies) };
    },

    /** A page of a catalog's items in id order, optionally only those whose top class is `classId`. */
    async list(catalog: string, options: { limit?: number; cursor?: number | null; classId?: number } = {}): Promise<ItemPageView> {
      const c = await scope.bySlug(catalog);
      const page = await store.items.list({ catalogId: c.id, limit: options.limit, cursor: options.cursor ?? null, classId: options.classId, modelId });
      const hydrated = await store.items.getByIds(page.items.map((i) => i.id), { modelId, objectsModelId });
      return { items: await withLabels(hydrated, c.slug, await heads.activeHead(c.id)), nextCursor: page.nextCursor };
    },

    /** The stored original or thumbnail of an item. NotFoundError when the item or the file is missing. */
    async file(id: number, which: 'original' | 'thumbnail'): Promise<ItemFile> {
      const item = await store.items.get(id);
      const file = which === 'thumbnail' ? item?.thumbnailFile : item?.storedFile;
      if (!item || !file) throw new NotFoundError(`no ${which} for item ${id}`);
      const read = () =>
        ctx.storage.read(file).catch(() => {
          throw new NotFoundError(`the ${which} file of item ${id} is missing`);
        });
      return { mimeType: which === 'thumbnail' ? 'image/webp' : item.mimeType, contentHash: item.contentHash, read };
    },

    /** Deletes items; the index follows. */
    async remove(ids: number[]): Promise<{ deleted: number }> {
      const result = await store.items.delete(ids);
      for (const index of [await ctx.openedIndex(), await ctx.openedObjectIndex()]) await index?.catchUp();
      return result;
    },
  };
}

export type Items = ReturnType<typeof createItems>;
