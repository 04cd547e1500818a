// The facade both apps use: one object that owns the store, the image storage, the (lazily loaded) embedder and the
// index of the active model, and offers the use cases — catalogs, ingest, search, items, stats, reindex.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createStore, type Catalog, type CatalogWithCount, type HydratedItem, type Job, type Store } from '@loupe/db';
import { createEmbedder, DEFAULT_POOLING, vectorModelId, type Embedder, type ImageAnalysis, type ImageInput, type Settled } from '@loupe/embedding';
import { InvalidQueryError, NotFoundError, VectorModelMismatchError } from './errors.ts';
import { createHeads, type Heads } from './heads.ts';
import { IndexManager } from './index-manager.ts';
import { runIngest } from './ingest.ts';
import { openSource, reopenSource, type IngestSource, type SourceLimits } from './sources/index.ts';
import { ImageStorage } from './storage.ts';
import type { IngestOptions, IngestSummary, LoupeOptions, LoupeStats, QueryAnalysis, SearchOptions, SearchResponse, SearchResult } from './types.ts';
import type { ClassifierHead } from '@loupe/db';

const FEATURE_DIM = 2048;

export interface Loupe {
  readonly store: Store;
  readonly storage: ImageStorage;
  readonly modelId: string;
  embedder(): Promise<Embedder>;
  index(): Promise<IndexManager>;
  catalogs: {
    create(slug: string, name?: string): Promise<Catalog>;
    list(): Promise<CatalogWithCount[]>;
    rename(slug: string, name: string): Promise<Catalog>;
    delete(slug: string): Promise<{ items: number }>;
  };
  /** A catalog's own classifier heads: train (from stored vectors), list, activate, classify, labels. */
  heads: Heads;
  /** Ingests a folder, zip file or manifest path (or an opened source) into a catalog, creating it if missing. */
  ingest(source: string | IngestSource, options: IngestOptions & { limits?: Partial<SourceLimits> }): Promise<IngestSummary>;
  /** Queues an ingest for a job worker (`runNextJob`); returns the unfinished job for the same source if there is one. */
  enqueueIngest(path: string, options: { catalog: string; catalogName?: string; limits?: Partial<SourceLimits> }): Promise<Job>;
  /**
   * Takes the oldest queued job — or a running one whose worker stopped beating its heartbeat (a crash or restart) —
   * and runs it to the end. Returns undefined when there is nothing to do.
   */
  runNextJob(options?: { staleAfterMs?: number; signal?: AbortSignal; onProgress?: IngestOptions['onProgress'] }): Promise<IngestSummary | undefined>;
  /** One response per query image, in order; a bad image gives `{ ok: false, error }` in its place. */
  search(queries: ImageInput[], options?: SearchOptions): Promise<Array<Settled<SearchResponse>>>;
  /** "More like this": the neighbours of an indexed item (the item itself left out). */
  searchByItem(itemId: number, options?: SearchOptions): Promise<SearchResponse>;
  /**
   * Search with a vector computed elsewhere (the browser). With `model` (the vector's model id), a vector of another
   * model or pooling is refused (VectorModelMismatchError) instead of matched against this index.
   */
  searchByVector(vector: Float32Array, options?: SearchOptions & { model?: string }): Promise<SearchResponse>;
  removeItems(ids: number[]): Promise<{ deleted: number }>;
  /** Computes the active model's embedding for items that lack one (or all, with `all`). */
  reindex(options?: { catalog?: string; all?: boolean; onProgress?: (done: number, total: number) => void }): Promise<{ reindexed: number; failed: Array<{ id: number; reason: string }> }>;
  stats(): Promise<LoupeStats>;
  close(): Promise<void>;
}

export async function openLoupe(options: LoupeOptions): Promise<Loupe> {
  const dataDir = resolve(options.dataDir);
  const shared = options.embedder?.info().pooling;
  if (shared && options.pooling && shared !== options.pooling)
    throw new InvalidQueryError(`the shared embedder pools with "${shared}" but pooling "${options.pooling}" was asked for`);
  const pooling = shared ?? options.pooling ?? DEFAULT_POOLING;
  /** The vectors this instance reads and writes (network + pooling). */
  const modelId = vectorModelId(pooling);
  const logger = options.logger;
  const store = await createStore({ databaseUrl: options.databaseUrl ?? `file:${join(dataDir, 'loupe.db')}`, logger });
  const storage = new ImageStorage(dataDir);
  let embedderPromise: Promise<Embedder> | undefined = options.embedder ? Promise.resolve(options.embedder) : undefined;
  let indexPromise: Promise<IndexManager> | undefined;
  const getEmbedder = () =>
    (embedderPromise ??= createEmbedder({
      device: options.device ?? 'auto',
      threads: options.threads,
      batchSize: options.batchSize,
      maxPixels: options.maxPixels,
      modelDir: options.modelDir,
      pooling,
      logger,
    }));
  const getIndex = () => (indexPromise ??= IndexManager.open({ store, modelId, dim: FEATURE_DIM, dataDir, logger }));
  const catalogSlugs = new Map<number, string>();
  const heads = createHeads({ store, embedder: getEmbedder, modelId, logger });
  const ingestDeps = () => ({
    store,
    storage,
    embedder: getEmbedder,
    index: getIndex,
    modelId,
    maxPixels: options.maxPixels,
    snapshotEvery: options.snapshotEvery ?? 2000,
    logger,
    onItemStored: heads.autoLabel,
  });

  /** The active head of the one searched catalog (labels, label filter), or null. */
  async function searchHead(opts: SearchOptions): Promise<ClassifierHead | null> {
    const slugs = opts.catalog === undefined ? [] : Array.isArray(opts.catalog) ? opts.catalog : [opts.catalog];
    if (slugs.length !== 1) {
      if (opts.label !== undefined) throw new InvalidQueryError('filtering by label needs exactly one catalog (the label is its head\'s)');
      return null;
    }
    const [id] = (await catalogIds(slugs))!;
    const head = await heads.activeHead(id!);
    if (!head && opts.label !== undefined) throw new InvalidQueryError(`catalog "${slugs[0]}" has no active head (trained on this instance's vectors) to filter by label`);
    return head;
  }

  async function catalogIds(catalog: SearchOptions['catalog']): Promise<number[] | undefined> {
    if (catalog === undefined) return undefined;
    const slugs = Array.isArray(catalog) ? catalog : [catalog];
    return Promise.all(
      slugs.map(async (slug) => {
        const c = await store.catalogs.getBySlug(slug);
        if (!c) throw new NotFoundError(`no catalog "${slug}"`);
        catalogSlugs.set(c.id, c.slug);
        return c.id;
      }),
    );
  }

  async function slugOf(id: number): Promise<string> {
    let slug = catalogSlugs.get(id);
    if (slug === undefined) {
      slug = (await store.catalogs.getById(id))?.slug ?? String(id);
      catalogSlugs.set(id, slug);
    }
    return slug;
  }

  async function neighbours(vector: Float32Array, opts: SearchOptions, excludeId?: number, head?: ClassifierHead | null): Promise<SearchResult[]> {
    const k = opts.k ?? 10;
    if (!Number.isInteger(k) || k < 1 || k > 1000) throw new InvalidQueryError(`k must be an integer from 1 to 1000, got ${k}`);
    head ??= await searchHead(opts);
    const ids = head && opts.label !== undefined ? new Set(await store.labels.itemIds(head.id, opts.label)) : undefined;
    const index = await getIndex();
    await index.catchUp();
    const hits = index.search(vector, {
      k,
      ef: opts.ef,
      minScore: opts.minScore,
      classId: opts.classId,
      exact: opts.exact,
      catalogIds: await catalogIds(opts.catalog),
      excludeId,
      ids,
    });
    const items = await store.items.getByIds(
      hits.map((h) => h.id),
      { modelId },
    );
    const byId = new Map<number, HydratedItem>(items.map((i) => [i.id, i]));
    const labels = head ? await heads.labelsOf(head, items.map((i) => i.id)) : undefined;
    const results: SearchResult[] = [];
    for (const hit of hits) {
      const item = byId.get(hit.id);
      if (!item) continue;
      const result: SearchResult = { id: hit.id, score: hit.score, item, catalog: await slugOf(item.catalogId) };
      if (labels) {
        const l = labels.get(item.id);
        result.label = l ? { label: l.label, score: l.score, source: l.source } : null;
      }
      results.push(result);
    }
    return results;
  }

  const queryOf = (a: ImageAnalysis): QueryAnalysis => ({ width: a.width, height: a.height, predictions: a.predictions, boxes: a.boxes });

  const loupe: Loupe = {
    store,
    storage,
    modelId,
    embedder: getEmbedder,
    index: getIndex,
    heads,
    catalogs: {
      create: (slug, name) => store.catalogs.create({ slug, ...(name ? { name } : {}) }),
      list: () => store.catalogs.list(),
      rename: (slug, name) => store.catalogs.rename(slug, name),
      async delete(slug) {
        const result = await store.catalogs.delete(slug);
        if (indexPromise) await (await indexPromise).catchUp();
        return result;
      },
    },
    async ingest(source, opts) {
      const opened = typeof source === 'string' ? await openSource(source, opts.limits ?? options.sourceLimits) : source;
      return runIngest(ingestDeps(), opened, opts);
    },
    async enqueueIngest(path, opts) {
      const source = await openSource(path, opts.limits);
      const { catalog } = await store.catalogs.ensure({ slug: opts.catalog, ...(opts.catalogName ? { name: opts.catalogName } : {}) });
      const [unfinished] = await store.jobs.findUnfinished({ catalogId: catalog.id, source: source.identity });
      return unfinished ?? store.jobs.create({ catalogId: catalog.id, source: source.identity });
    },
    async runNextJob(opts = {}) {
      const job = await store.jobs.claim({ staleAfterMs: opts.staleAfterMs ?? 30_000 });
      if (!job) return undefined;
      let source: IngestSource;
      try {
        source = await reopenSource(job.source, options.sourceLimits);
      } catch (error) {
        await store.jobs.finish(job.id, { status: 'failed', error: (error as Error).message });
        logger?.error?.({ job: job.id, err: (error as Error).message }, 'ingest job failed: its source cannot be opened');
        return undefined;
      }
      const catalog = await store.catalogs.getById(job.catalogId);
      return runIngest(
        ingestDeps(),
        source,
        { catalog: catalog?.slug ?? '', claimed: job, signal: opts.signal, onProgress: opts.onProgress },
      );
    },
    async search(queries, opts = {}) {
      await catalogIds(opts.catalog); // an unknown catalog fails before any image is analysed
      const head = await searchHead(opts);
      const embedder = await getEmbedder();
      const out: Array<Settled<SearchResponse>> = [];
      // With a catalog head, the same pass also returns the feature map: the head's CAM box for the query.
      for await (const r of embedder.analyzeEach(queries, { topK: 5, featureMap: head !== null })) {
        const started = performance.now();
        if (!r.ok) out.push(r);
        else {
          const results = await neighbours(r.value.vector, opts, undefined, head);
          const query = queryOf(r.value);
          if (head) query.head = await heads.describe(head, r.value.vector, r.value.featureMap);
          out.push({ index: r.index, ok: true, value: { query, results, tookMs: Math.round(performance.now() - started) } });
        }
      }
      return out;
    },
    async searchByItem(itemId, opts = {}) {
      const started = performance.now();
      const index = await getIndex();
      await index.catchUp();
      const vector = index.vectorOf(itemId);
      if (!vector) throw new NotFoundError(`item ${itemId} is not indexed for model ${modelId}`);
      const results = await neighbours(vector, opts, itemId);
      return { query: null, results, tookMs: Math.round(performance.now() - started) };
    },
    async searchByVector(vector, opts = {}) {
      if (opts.model !== undefined && opts.model !== modelId)
        throw new VectorModelMismatchError(`the vector was made by model "${opts.model}", but this instance searches "${modelId}"`);
      if (vector.length !== FEATURE_DIM) throw new InvalidQueryError(`a query vector has ${FEATURE_DIM} values, got ${vector.length}`);
      if (!vector.every(Number.isFinite)) throw new InvalidQueryError('the query vector has non-finite values');
      const started = performance.now();
      const results = await neighbours(vector, opts);
      return { query: null, results, tookMs: Math.round(performance.now() - started) };
    },
    async removeItems(ids) {
      const result = await store.items.delete(ids);
      if (indexPromise) await (await indexPromise).catchUp();
      return result;
    },
    async reindex(opts = {}) {
      const catalogId = opts.catalog ? (await catalogIds(opts.catalog))![0] : undefined;
      const todo: HydratedItem[] | { id: number; storedFile: string }[] = [];
      let cursor: number | null = null;
      do {
        const page: Awaited<ReturnType<Store['items']['list']>> = opts.all
          ? await store.items.list({ catalogId, limit: 1000, cursor })
          : await store.embeddings.itemsWithout({ modelId, catalogId, limit: 1000, cursor });
        for (const item of page.items) (todo as { id: number; storedFile: string }[]).push({ id: item.id, storedFile: item.storedFile });
        cursor = page.nextCursor;
      } while (cursor !== null);
      const embedder = await getEmbedder();
      const failed: Array<{ id: number; reason: string }> = [];
      let reindexed = 0;
      const inputs = async function* () {
        for (const t of todo) {
          try {
            yield new Uint8Array(await readFile(storage.absolute(t.storedFile)));
          } catch {
            yield new Uint8Array(0); // reported as a failure below, in its place
          }
        }
      };
      for await (const r of embedder.analyzeEach(inputs(), { topK: 5 })) {
        const t = todo[r.index]!;
        if (!r.ok) failed.push({ id: t.id, reason: `${t.storedFile}: ${r.error.message}` });
        else {
          await store.embeddings.upsert(t.id, { modelId, vector: r.value.vector, predictions: r.value.predictions, boxes: r.value.boxes });
          reindexed++;
        }
        opts.onProgress?.(reindexed + failed.length, todo.length);
      }
      const index = await getIndex();
      await index.catchUp();
      await index.snapshot();
      return { reindexed, failed };
    },
    async stats() {
      const s = await store.stats();
      const index = await getIndex();
      await index.catchUp();
      const provider = embedderPromise ? (await embedderPromise).info().provider : (await getEmbedder()).info().provider;
      return {
        catalogs: s.catalogs,
        items: s.items,
        indexed: index.size,
        model: modelId,
        pooling,
        provider,
        database: s.provider,
        sequence: index.coveredSequence,
      };
    },
    async close() {
      if (indexPromise) {
        const index = await indexPromise.catch(() => undefined);
        if (index && index.pendingSnapshotChanges > 0) await index.snapshot().catch((error) => logger?.warn?.({ err: error }, 'index snapshot on close failed'));
        index?.close();
      }
      await heads.close();
      if (embedderPromise && !options.embedder) await (await embedderPromise.catch(() => undefined))?.dispose();
      await store.close();
    },
  };
  return loupe;
}
