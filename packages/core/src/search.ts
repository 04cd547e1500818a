// Search by image, by item ("more like this") and by vector, and the pages after the first. A query is prepared
// once — its catalogs resolved, its head and label filter looked up, its vector made — and kept server-side behind
// an opaque cursor for a while, so a later page neither uploads nor embeds again. The ranked hits are kept too and
// widened by doubling when a page needs more, so paging through n results costs O(n log n), with no cap.
import { randomBytes } from 'node:crypto';
import type { ClassifierHead, HydratedItem } from '@loupe/db';
import type { ImageAnalysis, ImageInput, Settled } from '@loupe/embedding';
import type { SearchHit } from '@loupe/vector-index';
import { CursorExpiredError, InvalidQueryError, NotFoundError, VectorModelMismatchError } from './errors.ts';
import { FEATURE_DIM, type LoupeContext } from './context.ts';
import { atLeast, MATCHES, matchOf, type Match, type MatchThresholds } from './relevance.ts';
import { OBJECT_SLOTS } from './index-manager.ts';
import type { ObjectSearchResponse, ObjectSearchResult, QueryAnalysis, QueryObjectResults, SearchOptions, SearchResponse, SearchResult } from './types.ts';

/** How long an unused query stays pageable, and how many are kept (the oldest go first). */
const CURSOR_TTL_MS = 15 * 60_000;
const MAX_CURSORS = 500;
const MAX_PAGE = 1000;

interface PreparedQuery {
  vector: Float32Array;
  query: QueryAnalysis | null;
  head: ClassifierHead | null;
  filter: { ef?: number; minScore?: number; classId?: number; exact?: boolean; catalogIds?: number[]; excludeId?: number; ids?: Set<number> };
  /** Only hits at least this strong; the thresholds of each catalog met so far. */
  minMatch: Match | undefined;
  thresholds: Map<number, MatchThresholds>;
  /** A region query also matches the items' objects (the object index); a hit through one names it (`objectId`). */
  objects: boolean;
  /** The hits ranked so far (with their match), and whether the index has no more. */
  hits: Array<SearchHit & { match: Match; objectId?: number }>;
  exhausted: boolean;
  usedAt: number;
}

/** What a query's filters resolve to, once per query. */
interface Scope {
  catalogIds: number[] | undefined;
  head: ClassifierHead | null;
  ids: Set<number> | undefined;
}

function checkMinMatch(m: unknown): Match | undefined {
  if (m !== undefined && !MATCHES.includes(m as Match)) throw new InvalidQueryError(`minMatch must be one of ${MATCHES.join(', ')}, got ${String(m)}`);
  return m as Match | undefined;
}

function checkK(k: number | undefined): number {
  const value = k ?? 10;
  if (!Number.isInteger(value) || value < 1 || value > MAX_PAGE) throw new InvalidQueryError(`k must be an integer from 1 to ${MAX_PAGE}, got ${value}`);
  return value;
}

/** A query that names a region of its image (a crop, or an object the user picked). */
function isRegion(image: ImageInput): boolean {
  return typeof image === 'object' && !(image instanceof Uint8Array) && 'region' in image && image.region !== undefined;
}

export function createSearch(ctx: LoupeContext) {
  const { store, modelId, heads, scope, relevance } = ctx;
  const prepared = new Map<string, PreparedQuery>();

  /** Catalog ids, the one searched catalog's active head (labels, label filter) and the label filter's item ids. */
  async function resolveScope(opts: SearchOptions): Promise<Scope> {
    const catalogIds = await scope.ids(opts.catalog);
    if (catalogIds?.length !== 1) {
      if (opts.label !== undefined) throw new InvalidQueryError("filtering by label needs exactly one catalog (the label is its head's)");
      return { catalogIds, head: null, ids: undefined };
    }
    const head = await heads.activeHead(catalogIds[0]!);
    if (!head && opts.label !== undefined) throw new InvalidQueryError(`catalog "${String(opts.catalog)}" has no active head (trained on this instance's vectors) to filter by label`);
    const ids = head && opts.label !== undefined ? new Set(await store.labels.itemIds(head.id, opts.label)) : undefined;
    return { catalogIds, head, ids };
  }

  function remember(q: PreparedQuery): string {
    for (const [token, old] of prepared) if (prepared.size >= MAX_CURSORS || performance.now() - old.usedAt > CURSOR_TTL_MS) prepared.delete(token);
    const token = randomBytes(12).toString('base64url');
    prepared.set(token, q);
    return token;
  }

  /** The results from `offset` on (k of them), widening the kept hits when needed. */
  async function page(q: PreparedQuery, token: string, offset: number, k: number, started: number): Promise<SearchResponse> {
    const index = await ctx.index();
    await index.catchUp();
    const want = offset + k + 1; // one more than the page: is there a next one?
    while (q.hits.length < want && !q.exhausted) {
      const asked = Math.max(want, q.hits.length * 2, 64);
      const wider: Array<SearchHit & { objectId?: number }> = q.objects ? await withObjects(q, asked, index.search(q.vector, { k: asked, ...q.filter })) : index.search(q.vector, { k: asked, ...q.filter });
      // Pages already given stay as they were: the wider search only adds what they did not hold.
      const seen = new Set(q.hits.map((h) => h.id));
      const added = wider.filter((h) => !seen.has(h.id));
      const unknown = added.map((h) => index.catalogOf(h.id)).filter((c): c is number => c !== undefined && !q.thresholds.has(c));
      for (const [catalogId, t] of await relevance.thresholds(unknown)) q.thresholds.set(catalogId, t);
      for (const h of added) {
        const t = q.thresholds.get(index.catalogOf(h.id) ?? -1);
        if (!t) continue; // deleted since the index was read
        const match = matchOf(h.score, t);
        if (q.minMatch === undefined || atLeast(match, q.minMatch)) q.hits.push({ ...h, match });
      }
      q.exhausted = wider.length < asked;
    }
    const hits = q.hits.slice(offset, offset + k);
    const items = await store.items.getByIds(hits.map((h) => h.id), { modelId, ...(q.objects ? { objectsModelId: ctx.objectsModelId } : {}) });
    const byId = new Map<number, HydratedItem>(items.map((i) => [i.id, i]));
    const labels = q.head ? await heads.labelsOf(q.head, items.map((i) => i.id)) : undefined;
    const results: SearchResult[] = [];
    for (const hit of hits) {
      const item = byId.get(hit.id);
      if (!item) continue; // deleted since the index was read
      const result: SearchResult = { id: hit.id, score: hit.score, match: hit.match, item, catalog: await scope.slugOf(item.catalogId) };
      const object = hit.objectId === undefined ? undefined : item.objects?.[hit.objectId % OBJECT_SLOTS];
      if (object) result.region = { x0: object.x0, y0: object.y0, x1: object.x1, y1: object.y1, label: object.label };
      if (labels) result.label = labels.get(item.id) ?? null;
      results.push(result);
    }
    q.usedAt = performance.now();
    const more = q.hits.length > offset + k;
    return { query: q.query, results, nextCursor: more ? `${token}.${offset + k}` : null, tookMs: Math.round(performance.now() - started) };
  }

  /**
   * A region's hits from both indexes, one per item, by the better score: the whole item's vector, or one of its
   * objects (then the hit names that object). `asked` of them at most.
   */
  async function withObjects(q: PreparedQuery, asked: number, images: SearchHit[]): Promise<Array<SearchHit & { objectId?: number }>> {
    const objects = await ctx.objectIndex();
    await objects.catchUp();
    const best = new Map<number, SearchHit & { objectId?: number }>(images.map((h) => [h.id, h]));
    for (const h of objects.search(q.vector, { k: asked, ...q.filter })) {
      const id = objects.itemOf(h.id);
      if (h.score > (best.get(id)?.score ?? -Infinity)) best.set(id, { id, score: h.score, objectId: h.id });
    }
    return [...best.values()].sort((a, b) => b.score - a.score).slice(0, asked);
  }

  function start(vector: Float32Array, opts: SearchOptions, s: Scope, query: QueryAnalysis | null, excludeId?: number, objects = false) {
    const q: PreparedQuery = {
      vector,
      query,
      objects,
      head: s.head,
      filter: { ef: opts.ef, minScore: opts.minScore, classId: opts.classId, exact: opts.exact, catalogIds: s.catalogIds, excludeId, ids: s.ids },
      minMatch: checkMinMatch(opts.minMatch),
      thresholds: new Map(),
      hits: [],
      exhausted: false,
      usedAt: performance.now(),
    };
    return { q, token: remember(q) };
  }

  /** The k items whose objects are closest to one query object's vector: each item's best object, with its match. */
  async function objectHits(vector: Float32Array, opts: SearchOptions, minMatch: Match | undefined, s: Scope, k: number): Promise<ObjectSearchResult[]> {
    const index = await ctx.objectIndex();
    const best = new Map<number, SearchHit>();
    // An item may hold several similar objects: ask for more hits until k items are found or the index has no more.
    for (let asked = 4 * k; ; asked *= 2) {
      const hits = index.search(vector, { k: asked, ef: opts.ef, minScore: opts.minScore, exact: opts.exact, catalogIds: s.catalogIds, ids: s.ids });
      best.clear();
      for (const h of hits) if (!best.has(index.itemOf(h.id))) best.set(index.itemOf(h.id), h);
      if (best.size >= k || hits.length < asked || asked >= 64 * k) break;
    }
    const catalogs = [...new Set([...best.values()].map((h) => index.catalogOf(h.id)).filter((c): c is number => c !== undefined))];
    const thresholds = await relevance.thresholds(catalogs);
    const items = new Map((await store.items.getByIds([...best.keys()], { modelId, objectsModelId: ctx.objectsModelId })).map((i) => [i.id, i]));
    const labels = s.head ? await heads.labelsOf(s.head, [...items.keys()]) : undefined;
    const results: ObjectSearchResult[] = [];
    for (const [itemId, hit] of best) {
      const item = items.get(itemId);
      const t = thresholds.get(index.catalogOf(hit.id) ?? -1);
      const object = item?.objects?.[hit.id % OBJECT_SLOTS];
      if (!item || !t || !object) continue; // deleted since the index was read
      const match = matchOf(hit.score, t);
      if (minMatch !== undefined && !atLeast(match, minMatch)) continue;
      const { x0, y0, x1, y1, label } = object;
      const result: ObjectSearchResult = { id: itemId, score: hit.score, match, item, catalog: await scope.slugOf(item.catalogId), region: { x0, y0, x1, y1, label } };
      if (labels) result.label = labels.get(itemId) ?? null;
      results.push(result);
      if (results.length === k) break;
    }
    return results;
  }

  const queryOf = (a: ImageAnalysis): QueryAnalysis => ({ width: a.width, height: a.height, predictions: a.predictions, boxes: a.boxes });

  return {
    /** One response per query image, in order; a bad image gives `{ ok: false, error }` in its place. */
    async byImages(queries: ImageInput[], opts: SearchOptions = {}): Promise<Array<Settled<SearchResponse>>> {
      const k = checkK(opts.k);
      checkMinMatch(opts.minMatch);
      const s = await resolveScope(opts); // an unknown catalog fails before any image is analysed
      const embedder = await ctx.embedder();
      const out: Array<Settled<SearchResponse>> = [];
      // With a catalog head, the same pass also returns the feature map: the head's CAM box for the query.
      for await (const r of embedder.analyzeEach(queries, { topK: 5, featureMap: s.head !== null })) {
        const started = performance.now();
        if (!r.ok) {
          out.push(r);
          continue;
        }
        const query = queryOf(r.value);
        if (s.head) query.head = await heads.describe(s.head, r.value.vector, r.value.featureMap);
        // A region of the query is matched against the items' objects too, where objects are kept.
        const { q, token } = start(r.value.vector, opts, s, query, undefined, ctx.objects && isRegion(queries[r.index]!));
        out.push({ index: r.index, ok: true, value: await page(q, token, 0, k, started) });
      }
      return out;
    },

    /**
     * Search by object: detects each query image's objects and, for each, finds the catalog items holding the most
     * similar objects (one result per item, with the matched object's box as `region`). One response per image, in
     * order; a bad image gives `{ ok: false, error }` in its place.
     */
    async byObjects(queries: ImageInput[], opts: SearchOptions = {}): Promise<Array<Settled<ObjectSearchResponse>>> {
      const k = checkK(opts.k);
      const minMatch = checkMinMatch(opts.minMatch);
      const s = await resolveScope(opts);
      await (await ctx.objectIndex()).catchUp();
      const out: Array<Settled<ObjectSearchResponse>> = [];
      for (const [i, image] of queries.entries()) {
        const started = performance.now();
        let found;
        try {
          found = await ctx.detection.detect(image, { vectors: true });
        } catch (error) {
          out.push({ index: i, ok: false, error: error as Error });
          continue;
        }
        const objects: QueryObjectResults[] = [];
        for (const { vector, ...object } of found.objects) objects.push({ object, results: vector ? await objectHits(vector, opts, minMatch, s, k) : [] });
        out.push({ index: i, ok: true, value: { width: found.width, height: found.height, objects, tookMs: Math.round(performance.now() - started) } });
      }
      return out;
    },

    /** "More like this": the neighbours of an indexed item (the item itself left out). */
    async byItem(itemId: number, opts: SearchOptions = {}): Promise<SearchResponse> {
      const started = performance.now();
      const k = checkK(opts.k);
      const index = await ctx.index();
      await index.catchUp();
      const vector = index.vectorOf(itemId);
      if (!vector) throw new NotFoundError(`item ${itemId} is not indexed for model ${modelId}`);
      const { q, token } = start(vector, opts, await resolveScope(opts), null, itemId);
      return page(q, token, 0, k, started);
    },

    /** A vector made elsewhere (the browser); with `model`, a vector of another model or pooling is refused. */
    async byVector(vector: Float32Array, opts: SearchOptions & { model?: string } = {}): Promise<SearchResponse> {
      if (opts.model !== undefined && opts.model !== modelId)
        throw new VectorModelMismatchError(`the vector was made by model "${opts.model}", but this instance searches "${modelId}"`);
      if (vector.length !== FEATURE_DIM) throw new InvalidQueryError(`a query vector has ${FEATURE_DIM} values, got ${vector.length}`);
      if (!vector.every(Number.isFinite)) throw new InvalidQueryError('the query vector has non-finite values');
      if (vector.every((x) => x === 0)) throw new InvalidQueryError('the query vector is all zeros: it has no direction to compare');
      const started = performance.now();
      const k = checkK(opts.k);
      const { q, token } = start(vector, opts, await resolveScope(opts), null);
      return page(q, token, 0, k, started);
    },

    /**
     * The page after `cursor` (a `nextCursor`): the same query and filters, nothing analysed again. A cursor unused
     * for 15 minutes, or from another server process, is gone (CursorExpiredError): search again.
     */
    async more(cursor: string, opts: { k?: number } = {}): Promise<SearchResponse> {
      const started = performance.now();
      const k = checkK(opts.k);
      const match = /^([\w-]{16})\.(\d{1,9})$/.exec(cursor);
      if (!match) throw new InvalidQueryError('the cursor is not one this server gave (pass nextCursor as it is)');
      const [, token, offset] = match;
      const q = prepared.get(token!);
      if (!q || performance.now() - q.usedAt > CURSOR_TTL_MS) {
        prepared.delete(token!);
        throw new CursorExpiredError('this result cursor has expired (or was made by another server process): search again');
      }
      return page(q, token!, Number(offset), k, started);
    },
  };
}

export type Search = ReturnType<typeof createSearch>;
