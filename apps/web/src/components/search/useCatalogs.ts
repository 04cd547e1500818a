'use client';
// The catalogs for the filter, a few items to start from before any query, and the chosen catalog's active
// classifier head (its classes are the label filter's options).
import { useEffect, useState } from 'react';
import { loupe, type Catalog, type SearchResult } from '../../lib/api';

export interface CatalogHead {
  catalog: string;
  version: number;
  field: string;
  classes: string[];
}

export function useCatalogs() {
  const [catalogs, setCatalogs] = useState<Catalog[]>([]);
  const [starters, setStarters] = useState<SearchResult[]>([]);
  useEffect(() => {
    loupe.catalogs
      .list()
      .then(async (list) => {
        setCatalogs(list);
        const first = list.find((c) => c.items > 0);
        if (!first) return;
        const page = await loupe.items.list(first.slug, { limit: 8 });
        setStarters(
          page.items.map((i) => ({
            id: i.id,
            score: 1,
            match: 'weak' as const, // a starter, not a match: shown without a badge
            title: i.title,
            catalog: i.catalog,
            thumbnailUrl: i.thumbnailUrl,
            width: i.width,
            height: i.height,
            topClass: i.predictions[0]?.label ?? null,
            topClassScore: i.predictions[0]?.score ?? null,
            objectLabels: [...new Set(i.objects.map((o) => o.label))],
            label: i.label,
          })),
        );
      })
      .catch(() => undefined);
  }, []);
  const catalogName = (slug: string) => catalogs.find((c) => c.slug === slug)?.name ?? slug;
  return { catalogs, starters, catalogName };
}

/** The catalog's active head: null until it is known, when there is none, or without a catalog. */
export function useCatalogHead(catalog: string): CatalogHead | null {
  const [head, setHead] = useState<CatalogHead | null>(null);
  useEffect(() => {
    if (!catalog) return;
    let cancelled = false;
    loupe.heads
      .list(catalog)
      .then(({ heads }) => {
        if (cancelled) return;
        const active = heads.find((h) => h.active);
        setHead(active ? { catalog, version: active.version, field: active.field, classes: active.classes } : null);
      })
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [catalog]);
  return head && head.catalog === catalog ? head : null;
}
