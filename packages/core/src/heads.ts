// A catalog's own classifier ("head") on the frozen backbone: trained from the STORED feature vectors (no second
// pass over the images) with labels from an item metadata field, stored as ONNX, run in ONNX Runtime, localized with
// class activation maps, and used to label items (confirmed = the item's own field value, predicted = the head's).
import type { ClassifierHead, ClassifierHeadInfo, Item, ItemLabel, ItemLabelInput, JsonObject, Store } from '@loupe/db';
import type { Box, Embedder, FeatureMap, ImageInput, Settled } from '@loupe/embedding';
import {
  confusionMatrixPng,
  confusionMatrixSvg,
  exportHeadOnnx,
  inspectTrainingSet,
  openHeadSession,
  resolveSettings,
  trainHead,
  type HeadPrediction,
  type HeadSession,
  type TrainingProgress,
  type TrainingReport,
  type TrainOptions,
} from '@loupe/heads';
import { HeadModelMismatchError, InvalidQueryError, NotFoundError, UnknownFieldError } from './errors.ts';
import type { Logger, QueryAnalysis } from './types.ts';

/** What `trainHead` learned and how well, as stored in the head's `metrics`. */
export interface HeadMetrics extends Omit<TrainingReport, 'tookMs'> {
  /** Labelled items without a stored vector for the backbone (left out of training). */
  skippedWithoutVector: number;
  trainingMs: number;
}

export interface TrainCatalogHeadOptions extends Omit<TrainOptions, 'onProgress' | 'signal'> {
  catalog: string;
  /** The metadata field whose (string or number) values are the classes. */
  field: string;
  /** Make the new head the catalog's active one and label its items (default true). */
  activate?: boolean;
  /** The job training it: kept in the head's settings, so a job taken over after a crash finds the head it stored. */
  jobId?: number;
  onProgress?: (progress: HeadTrainingProgress) => void;
  signal?: AbortSignal;
}

export type HeadTrainingProgress =
  | { phase: 'loading'; items: number; labelled: number }
  | ({ phase: 'training' } & TrainingProgress)
  | { phase: 'labelling'; done: number; total: number };

export interface TrainCatalogHeadResult {
  head: ClassifierHeadInfo;
  classes: string[];
  trainAccuracy: number;
  validationAccuracy: number;
  knnAccuracy: number | null;
  metrics: HeadMetrics;
  /** Items labelled after activation (0 when not activated). */
  labelled: number;
  tookMs: number;
}

export interface HeadView {
  id: number;
  version: number;
  labelField: string;
}

export interface CatalogClassification extends QueryAnalysis {
  /** The catalog head's classes for this image, best first, and the CAM box of the best one (null for an MLP head). */
  head: HeadView & { predictions: HeadPrediction[]; box: Box | null; boxes: Box[] };
}

export interface MetadataField {
  field: string;
  /** Items with a non-empty string or number value in this field. */
  items: number;
  /** Distinct values (up to 1000 counted). */
  values: number;
}

export interface HeadsDeps {
  store: Store;
  embedder: () => Promise<Embedder>;
  modelId: string;
  logger?: Logger;
}

/** A label value from item metadata: non-empty strings and finite numbers count; anything else is "no label". */
export function labelOf(metadata: JsonObject, field: string): string | undefined {
  const value = metadata[field];
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

const view = (h: ClassifierHeadInfo): HeadView => ({ id: h.id, version: h.version, labelField: h.labelField });

/** How long an ingest trusts its cached "active head of this catalog" before looking again (another process may switch it). */
const ACTIVE_TTL_MS = 5000;

export function createHeads(deps: HeadsDeps) {
  const { store, logger } = deps;
  const sessions = new Map<number, Promise<HeadSession>>();
  const activeCache = new Map<number, { at: number; head: Promise<ClassifierHead | null> }>();

  const sessionFor = (head: ClassifierHead): Promise<HeadSession> => {
    let s = sessions.get(head.id);
    if (!s) {
      s = openHeadSession(head.onnx);
      s.catch(() => sessions.delete(head.id));
      sessions.set(head.id, s);
    }
    return s;
  };

  async function catalogOf(slug: string) {
    const catalog = await store.catalogs.getBySlug(slug);
    if (!catalog) throw new NotFoundError(`no catalog "${slug}"`);
    return catalog;
  }

  function assertSameModel(catalog: string, head: ClassifierHeadInfo): void {
    if (head.modelId !== deps.modelId)
      throw new HeadModelMismatchError(
        `head v${head.version} of catalog "${catalog}" was trained on vectors of "${head.modelId}", but this instance uses "${deps.modelId}" ` +
          '(the pooling changed?): train a new head (`loupe heads train`, or the admin heads page)',
      );
  }

  async function activeHead(catalogId: number, fresh = false): Promise<ClassifierHead | null> {
    const cached = activeCache.get(catalogId);
    if (!fresh && cached && performance.now() - cached.at < ACTIVE_TTL_MS) return cached.head;
    // A head trained on another model's vectors (another pooling) would misread these: it serves nothing here.
    const head = store.heads.active(catalogId).then((h) => (h && h.modelId === deps.modelId ? h : null));
    activeCache.set(catalogId, { at: performance.now(), head });
    head.catch(() => activeCache.delete(catalogId));
    return head;
  }

  async function* catalogItems(catalogId: number): AsyncGenerator<Item[]> {
    let cursor: number | null = null;
    do {
      const page: Awaited<ReturnType<Store['items']['list']>> = await store.items.list({ catalogId, limit: 1000, cursor });
      yield page.items;
      cursor = page.nextCursor;
    } while (cursor !== null);
  }

  /** Confirmed labels from the field, predicted ones from the head, for the given items (all of the catalog by default). */
  async function labelItems(head: ClassifierHead, only?: ReadonlySet<number>, onProgress?: (done: number, total: number) => void): Promise<number> {
    const session = await sessionFor(head);
    const metadata = new Map<number, JsonObject>();
    // A few items (an admin's edit): read just those; otherwise walk the catalog.
    const few = only !== undefined && only.size <= 1000;
    if (few) for (const i of await store.items.getByIds([...only])) metadata.set(i.id, i.metadata);
    else for await (const items of catalogItems(head.catalogId)) for (const i of items) if (!only || only.has(i.id)) metadata.set(i.id, i.metadata);
    async function* vectors() {
      if (!few) {
        yield* store.embeddings.streamAfter({ modelId: head.modelId, after: 0, catalogId: head.catalogId, batchSize: 1000 });
        return;
      }
      const rows = [];
      for (const id of metadata.keys()) {
        const row = await store.embeddings.get(id, head.modelId);
        if (row) rows.push(row);
      }
      yield rows;
    }
    let written = 0;
    for await (const rows of vectors()) {
      const chosen = rows.filter((r) => metadata.has(r.itemId));
      if (chosen.length === 0) continue;
      const predictions = await session.predict(
        chosen.map((r) => r.vector),
        { topK: 1 },
      );
      const labels: ItemLabelInput[] = chosen.map((r, i) => {
        const own = labelOf(metadata.get(r.itemId)!, head.labelField);
        return own !== undefined
          ? { itemId: r.itemId, label: own, score: 1, source: 'confirmed' }
          : { itemId: r.itemId, label: predictions[i]![0]!.label, score: predictions[i]![0]!.score, source: 'predicted' };
      });
      written += (await store.labels.upsert(head.id, labels)).written;
      onProgress?.(written, metadata.size);
    }
    return written;
  }

  /** The catalog's labelled items' stored vectors and their classes (the field's values). */
  async function trainingSet(options: TrainCatalogHeadOptions) {
    const catalog = await catalogOf(options.catalog);
    const field = typeof options.field === 'string' ? options.field.trim() : '';
    if (!field) throw new InvalidQueryError('name the metadata field whose values are the classes');
    const labels = new Map<number, string>();
    const seenFields = new Set<string>();
    let items = 0;
    for await (const page of catalogItems(catalog.id)) {
      for (const item of page) {
        items++;
        for (const key of Object.keys(item.metadata)) seenFields.add(key);
        const label = labelOf(item.metadata, field);
        if (label !== undefined) labels.set(item.id, label);
      }
      options.onProgress?.({ phase: 'loading', items, labelled: labels.size });
      if (options.signal?.aborted) break;
    }
    if (labels.size === 0) throw new UnknownFieldError(options.catalog, field, [...seenFields].sort());
    const vectors: Float32Array[] = [];
    const classes: string[] = [];
    for await (const rows of store.embeddings.streamAfter({ modelId: deps.modelId, after: 0, catalogId: catalog.id, batchSize: 2000 })) {
      for (const r of rows) {
        const label = labels.get(r.itemId);
        if (label === undefined) continue;
        vectors.push(r.vector);
        classes.push(label);
      }
    }
    return { catalog, field, labels, set: { vectors, labels: classes } };
  }

  const heads = {
    /** Metadata fields of a catalog's items that could be labels (what the admin picks from). */
    async fields(catalog: string): Promise<MetadataField[]> {
      const c = await catalogOf(catalog);
      const stats = new Map<string, { items: number; values: Set<string> }>();
      for await (const items of catalogItems(c.id)) {
        for (const item of items) {
          for (const field of Object.keys(item.metadata)) {
            const value = labelOf(item.metadata, field);
            if (value === undefined) continue;
            const s = stats.get(field) ?? { items: 0, values: new Set<string>() };
            s.items++;
            if (s.values.size < 1000) s.values.add(value);
            stats.set(field, s);
          }
        }
      }
      return [...stats].map(([field, s]) => ({ field, items: s.items, values: s.values.size })).sort((a, b) => b.items - a.items || a.field.localeCompare(b.field));
    },

    /**
     * Refuses, before any training, what `train` would refuse (unknown catalog or field, one class, too few examples,
     * bad settings): a queued training job is then never created for it.
     */
    async check(options: TrainCatalogHeadOptions): Promise<{ classes: string[]; examples: number }> {
      const { set } = await trainingSet(options);
      const { onProgress: _p, signal: _s, catalog: _c, field: _f, activate: _a, jobId: _j, ...trainOptions } = options;
      const { classes } = inspectTrainingSet(set, resolveSettings(trainOptions).minExamplesPerClass);
      return { classes, examples: set.vectors.length };
    },

    /** Trains a head from the catalog's stored vectors and the field's values; stores it (and by default activates it). */
    async train(options: TrainCatalogHeadOptions): Promise<TrainCatalogHeadResult> {
      const started = performance.now();
      const { catalog, field, labels, set } = await trainingSet(options);
      const { vectors, labels: classes } = set;
      const { onProgress, signal, catalog: _c, field: _f, activate: _a, jobId, ...trainOptions } = options;
      const trained = await trainHead(
        { vectors, labels: classes },
        { ...trainOptions, signal, onProgress: (p) => onProgress?.({ phase: 'training', ...p }) },
      );
      const r = trained.report;
      const { tookMs: trainingMs, ...report } = r;
      const metrics: HeadMetrics = { ...report, skippedWithoutVector: labels.size - vectors.length, trainingMs };
      const onnx = exportHeadOnnx(trained.model, { backbone: deps.modelId, labelField: field, catalog: catalog.slug });
      const activate = options.activate !== false;
      const head = await store.heads.create({
        catalogId: catalog.id,
        labelField: field,
        classes: trained.model.classes,
        metrics: metrics as unknown as JsonObject,
        modelId: deps.modelId,
        settings: { ...(trained.settings as unknown as JsonObject), ...(jobId === undefined ? {} : { jobId }) },
        onnx,
        activate,
      });
      activeCache.delete(catalog.id);
      const labelled = activate ? await labelItems(head, undefined, (done, total) => onProgress?.({ phase: 'labelling', done, total })) : 0;
      logger?.info?.({ catalog: catalog.slug, head: head.id, version: head.version, accuracy: r.validation.accuracy }, 'classifier head trained');
      const { onnx: _bytes, ...info } = head;
      return {
        head: info,
        classes: trained.model.classes,
        trainAccuracy: r.trainAccuracy,
        validationAccuracy: r.validation.accuracy,
        knnAccuracy: r.knn?.accuracy ?? null,
        metrics,
        labelled,
        tookMs: Math.round(performance.now() - started),
      };
    },

    async list(catalog: string): Promise<ClassifierHeadInfo[]> {
      return store.heads.list((await catalogOf(catalog)).id);
    },

    /** A head of the catalog by version (or the active one), with its bytes. */
    async get(catalog: string, version?: number): Promise<ClassifierHead> {
      const c = await catalogOf(catalog);
      if (version === undefined) {
        const head = await store.heads.active(c.id);
        if (!head) throw new NotFoundError(`catalog "${catalog}" has no active head`);
        return head;
      }
      const info = (await store.heads.list(c.id)).find((h) => h.version === version);
      if (!info) throw new NotFoundError(`catalog "${catalog}" has no head version ${version}`);
      return (await store.heads.get(info.id))!;
    },

    /**
     * A head's validation confusion matrix as an image (PNG or SVG), of the head or (`of: 'knn'`) of its kNN
     * baseline; version undefined: the active head.
     */
    async confusion(catalog: string, version: number | undefined, options: { format?: 'png' | 'svg'; of?: 'head' | 'knn' } = {}): Promise<{ contentType: string; bytes: Uint8Array }> {
      const head = await heads.get(catalog, version);
      const m = head.metrics as unknown as HeadMetrics;
      const knn = options.of === 'knn';
      const metrics = knn ? m.knn : m.validation;
      if (!metrics) throw new InvalidQueryError('this head was trained without a kNN baseline');
      const title = `${catalog} v${head.version} ${knn ? `kNN (k=${m.knn!.k})` : 'head'} — validation accuracy ${(metrics.accuracy * 100).toFixed(1)}%`;
      if (options.format === 'svg') return { contentType: 'image/svg+xml', bytes: new TextEncoder().encode(confusionMatrixSvg(metrics, { title })) };
      return { contentType: 'image/png', bytes: await confusionMatrixPng(metrics, { title }) };
    },

    async active(catalog: string): Promise<ClassifierHeadInfo | null> {
      const head = await store.heads.active((await catalogOf(catalog)).id);
      if (!head) return null;
      const { onnx: _bytes, ...info } = head;
      return info;
    },

    /** Makes a version the active head and (re)labels the catalog's items with it. */
    async activate(catalog: string, version: number): Promise<{ head: ClassifierHeadInfo; labelled: number }> {
      const head = await heads.get(catalog, version);
      assertSameModel(catalog, head);
      const info = await store.heads.activate(head.id);
      activeCache.delete(head.catalogId);
      const labelled = await labelItems(head);
      return { head: info, labelled };
    },

    /**
     * Classifies images with the catalog's active head: ImageNet classes and boxes plus the head's classes and the
     * CAM box of its best class — all from one forward pass. A bad image gives `{ ok: false }` in its place.
     */
    async classify(images: ImageInput[], options: { catalog: string; topK?: number }): Promise<Array<Settled<CatalogClassification>>> {
      const c = await catalogOf(options.catalog);
      const head = await store.heads.active(c.id);
      if (!head) throw new NotFoundError(`catalog "${options.catalog}" has no active head: train one with \`loupe heads train\``);
      assertSameModel(options.catalog, head);
      const session = await sessionFor(head);
      const embedder = await deps.embedder();
      const out: Array<Settled<CatalogClassification>> = [];
      for await (const r of embedder.analyzeEach(images, { topK: options.topK ?? 5, featureMap: true })) {
        if (!r.ok) {
          out.push(r);
          continue;
        }
        const a = r.value;
        out.push({ index: r.index, ok: true, value: { width: a.width, height: a.height, predictions: a.predictions, boxes: a.boxes, head: await headOf(head, session, a.vector, a.featureMap, options.topK) } });
      }
      return out;
    },

    /** The catalog's active head, for search (null when none). */
    activeHead,

    /** The head's view of one analysed image (for search queries). */
    async describe(head: ClassifierHead, vector: Float32Array, featureMap: FeatureMap | undefined, topK = 3) {
      return headOf(head, await sessionFor(head), vector, featureMap, topK);
    },

    /** Labels of items under a head. */
    labelsOf(head: ClassifierHeadInfo, itemIds: readonly number[]): Promise<Map<number, ItemLabel>> {
      return store.labels.forItems(head.id, itemIds);
    },

    /**
     * Sets (or, with null, clears) the label field of items, singly or in bulk, and records them as confirmed under
     * the catalog's active head when it uses that field (a cleared one goes back to the head's prediction).
     */
    async setLabels(catalog: string, itemIds: number[], field: string, value: string | null): Promise<Item[]> {
      const c = await catalogOf(catalog);
      if (!field || typeof field !== 'string') throw new InvalidQueryError('name the metadata field to set');
      if (value !== null && (typeof value !== 'string' || value.trim() === '')) throw new InvalidQueryError('a label is a non-empty string (or null to clear it)');
      const owned = (await store.items.getByIds(itemIds)).filter((i) => i.catalogId === c.id).map((i) => i.id);
      const missing = itemIds.filter((id) => !owned.includes(id));
      if (missing.length > 0) throw new NotFoundError(`catalog "${catalog}" has no item ${missing.join(', ')}`);
      const updated = await store.items.setMetadataField(owned, field, value === null ? null : value.trim());
      const head = await store.heads.active(c.id);
      if (head && head.labelField === field) await labelItems(head, new Set(owned));
      return updated;
    },

    /**
     * Ingest hook: labels a newly stored item with the catalog's active head (confirmed when its metadata already has
     * the head's field, predicted otherwise). Never throws — a labelling problem must not fail an ingest.
     */
    async autoLabel(item: Item, vector: Float32Array): Promise<void> {
      try {
        const head = await activeHead(item.catalogId);
        if (!head || head.modelId !== deps.modelId) return;
        const own = labelOf(item.metadata, head.labelField);
        let label: ItemLabelInput;
        if (own !== undefined) label = { itemId: item.id, label: own, score: 1, source: 'confirmed' };
        else {
          const [ranked] = await (await sessionFor(head)).predict([vector], { topK: 1 });
          label = { itemId: item.id, label: ranked![0]!.label, score: ranked![0]!.score, source: 'predicted' };
        }
        await store.labels.upsert(head.id, [label]);
      } catch (error) {
        logger?.warn?.({ err: error, item: item.id }, 'auto-labelling a new item failed; the item is stored without a label');
      }
    },

    async close(): Promise<void> {
      const open = [...sessions.values()];
      sessions.clear();
      await Promise.all(open.map(async (s) => (await s.catch(() => undefined))?.dispose()));
    },
  };
  return heads;
}

async function headOf(head: ClassifierHeadInfo, session: HeadSession, vector: Float32Array, featureMap: FeatureMap | undefined, topK = 5): Promise<CatalogClassification['head']> {
  const [ranked] = await session.predict([vector]);
  const predictions = ranked!.slice(0, Math.max(1, topK));
  const boxes = featureMap ? session.localize(featureMap, predictions, { topK: 1 }) : [];
  return { ...view(head), predictions, box: boxes[0] ?? null, boxes };
}

export type Heads = ReturnType<typeof createHeads>;
