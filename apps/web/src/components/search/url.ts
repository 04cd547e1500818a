// A search in the URL: the filters and catalog, and the query when it has an address (an item id). An uploaded image
// has none, so its history entry carries the upload's serial and Back/Forward find the file again in this tab.
import type { Filters } from './types';

export interface UrlState {
  itemId: number | null;
  filters: Filters;
}

export function readUrl(search: string): UrlState {
  const q = new URLSearchParams(search);
  const id = Number(q.get('item'));
  const minScore = Number(q.get('minScore') ?? 0);
  const classId = q.get('classId') ?? '';
  const catalog = q.get('catalog') ?? '';
  return {
    itemId: Number.isInteger(id) && id > 0 ? id : null,
    filters: {
      catalog,
      classId: /^\d+$/.test(classId) ? classId : '',
      minScore: Number.isFinite(minScore) && minScore > 0 && minScore <= 1 ? minScore : 0,
      label: catalog ? (q.get('label') ?? '') : '',
    },
  };
}

/** The URL of a search; the item id goes last so that `?item=ID` alone stays the address of "More like this". */
export function writeUrl({ itemId, filters }: UrlState): string {
  const q = new URLSearchParams();
  if (filters.catalog) q.set('catalog', filters.catalog);
  if (filters.classId !== '') q.set('classId', filters.classId);
  if (filters.minScore > 0) q.set('minScore', String(filters.minScore));
  if (filters.catalog && filters.label) q.set('label', filters.label);
  if (itemId !== null) q.set('item', String(itemId));
  return q.size ? `/?${q}` : '/';
}
