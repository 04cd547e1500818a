// Search by image, by item ("more like this") and by vector, and the pages after the first. A query is prepared
// once — its catalogs resolved, its head and label filter looked up, its vector made — and kept server-side behind
// an opaque cursor for a while, so a later page neither uploads nor embeds again. The ranked hits are kept too and
// widened by doubling when a page needs more, so paging through n results costs O(n log n), with no cap. A search
// across several catalogs shows the same image (content hash) once, listing its other catalogs (same-image.ts).
import { randomBytes } from 'node:crypto';
import type { Box, ClassifierHead, HydratedItem } from '@loupe/db';
import type { ImageAnalysis, ImageInput, Settled } from '@loupe/embedding';
import type { SearchHit } from '@loupe/vector-index';
import { CursorExpiredError, InvalidQueryError, NotFoundError, VectorModelMismatchError } from './errors.ts';
import { FEATURE_DIM, type LoupeContext } from './context.ts';
import { atLeast, MATCHES, matchOf, type Match, type MatchThresholds } from './relevance.ts';
import { OBJECT_SLOTS } from './index-manager.ts';
import { isRegion } from './image-input.ts';
import { copiesOf, ImageGroups } from './same-image.ts';
import { sameCheck, type SameCheck } from './verify-same.ts';
import type { ObjectRegion, ObjectSearchResponse, ObjectSearchResult, QueryAnalysis, QueryObjectResults, SearchOptions, SearchResponse, SearchResult } from './types.ts';

/** How long an unused query stays pageable, and how many are kept (the oldest go first). */
const CURSOR_TTL_MS = 15 * 60_000;
const MAX_CURSORS = 500;
const MAX_PAGE = 1000;
/**
 * Copies of one image have the same vector, so the same score up to rounding. A page is given only once the ranking
 * reaches this far below its lowest result, so that no copy of an image on it can turn up on a later page.
 */
const SAME_SCORE = 1e-4;
/**
 * How many "same" candidates of one query are checked geometrically (verify-same.ts), best score first: each costs
 * a read and decode of the item's original and an ORB match (~0.1–0.2 s). Those after them keep the cosine's verdict.
 */
export const SAME_CHECKS = 5;

type KeptHit = SearchHit & { match: Match; objectId?: number };

interface PreparedQuery {
  vector: Float32Array;
  query: QueryAnalysis | null;
  head: ClassifierHead | null;
  filter: { ef?: number; minScore?: number; classId?: number; exact?: boolean; catalogIds?: number[]; excludeId?: number; ids?: Set<number> };
  /** Only hits at least this strong; the thresholds of each catalog met so far. */
  minMatch: Match | undefined;
  thresholds: Map<number, MatchThresholds>;
  /**
   * Where the query's image is at hand (an image or region query, an item's original): a cosine "same" is checked
   * against the item's original and demoted to "similar" when the photos do not match geometrically. `checks`: how
   * many checks are left (SAME_CHECKS per query).
   */
  verify: { check: SameCheck; checks: number } | undefined;
  /** A region query also matches the items' objects (the object index); a hit through one names it (`objectId`). */
  objects: boolean;
  /**
   * The results ranked so far: each the hits (with their match) of one image, the lead first — one hit, unless the
   * query spans several catalogs (`collapse`), where the same content hash makes one result.
   */
  results: ImageGroups<KeptHit>;
  collapse: boolean;
  /** Every item the index gave so far (kept or filtered out), how many hits were last asked for, and the lowest score
   *  they reached (an item not seen yet scores no higher); whether the index has no more. */
  seen: Set<number>;
  asked: number;
  floor: number;
  exhausted: boolean;
  usedAt: number;
}

/** What a query's filters resolve to, once per query. */
interface Scope {
  catalogIds: number[] | undefined;
  head: ClassifierHead | null;
  ids: Set<number> | undefined;
}

/** The item's object a hit matched through: its box, label and (where its catalog stores masks) mask. */
function regionOf(object: Box): ObjectRegion {
  const { x0, y0, x1, y1, label, mask } = object;
  return { x0, y0, x1, y1, label, ...(mask ? { mask } : {}) };
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

/** A search of several catalogs (or all), where the same image may be in more than one. */
const spansCatalogs = (s: Scope): boolean => s.catalogIds === undefined || s.catalogIds.length > 1;

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

  /** True when no copy of an image on the page can still come: the ranking has gone clearly below its results. */
  function settled(q: PreparedQuery, offset: number, k: number): boolean {
    return !q.collapse || q.results.ranked.slice(offset, offset + k).every((group) => group[0]!.score > q.floor + SAME_SCORE);
  }

  /** The results from `offset` on (k of them), widening the kept hits when needed. */
  async function page(q: PreparedQuery, token: string, offset: number, k: number, started: number): Promise<SearchResponse> {
    const index = await ctx.index();
    await index.catchUp();
    const want = offset + k + 1; // one more than the page: is there a next one?
    while (!q.exhausted && (q.results.ranked.length < want || !settled(q, offset, k))) {
      // Doubled from what was asked, not from what was kept: minMatch or the same image in several catalogs may keep
      // far fewer results than hits.
      const asked = Math.max(want, q.asked * 2, 64);
      const wider: Array<SearchHit & { objectId?: number }> = q.objects ? await withObjects(q, asked, index.search(q.vector, { k: asked, ...q.filter })) : index.search(q.vector, { k: asked, ...q.filter });
      // Pages already given stay as they were: the wider search only adds what they did not hold.
      const added = wider.filter((h) => !q.seen.has(h.id));
      for (const h of added) q.seen.add(h.id);
      const unknown = added.map((h) => index.catalogOf(h.id)).filter((c): c is number => c !== undefined && !q.thresholds.has(c));
      for (const [catalogId, t] of await relevance.thresholds(unknown)) q.thresholds.set(catalogId, t);
      const matched: KeptHit[] = [];
      for (const h of added) {
        const t = q.thresholds.get(index.catalogOf(h.id) ?? -1);
        if (!t) continue; // deleted since the index was read
        matched.push({ ...h, match: matchOf(h.score, t) });
      }
      if (q.verify) await verifySame(q.verify, matched);
      // after the check: a demoted "same" does not pass a "same" filter
      const kept = matched.filter((h) => q.minMatch === undefined || atLeast(h.match, q.minMatch));
      q.results.add(kept, q.collapse ? await store.items.contentHashes(kept.map((h) => h.id)) : undefined);
      q.asked = asked;
      q.floor = wider.at(-1)?.score ?? -Infinity;
      q.exhausted = wider.length < asked;
    }
    const groups = q.results.ranked.slice(offset, offset + k);
    // objects too: a result's objects name what it shows better than ImageNet's top class does
    const items = await store.items.getByIds(groups.flat().map((h) => h.id), { modelId, objectsModelId: ctx.objectsModelId });
    const byId = new Map<number, HydratedItem>(items.map((i) => [i.id, i]));
    const labels = q.head ? await heads.labelsOf(q.head, items.map((i) => i.id)) : undefined;
    const results: SearchResult[] = [];
    for (const group of groups) {
      const [hit, ...copies] = group.filter((h) => byId.has(h.id)); // deleted since the index was read: left out
      if (!hit) continue;
      const item = byId.get(hit.id)!;
      const result: SearchResult = { id: hit.id, score: hit.score, match: hit.match, item, catalog: await scope.slugOf(item.catalogId) };
      const object = hit.objectId === undefined ? undefined : item.objects?.[hit.objectId % OBJECT_SLOTS];
      if (object) result.region = regionOf(object);
      if (labels) result.label = labels.get(item.id) ?? null;
      if (copies.length > 0) result.alsoIn = await copiesOf(scope, copies.map((h) => byId.get(h.id)!));
      results.push(result);
    }
    q.usedAt = performance.now();
    const more = q.results.ranked.length > offset + k;
    return { query: q.query, results, nextCursor: more ? `${token}.${offset + k}` : null, tookMs: Math.round(performance.now() - started) };
  }

  /**
   * Checks the first "same" hits (in rank order, as many as checks are left) against their items' originals: a photo
   * that does not match the query geometrically becomes "similar". Where the check cannot judge (an image too small,
   * an original that cannot be read, OpenCV failing to load) the cosine's verdict stays.
   */
  async function verifySame(verify: { check: SameCheck; checks: number }, hits: KeptHit[]): Promise<void> {
    const candidates = hits.filter((h) => h.match === 'same').slice(0, verify.checks);
    if (candidates.length === 0) return;
    verify.checks -= candidates.length;
    const items = new Map((await store.items.getByIds(candidates.map((h) => h.id), { modelId })).map((i) => [i.id, i]));
    for (const h of candidates) {
      const item = items.get(h.id);
      if (!item) continue;
      try {
        const verdict = await verify.check.isSame({ key: item.storedFile, read: () => ctx.storage.read(item.storedFile) });
        if (verdict && !verdict.same) h.match = 'similar';
        ctx.logger?.debug?.({ item: h.id, score: h.score, inliers: verdict?.inliers ?? null }, 'same: geometric check');
      } catch (error) {
        ctx.logger?.warn?.({ item: h.id, err: (error as Error).message }, 'same: the geometric check failed; the cosine decides');
      }
    }
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

  function start(vector: Float32Array, opts: SearchOptions, s: Scope, query: QueryAnalysis | null, excludeId?: number, objects = false, image?: () => Promise<ImageInput>) {
    const q: PreparedQuery = {
      vector,
      query,
      objects,
      head: s.head,
      filter: { ef: opts.ef, minScore: opts.minScore, classId: opts.classId, exact: opts.exact, catalogIds: s.catalogIds, excludeId, ids: s.ids },
      minMatch: checkMinMatch(opts.minMatch),
      thresholds: new Map(),
      verify: image ? { check: sameCheck(image), checks: SAME_CHECKS } : undefined,
      results: new ImageGroups(),
      collapse: spansCatalogs(s),
      seen: new Set(),
      asked: 0,
      floor: Infinity,
      exhausted: false,
      usedAt: performance.now(),
    };
    return { q, token: remember(q) };
  }

  /** The k items whose objects are closest to one query object's vector: each item's best object, with its match. */
  async function objectHits(vector: Float32Array, opts: SearchOptions, minMatch: Match | undefined, s: Scope, k: number): Promise<ObjectSearchResult[]> {
    const index = await ctx.objectIndex();
    const collapse = spansCatalogs(s);
    let found = new ImageGroups<KeptHit>();
    // An item may hold several similar objects, and an image several items (one per catalog): ask for more hits until
    // k images are found or the index has no more.
    for (let asked = 4 * k; ; asked *= 2) {
      const hits = index.search(vector, { k: asked, ef: opts.ef, minScore: opts.minScore, exact: opts.exact, catalogIds: s.catalogIds, ids: s.ids });
      const best = new Map<number, SearchHit>();
      for (const h of hits) if (!best.has(index.itemOf(h.id))) best.set(index.itemOf(h.id), h);
      const thresholds = await relevance.thresholds([...new Set([...best.values()].map((h) => index.catalogOf(h.id)).filter((c): c is number => c !== undefined))]);
      const kept: KeptHit[] = [];
      for (const [itemId, hit] of best) {
        const t = thresholds.get(index.catalogOf(hit.id) ?? -1);
        if (!t) continue; // deleted since the index was read
        const match = matchOf(hit.score, t);
        if (minMatch === undefined || atLeast(match, minMatch)) kept.push({ id: itemId, score: hit.score, match, objectId: hit.id });
      }
      found = new ImageGroups();
      found.add(kept, collapse ? await store.items.contentHashes(kept.map((h) => h.id)) : undefined);
      if (found.ranked.length >= k || hits.length < asked || asked >= 64 * k) break;
    }
    const groups = found.ranked.slice(0, k);
    const items = new Map((await store.items.getByIds(groups.flat().map((h) => h.id), { modelId, objectsModelId: ctx.objectsModelId })).map((i) => [i.id, i]));
    const labels = s.head ? await heads.labelsOf(s.head, [...items.keys()]) : undefined;
    const results: ObjectSearchResult[] = [];
    for (const group of groups) {
      const [hit, ...copies] = group.filter((h) => items.has(h.id));
      const item = hit && items.get(hit.id);
      const object = hit && item?.objects?.[hit.objectId! % OBJECT_SLOTS];
      if (!hit || !item || !object) continue; // deleted since the index was read
      const result: ObjectSearchResult = { id: hit.id, score: hit.score, match: hit.match, item, catalog: await scope.slugOf(item.catalogId), region: regionOf(object) };
      if (labels) result.label = labels.get(hit.id) ?? null;
      if (copies.length > 0) result.alsoIn = await copiesOf(scope, copies.map((h) => items.get(h.id)!));
      results.push(result);
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
        const image = queries[r.index]!;
        const { q, token } = start(r.value.vector, opts, s, query, undefined, ctx.objects && isRegion(image), async () => image);
        const value = await page(q, token, 0, k, started);
        // A cursor keeps the query's image for the check of later pages only while they may hold a "same" (the first
        // page ended on one); once checked, only its features are kept.
        if (q.verify && !q.verify.check.prepared && value.results.at(-1)?.match !== 'same') q.verify = undefined;
        out.push({ index: r.index, ok: true, value });
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
      // its original, for the geometric check of "same" results (read only when one needs checking)
      const original = async () => {
        const [item] = await store.items.getByIds([itemId], { modelId });
        if (!item) throw new NotFoundError(`item ${itemId} is gone`);
        return ctx.storage.read(item.storedFile);
      };
      const { q, token } = start(vector, opts, await resolveScope(opts), null, itemId, false, original);
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
