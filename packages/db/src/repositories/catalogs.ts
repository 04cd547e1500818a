import type { StoreContext } from '../context.ts';
import { isUniqueViolation } from '../context.ts';
import { DuplicateCatalogError, InvalidInputError, NotFoundError } from '../errors.ts';
import { CATALOG_OBJECTS, type Catalog, type CatalogObjects, type CatalogRepository, type CatalogWithCount, type NewCatalog } from '../types.ts';
import * as v from '../validate.ts';
import { appendRemoveEvents, toCatalog } from './shared.ts';

function validObjects(value: unknown): CatalogObjects {
  if (!CATALOG_OBJECTS.includes(value as CatalogObjects)) throw new InvalidInputError(`objects must be one of ${CATALOG_OBJECTS.join(', ')}; got ${JSON.stringify(value)}`);
  return value as CatalogObjects;
}

function validNew(input: NewCatalog): { slug: string; name: string; objects: CatalogObjects } {
  const slug = v.slug(input.slug);
  return { slug, name: v.text('name', input.name ?? slug, { max: 200 }), objects: validObjects(input.objects ?? 'boxes') };
}

export function catalogRepository(ctx: StoreContext): CatalogRepository {
  const { db } = ctx;

  async function createRow(data: { slug: string; name: string; objects: CatalogObjects }): Promise<Catalog> {
    try {
      return toCatalog(await db.catalog.create({ data }));
    } catch (error) {
      if (isUniqueViolation(error)) throw new DuplicateCatalogError(data.slug);
      throw error;
    }
  }

  return {
    async create(input) {
      const data = validNew(input);
      return ctx.run(() => createRow(data));
    },

    async ensure(input) {
      const data = validNew(input);
      const { slug } = data;
      return ctx.run(async () => {
        const existing = await db.catalog.findUnique({ where: { slug } });
        if (existing) return { catalog: toCatalog(existing), created: false };
        try {
          return { catalog: await createRow(data), created: true };
        } catch (error) {
          // Another process created it between our read and our insert.
          if (!(error instanceof DuplicateCatalogError)) throw error;
          const row = await db.catalog.findUnique({ where: { slug } });
          if (!row) throw error;
          return { catalog: toCatalog(row), created: false };
        }
      });
    },

    async getBySlug(slug) {
      return ctx.run(async () => {
        const row = await db.catalog.findUnique({ where: { slug } });
        return row ? toCatalog(row) : null;
      });
    },

    async getById(id) {
      return ctx.run(async () => {
        const row = await db.catalog.findUnique({ where: { id } });
        return row ? toCatalog(row) : null;
      });
    },

    async list() {
      return ctx.run(async () => {
        const rows = await db.catalog.findMany({
          orderBy: { slug: 'asc' },
          include: { _count: { select: { items: true } } },
        });
        return rows.map((row): CatalogWithCount => ({ ...toCatalog(row), itemCount: row._count.items }));
      });
    },

    async update(slug, changes) {
      const data = {
        ...(changes.name === undefined ? {} : { name: v.text('name', changes.name, { max: 200 }) }),
        ...(changes.objects === undefined ? {} : { objects: validObjects(changes.objects) }),
      };
      return ctx.run(async () => {
        const { count } = await db.catalog.updateMany({ where: { slug }, data });
        if (count === 0) throw new NotFoundError('catalog', slug);
        const row = await db.catalog.findUnique({ where: { slug } });
        if (!row) throw new NotFoundError('catalog', slug);
        return toCatalog(row);
      });
    },

    async delete(slug) {
      return ctx.run(() =>
        ctx.write(
          async (tx) => {
            const catalog = await tx.catalog.findUnique({ where: { slug }, select: { id: true } });
            if (!catalog) throw new NotFoundError('catalog', slug);
            await appendRemoveEvents(ctx, tx, { catalogId: catalog.id });
            const items = await tx.item.count({ where: { catalogId: catalog.id } });
            await tx.catalog.delete({ where: { id: catalog.id } });
            return { items };
          },
          { sequenced: true },
        ),
      );
    },
  };
}
