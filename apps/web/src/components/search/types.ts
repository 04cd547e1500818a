// The search page's shared shapes: what is being searched, with which filters, and how the results were produced.
import { rectParam, type Item, type Rect } from '../../lib/api';

/** An uploaded image (its serial tells two uploads of the same file apart) or an indexed item ("More like this"). */
export type Source = { kind: 'image'; file: File; url: string; serial: number } | { kind: 'item'; item: Item };
/** Where the model runs for an uploaded image. */
export type Mode = 'server' | 'browser';

export interface Filters {
  catalog: string;
  classId: string;
  minScore: number;
  /** A label of the catalog's active head ('' = any); only with a catalog. */
  label: string;
}
export const NO_FILTERS: Filters = { catalog: '', classId: '', minScore: 0, label: '' };

export interface Produced {
  by: 'server' | 'browser' | 'item';
  ms?: number;
  detail?: string;
}

/** The query's image as the API takes it: the upload, or an item's stored original fetched from the server. */
export const sourceImage = async (s: Source) =>
  s.kind === 'image' ? s.file : { data: await (await fetch(s.item.imageUrl)).blob(), name: 'item' };

export const sourceKey = (s: Source | null) => (!s ? '' : s.kind === 'image' ? `f${s.serial}` : `i${s.item.id}`);
export const cropKey = (crop: Rect | null) => (crop ? rectParam(crop) : '');
export const sameRect = (a: Rect | null, b: Rect | null) => (a && b ? rectParam(a) === rectParam(b) : a === b);
