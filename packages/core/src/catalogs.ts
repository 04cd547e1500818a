// Catalogs: create, list, get, rename, delete — and the one place a slug becomes an id (CatalogScope), so a query
// resolves its catalogs once.
import type { Catalog, CatalogChanges, CatalogObjects, CatalogWithCount, Store } from '@loupe/db';
import { NotFoundError } from './errors.ts';
import type { LoupeContext } from './context.ts';

/** Slug ↔ id, remembered per instance (a slug never moves to another id; a deleted catalog is forgotten). */
export interface CatalogScope {
  /** The catalog named by `slug`; NotFoundError when there is none. */
  bySlug(slug: string): Promise<Catalog>;
  /** Ids of the named catalogs (undefined: all catalogs). */
  ids(catalog: string | readonly string[] | undefined): Promise<number[] | undefined>;
  slugOf(id: number): Promise<string>;
  forget(slug: string): void;
}

export function createCatalogScope(store: Store): CatalogScope {
  const slugs = new Map<number, string>();
  const scope: CatalogScope = {
    async bySlug(slug) {
      const c = await store.catalogs.getBySlug(slug);
      if (!c) throw new NotFoundError(`no catalog "${slug}"`);
      slugs.set(c.id, c.slug);
      return c;
    },
    async ids(catalog) {
      if (catalog === undefined) return undefined;
      const list = typeof catalog === 'string' ? [catalog] : catalog;
      return Promise.all(list.map(async (slug) => (await scope.bySlug(slug)).id));
    },
    async slugOf(id) {
      let slug = slugs.get(id);
      if (slug === undefined) {
        slug = (await store.catalogs.getById(id))?.slug ?? String(id);
        slugs.set(id, slug);
      }
      return slug;
    },
    forget(slug) {
      for (const [id, s] of slugs) if (s === slug) slugs.delete(id);
    },
  };
  return scope;
}

export function createCatalogs(ctx: LoupeContext) {
  const { store } = ctx;
  return {
    create: (slug: string, options: { name?: string; objects?: CatalogObjects } = {}): Promise<Catalog> =>
      store.catalogs.create({ slug, ...(options.name ? { name: options.name } : {}), ...(options.objects ? { objects: options.objects } : {}) }),
    list: (): Promise<CatalogWithCount[]> => store.catalogs.list(),
    /** One catalog with its item count; NotFoundError when there is none. */
    async get(slug: string): Promise<CatalogWithCount> {
      const catalog = (await store.catalogs.list()).find((c) => c.slug === slug);
      if (!catalog) throw new NotFoundError(`no catalog "${slug}"`);
      return catalog;
    },
    update: (slug: string, changes: CatalogChanges): Promise<Catalog> => store.catalogs.update(slug, changes),
    /** Deletes the catalog with its items; the index follows. */
    async delete(slug: string): Promise<{ items: number }> {
      const result = await store.catalogs.delete(slug);
      ctx.scope.forget(slug);
      await (await ctx.openedIndex())?.catchUp();
      return result;
    },
  };
}

export type Catalogs = ReturnType<typeof createCatalogs>;
