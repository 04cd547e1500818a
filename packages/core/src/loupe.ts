// The facade both apps use: one object that offers Loupe's use cases — catalogs, items, ingest and its job queue,
// search and paging, heads, single-image analysis, API keys, reindex, stats. It owns the store, the image storage,
// the embedder and the index, and exposes none of them: each use case lives in its own module (catalogs.ts,
// items.ts, search.ts, …) over the shared context (context.ts).
import type { Catalog, CatalogChanges, CatalogObjects, CatalogWithCount, MatchCalibration } from '@loupe/db';
import type { ImageInput, Settled } from '@loupe/embedding';
import { createApiKeys, type ApiKeys } from './api-keys.ts';
import { createCatalogs } from './catalogs.ts';
import type { DetectOptions, DetectResult } from './detect.ts';
import { isJobFault } from './errors.ts';
import { createContext, type LoupeContext } from './context.ts';
import type { Heads } from './heads.ts';
import { createImages, type Images } from './images.ts';
import { createIngest, discardUpload, ingestDeps, uploadsDirOf } from './ingest-queue.ts';
import { runIngest } from './ingest.ts';
import { createJobs, type Jobs } from './jobs/index.ts';
import { createItems, type ItemFile, type ItemPageView, type ItemView } from './items.ts';
import { reindex, type ReindexOptions, type ReindexResult } from './reindex.ts';
import { createSearch } from './search.ts';
import { createSecurity, type Audit, type Sessions } from './security.ts';
import type { IngestSource, SourceLimits } from './sources/index.ts';
import type { IngestOptions, IngestSummary, LoupeOptions, LoupeStats, ObjectSearchResponse, SearchOptions, SearchResponse } from './types.ts';

export interface Loupe {
  /** The id of the vectors this instance reads and writes (network + pooling). */
  readonly modelId: string;
  catalogs: {
    /** `objects`: what ingest finds in its items besides their class — "boxes" (default: objects for search by object), "masks" (objects with their masks, slower) or "off". */
    create(slug: string, options?: { name?: string; objects?: CatalogObjects }): Promise<Catalog>;
    list(): Promise<CatalogWithCount[]>;
    /** One catalog with its item count (NotFoundError when missing). */
    get(slug: string): Promise<CatalogWithCount>;
    /** Renames it and/or changes its settings; a new `objects` applies to items ingested or reindexed from then on. */
    update(slug: string, changes: CatalogChanges): Promise<Catalog>;
    delete(slug: string): Promise<{ items: number }>;
  };
  items: {
    /** An item with its predictions, boxes and (under its catalog's active head) label. */
    get(id: number): Promise<ItemView>;
    list(catalog: string, options?: { limit?: number; cursor?: number | null; classId?: number }): Promise<ItemPageView>;
    /** The stored original or thumbnail (type, content hash for caching, and a reader). */
    file(id: number, which: 'original' | 'thumbnail'): Promise<ItemFile>;
  };
  /** A catalog's own classifier heads: train (from stored vectors), list, activate, classify, labels. */
  heads: Heads;
  /** One image at a time without a catalog: vector, classes, boxes, heatmap; the model's facts. */
  images: Images;
  apiKeys: ApiKeys;
  /** Admin sessions of the web app: created at sign-in, revoked at sign-out or all at once. */
  sessions: Sessions;
  /** Security-relevant actions (sign-ins, keys created, deletions), newest first. */
  audit: Audit;
  /** Match strength ("same" / "similar" / "weak"): a catalog's measured thresholds, and measuring it again now. */
  relevance: {
    calibration(catalog: string): Promise<MatchCalibration | null>;
    calibrate(catalog: string): Promise<MatchCalibration | null>;
  };
  /**
   * Persisted jobs of every kind (ingest, reindex, head training): queue, list, cancel, and a runner that claims them
   * with a lease — the worker of `loupe worker` and of the web server.
   */
  jobs: Jobs;
  /**
   * Ingests a folder, zip file or manifest path (or an opened source) into a catalog, creating it if missing.
   * `allowRoots`: folders besides a manifest's own whose files its rows may name (the CLI's `--allow-root`).
   */
  ingest(source: string | IngestSource, options: IngestOptions & { limits?: Partial<SourceLimits>; allowRoots?: string[] }): Promise<IngestSummary>;
  /** One response per query image, in order; a bad image gives `{ ok: false, error }` in its place. */
  search(queries: ImageInput[], options?: SearchOptions): Promise<Array<Settled<SearchResponse>>>;
  /**
   * Search by object: each query image's objects (as `detect` finds them), each with the catalog items holding the
   * most similar objects and the matched object's box (`region`). One response per image; a bad image gives
   * `{ ok: false, error }` in its place.
   */
  searchByObjects(queries: ImageInput[], options?: SearchOptions): Promise<Array<Settled<ObjectSearchResponse>>>;
  /** "More like this": the neighbours of an indexed item (the item itself left out). */
  searchByItem(itemId: number, options?: SearchOptions): Promise<SearchResponse>;
  /**
   * Search with a vector computed elsewhere (the browser). With `model` (the vector's model id), a vector of another
   * model or pooling is refused (VectorModelMismatchError) instead of matched against this index.
   */
  searchByVector(vector: Float32Array, options?: SearchOptions & { model?: string }): Promise<SearchResponse>;
  /** The next page of any search, from its `nextCursor`: nothing is analysed again (CursorExpiredError when gone). */
  searchMore(cursor: string, options?: { k?: number }): Promise<SearchResponse>;
  removeItems(ids: number[]): Promise<{ deleted: number }>;
  /** Computes the active model's embedding for items that lack one (or all, with `all`). */
  reindex(options?: ReindexOptions): Promise<ReindexResult>;
  /** Counts and the index's state; `provider` is null until something has loaded the network (stats never does). */
  stats(): Promise<LoupeStats>;
  /** Loads the network and catches the index up, so that the first search does not pay for it. */
  warmUp(): Promise<void>;
  /**
   * Every object in one image: COCO label, score, box in original pixels; labels fused with ResNet-50 on the crops;
   * with `masks`, each object's outline as COCO RLE.
   */
  detect(image: ImageInput, options?: DetectOptions): Promise<DetectResult>;
  close(): Promise<void>;
}

export async function openLoupe(options: LoupeOptions): Promise<Loupe> {
  return facade(await createContext(options));
}

const contexts = new WeakMap<Loupe, LoupeContext>();

/**
 * The parts behind a Loupe (store, index, embedder) — for benchmarks that time one part alone and tests that check
 * what was written. Apps never use it (a lint rule refuses it under apps/): they get use cases from the facade.
 */
export function benchmarkInternals(loupe: Loupe): Pick<LoupeContext, 'store' | 'index' | 'embedder' | 'storage'> {
  const ctx = contexts.get(loupe);
  if (!ctx) throw new Error('not a Loupe made by openLoupe');
  return { store: ctx.store, index: ctx.index, embedder: ctx.embedder, storage: ctx.storage };
}

/** The facade over a context (core's own tests build one to look inside). */
export function facade(ctx: LoupeContext): Loupe {
  const { store, heads, logger } = ctx;
  const items = createItems(ctx);
  const search = createSearch(ctx);
  const ingest = createIngest(ctx);
  const detection = ctx.detection;
  const loupe: Loupe = {
    modelId: ctx.modelId,
    catalogs: createCatalogs(ctx),
    items: { get: items.get, list: items.list, file: items.file },
    heads,
    images: createImages(ctx),
    apiKeys: createApiKeys(ctx),
    ...createSecurity(ctx),
    relevance: {
      calibration: async (catalog) => ctx.relevance.calibrationOf((await ctx.scope.ids(catalog))![0]!),
      calibrate: async (catalog) => ctx.relevance.calibrate((await ctx.scope.ids(catalog))![0]!),
    },
    jobs: createJobs({
      store,
      heads,
      logger,
      sourceLimits: ctx.options.sourceLimits,
      uploadsDir: uploadsDirOf(ctx),
      reindex: (opts) => reindex(ctx, opts),
      async ingest(job, source, context) {
        const catalog = job.catalogId === null ? '' : await ctx.scope.slugOf(job.catalogId);
        const { attempts = 4, backoffMs = 1000 } = ctx.options.ingestRetry ?? {};
        for (let attempt = 1; ; attempt++) {
          try {
            const summary = await runIngest(ingestDeps(ctx), source, {
              catalog,
              claimed: job,
              signal: context.signal,
              onProgress: (p) => context.report({ phase: 'ingest', total: p.total, done: p.done, added: p.added, duplicates: p.duplicates, failed: p.failed }),
            });
            if (!summary.interrupted) await discardUpload(ctx, job.source);
            // Measured after the job has ended, so the job (and whoever waits for it) does not wait for the few dozen
            // forward passes a calibration takes; a worker lives on, and a search meanwhile uses the fallback.
            ctx.relevance.afterIngest(summary).catch(() => undefined); // it logs its own failures
            return summary;
          } catch (error) {
            // A row's fault never gets here (it fails that row); trouble of the job's own (its source, its catalog) or a
            // stop is final; anything else (database, disk) is retried with doubling waits, then fails the job.
            if (context.signal.aborted || isJobFault(error)) throw error;
            const reason = String((error as Error)?.message ?? error).split('\n')[0]!.slice(0, 2000);
            if (attempt >= attempts) {
              await discardUpload(ctx, job.source);
              throw new Error(attempt > 1 ? `${reason} (after ${attempt} attempts)` : reason, { cause: error });
            }
            const waitMs = backoffMs * 2 ** (attempt - 1);
            logger?.warn?.({ job: job.id, attempt, waitMs, err: reason }, 'ingest job hit an error; retrying');
            await new Promise<void>((r) => setTimeout(r, waitMs));
          }
        }
      },
    }),
    ingest: ingest.ingest,
    search: search.byImages,
    searchByObjects: search.byObjects,
    searchByItem: search.byItem,
    searchByVector: search.byVector,
    searchMore: search.more,
    removeItems: items.remove,
    reindex: (opts) => reindex(ctx, opts),
    async stats() {
      const s = await store.stats();
      const index = await ctx.index();
      await index.catchUp();
      const info = (await ctx.loadedEmbedder())?.info();
      return {
        catalogs: s.catalogs,
        items: s.items,
        indexed: index.size,
        model: ctx.modelId,
        pooling: ctx.pooling,
        precision: ctx.precision,
        provider: info?.provider ?? null,
        inferenceWorkers: info?.workers ?? null,
        database: s.provider,
        sequence: index.coveredSequence,
      };
    },
    async warmUp() {
      await Promise.all([ctx.embedder(), ctx.index().then((i) => i.catchUp())]);
    },
    detect: (image, opts) => detection.detect(image, opts),
    async close() {
      await detection.close();
      for (const index of [await ctx.openedIndex(), await ctx.openedObjectIndex()]) {
        if (index && index.pendingSnapshotChanges > 0) await index.snapshot().catch((error) => logger?.warn?.({ err: error }, 'index snapshot on close failed'));
        index?.close();
      }
      await heads.close();
      if (!ctx.options.embedder) await (await ctx.loadedEmbedder())?.dispose();
      await store.close();
    },
  };
  contexts.set(loupe, ctx);
  return loupe;
}
