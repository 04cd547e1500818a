// What every use case of one Loupe instance shares: the store, the image storage, the (lazily loaded) embedder, the
// index of the active model, the heads and the catalog resolver. Internal to core: the facade (`openLoupe`) exposes
// use cases, never these.
import { join, resolve } from 'node:path';
import { createStore, type Store } from '@loupe/db';
import { createEmbedder, DEFAULT_POOLING, DEFAULT_PRECISION, vectorModelId, type Embedder, type Pooling, type Precision } from '@loupe/embedding';
import { DETECTOR_MODEL_ID } from '@loupe/detection';
import { createCatalogScope, type CatalogScope } from './catalogs.ts';
import { createDetect, type Detect } from './detect.ts';
import { InvalidQueryError } from './errors.ts';
import { createHeads, type Heads } from './heads.ts';
import { IndexManager } from './index-manager.ts';
import { createRelevance, type Relevance } from './relevance.ts';
import { ImageStorage, type MediaStore } from './storage.ts';
import type { Logger, LoupeOptions } from './types.ts';

export const FEATURE_DIM = 2048;

export interface LoupeContext {
  readonly options: LoupeOptions;
  readonly dataDir: string;
  readonly pooling: Pooling;
  readonly precision: Precision;
  /** The vectors this instance reads and writes (network + pooling + precision). */
  readonly modelId: string;
  /** The objects (detector) and their vectors (the same network on each object's crop). */
  readonly objectsModelId: string;
  /** Ingest detects each item's objects and indexes them (LoupeOptions.objects, default true). */
  readonly objects: boolean;
  /** The detector (with the shared embedder for fused labels, object vectors and masks), loaded on first use. */
  readonly detection: Detect;
  readonly logger: Logger | undefined;
  readonly store: Store;
  /** Originals and thumbnails (LoupeOptions.mediaDir or `media`). */
  readonly storage: MediaStore;
  readonly heads: Heads;
  readonly scope: CatalogScope;
  /** Match strength thresholds, measured per catalog. */
  readonly relevance: Relevance;
  embedder(): Promise<Embedder>;
  /** The embedder if something has loaded it already (never loads the network). */
  loadedEmbedder(): Promise<Embedder | undefined>;
  index(): Promise<IndexManager>;
  /** The index if something has opened it already. */
  openedIndex(): Promise<IndexManager | undefined>;
  /** The object index: one vector per detected object of every item (ids: IndexManager.itemOf). */
  objectIndex(): Promise<IndexManager>;
  openedObjectIndex(): Promise<IndexManager | undefined>;
}

/** The model id of object vectors: the detector's objects, each embedded by the backbone model `modelId`. */
export function objectsVectorModelId(modelId: string): string {
  return `${modelId}+objects(${DETECTOR_MODEL_ID})`;
}

export async function createContext(options: LoupeOptions): Promise<LoupeContext> {
  const dataDir = resolve(options.dataDir);
  const shared = options.embedder?.info().pooling;
  const asked = options.embedding?.pooling;
  if (shared && asked && shared !== asked) throw new InvalidQueryError(`the shared embedder pools with "${shared}" but pooling "${asked}" was asked for`);
  const pooling = shared ?? asked ?? DEFAULT_POOLING;
  const sharedPrecision = options.embedder?.info().precision;
  const askedPrecision = options.embedding?.precision;
  if (sharedPrecision && askedPrecision && sharedPrecision !== askedPrecision)
    throw new InvalidQueryError(`the shared embedder runs in ${sharedPrecision} but precision "${askedPrecision}" was asked for`);
  const precision = sharedPrecision ?? askedPrecision ?? DEFAULT_PRECISION;
  const modelId = vectorModelId(pooling, precision);
  const logger = options.logger;
  const store = await createStore({ databaseUrl: options.databaseUrl ?? `file:${join(dataDir, 'loupe.db')}`, logger });
  let embedderPromise: Promise<Embedder> | undefined = options.embedder ? Promise.resolve(options.embedder) : undefined;
  let indexPromise: Promise<IndexManager> | undefined;
  let objectIndexPromise: Promise<IndexManager> | undefined;
  const objectsModelId = objectsVectorModelId(modelId);
  const embedder = () => (embedderPromise ??= createEmbedder({ device: 'auto', ...options.embedding, pooling, precision, logger }));
  const index = () => (indexPromise ??= IndexManager.open({ store, modelId, dim: FEATURE_DIM, dataDir, logger }));
  const objectIndex = () => (objectIndexPromise ??= IndexManager.open({ store, modelId: objectsModelId, dim: FEATURE_DIM, dataDir, objects: true, logger }));
  const e = options.embedding;
  const detection = createDetect({ embedder, device: e?.device, threads: e?.threads, maxPixels: e?.maxPixels, modelDir: options.detectorModelDir, logger });
  const storage: MediaStore = options.media ?? new ImageStorage(resolve(options.mediaDir ?? dataDir));
  return {
    options,
    dataDir,
    pooling,
    precision,
    modelId,
    objectsModelId,
    objects: options.objects ?? true,
    detection,
    logger,
    store,
    storage,
    heads: createHeads({ store, embedder, modelId, logger }),
    scope: createCatalogScope(store),
    relevance: createRelevance({ store, storage, embedder, index, modelId, logger }),
    embedder,
    loadedEmbedder: async () => (embedderPromise ? embedderPromise.catch(() => undefined) : undefined),
    index,
    openedIndex: async () => (indexPromise ? indexPromise.catch(() => undefined) : undefined),
    objectIndex,
    openedObjectIndex: async () => (objectIndexPromise ? objectIndexPromise.catch(() => undefined) : undefined),
  };
}
