// Match strength: turns a raw cosine score into "same" (the item itself or a near-duplicate of it), "similar" or
// "weak", with thresholds measured on each catalog's own items rather than fixed constants.
//
// How a catalog is measured (calibrate):
//   positives — edited copies of a sample of its items (an off-centre crop re-encoded small, a mirror + rotation +
//               brightness change as WebP, a thumbnail-sized copy, a recolour), each scored against its original;
//   background — pairs of different items of the catalog.
// "same" starts where 98 % of the edited copies still score (the 2nd percentile), and never below "similar";
// "similar" starts 2.33 standard deviations above the mean score of pairs of different items — where the top 1 % of
// pairs would start if their scores were normal. The normal estimate rather than the empirical 99th percentile, because
// in a small catalog that percentile is its single closest pair, and a catalog with a few near-twins would otherwise
// push "similar" up to "same". Both move with the catalog: a catalog of near-identical products gets a
// higher "similar" than a catalog of holiday photos. BENCHMARKS.md reports precision and recall on photos this
// calibration never saw.
import sharp, { type Sharp } from 'sharp';
import type { MatchCalibration, Store } from '@loupe/db';
import type { Embedder, Logger } from '@loupe/embedding';
import type { IndexManager } from './index-manager.ts';
import type { MediaStore } from './storage.ts';

export type Match = 'same' | 'similar' | 'weak';
export const MATCHES: readonly Match[] = ['same', 'similar', 'weak'];

export interface MatchThresholds {
  same: number;
  similar: number;
}

/** Until a catalog has been measured (a few seconds after its first ingest): the edited-copy floor measured on the
 *  benchmark photos (2nd percentile of edited copies, BENCHMARKS.md), and "similar" from the catalog's pairs. */
export const UNCALIBRATED_SAME = 0.75;

/** How many items are edited per calibration, and how many items' pairwise scores make the background. */
export const CALIBRATION_SAMPLE = { edited: 48, background: 96 };

const SAME_QUANTILE = 0.02;
/** The standard normal's 99th percentile. */
const SIMILAR_Z = 2.326;

export function matchOf(score: number, thresholds: MatchThresholds): Match {
  if (score >= thresholds.same) return 'same';
  if (score >= thresholds.similar) return 'similar';
  return 'weak';
}

/** True when `match` is at least as strong as `min`. */
export function atLeast(match: Match, min: Match): boolean {
  return MATCHES.indexOf(match) <= MATCHES.indexOf(min);
}

/** The q-quantile (0..1) of values, by the nearest-rank method; NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** mean + z·sd: where the top 1 % of the values would start if they were normal. */
function upperTail(values: readonly number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1);
  return Math.min(1, mean + SIMILAR_Z * Math.sqrt(variance));
}

/** Thresholds from a catalog's measurements (edited-copy scores may be empty: then the uncalibrated floor is used). */
export function thresholdsFrom(edited: readonly number[], background: readonly number[]): MatchThresholds {
  const similar = background.length > 1 ? upperTail(background) : UNCALIBRATED_SAME;
  const floor = edited.length > 0 ? quantile(edited, SAME_QUANTILE) : UNCALIBRATED_SAME;
  return { same: Math.max(floor, similar), similar };
}

/** The edits a calibration applies: none of them is one of the benchmark's query edits, so the benchmark's held-out
 *  measurement is not a measurement of the calibration's own inputs. */
export const CALIBRATION_EDITS: ReadonlyArray<{ name: string; apply: (image: Sharp, width: number, height: number) => Sharp }> = [
  {
    name: 'off-centre 72% crop, 320 px, JPEG q40',
    apply: (i, w, h) =>
      i
        .extract({ left: Math.round(w * 0.2), top: Math.round(h * 0.08), width: Math.max(1, Math.round(w * 0.72)), height: Math.max(1, Math.round(h * 0.72)) })
        .resize({ width: 320, withoutEnlargement: true })
        .jpeg({ quality: 40 }),
  },
  { name: 'mirror + 8° rotation + brightness 1.15, WebP q60', apply: (i) => i.flop().rotate(8, { background: '#ffffff' }).modulate({ brightness: 1.15 }).webp({ quality: 60 }) },
  { name: '112 px wide, JPEG q75', apply: (i) => i.resize({ width: 112 }).jpeg({ quality: 75 }) },
  { name: 'saturation 0.5, hue +20°, JPEG q80', apply: (i) => i.modulate({ saturation: 0.5, hue: 20 }).jpeg({ quality: 80 }) },
];

/** Every `step`-th element, so that a sample spreads over the whole catalog (ids grow with ingest time). */
function spread<T>(values: readonly T[], count: number): T[] {
  if (values.length <= count) return [...values];
  const step = values.length / count;
  return Array.from({ length: count }, (_, i) => values[Math.floor(i * step)]!);
}

function cosine(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export interface Relevance {
  /** Thresholds per catalog id for these catalogs (measured, or the uncalibrated fallback). */
  thresholds(catalogIds: Iterable<number>): Promise<Map<number, MatchThresholds>>;
  /** Measures a catalog now and stores the result. */
  calibrate(catalogId: number): Promise<MatchCalibration | null>;
  /** Measures the catalog when it has no calibration yet, or has grown or shrunk by a quarter since. */
  refreshIfStale(catalogId: number): Promise<MatchCalibration | null>;
  /** After an ingest that added items: refreshIfStale for its catalog (a failure is logged, never thrown; resolves when measured). */
  afterIngest<T extends { catalog: string; added: number }>(summary: T): Promise<T>;
  /** The stored calibration of a catalog for this instance's model, or null. */
  calibrationOf(catalogId: number): Promise<MatchCalibration | null>;
}

export function createRelevance(deps: {
  store: Store;
  storage: MediaStore;
  embedder: () => Promise<Embedder>;
  index: () => Promise<IndexManager>;
  modelId: string;
  logger?: Logger;
}): Relevance {
  const { store, modelId, logger } = deps;
  const running = new Map<number, Promise<MatchCalibration | null>>();

  async function background(catalogId: number): Promise<number[]> {
    const index = await deps.index();
    const ids = spread(index.idsOf(catalogId), CALIBRATION_SAMPLE.background);
    const vectors = ids.map((id) => index.vectorOf(id)!);
    const scores: number[] = [];
    for (let i = 0; i < vectors.length; i++) for (let j = i + 1; j < vectors.length; j++) scores.push(cosine(vectors[i]!, vectors[j]!));
    return scores;
  }

  async function measure(catalogId: number): Promise<MatchCalibration | null> {
    const started = performance.now();
    const index = await deps.index();
    await index.catchUp();
    const ids = index.idsOf(catalogId);
    if (ids.length === 0) return null;
    const sample = spread(ids, CALIBRATION_SAMPLE.edited);
    const items = await store.items.getByIds(sample, { modelId });
    const embedder = await deps.embedder();
    const edited: number[] = [];
    for (const item of items) {
      const original = index.vectorOf(item.id);
      if (!original) continue;
      let copies: Uint8Array[];
      try {
        const bytes = await deps.storage.read(item.storedFile);
        const { width = 1, height = 1 } = await sharp(bytes).rotate().metadata();
        copies = await Promise.all(CALIBRATION_EDITS.map(async (e) => new Uint8Array(await e.apply(sharp(bytes).rotate(), width, height).toBuffer())));
      } catch (error) {
        logger?.warn?.({ item: item.id, err: (error as Error).message }, 'calibration: an item could not be edited; skipped');
        continue;
      }
      for (const vector of await embedder.embed(copies)) edited.push(cosine(vector, original));
    }
    const pairs = await background(catalogId);
    const t = thresholdsFrom(edited, pairs);
    const calibration = await store.calibrations.put({
      catalogId,
      modelId,
      sameScore: t.same,
      similarScore: t.similar,
      itemCount: ids.length,
      details: {
        editedItems: items.length,
        edits: CALIBRATION_EDITS.map((e) => e.name),
        editedScores: { count: edited.length, p02: quantile(edited, 0.02), p50: quantile(edited, 0.5) },
        pairs: { count: pairs.length, p50: quantile(pairs, 0.5), p99: quantile(pairs, 0.99), max: quantile(pairs, 1) },
        tookMs: Math.round(performance.now() - started),
      },
    });
    logger?.info?.({ catalogId, same: t.same, similar: t.similar, items: ids.length, tookMs: calibration.details.tookMs }, 'match calibration stored');
    return calibration;
  }

  const relevance: Relevance = {
    calibrate(catalogId) {
      let job = running.get(catalogId);
      if (!job) {
        job = measure(catalogId).finally(() => running.delete(catalogId));
        running.set(catalogId, job);
      }
      return job;
    },

    async refreshIfStale(catalogId) {
      const index = await deps.index();
      await index.catchUp();
      const count = index.idsOf(catalogId).length;
      const [current] = await store.calibrations.forCatalogs([catalogId], modelId);
      if (current && Math.abs(count - current.itemCount) <= current.itemCount / 4) return current;
      return relevance.calibrate(catalogId);
    },

    async afterIngest(summary) {
      try {
        const catalog = summary.added > 0 ? await store.catalogs.getBySlug(summary.catalog) : null;
        if (catalog) await relevance.refreshIfStale(catalog.id);
      } catch (error) {
        logger?.warn?.({ catalog: summary.catalog, err: (error as Error).message }, 'match calibration failed');
      }
      return summary;
    },

    async calibrationOf(catalogId) {
      return (await store.calibrations.forCatalogs([catalogId], modelId))[0] ?? null;
    },

    async thresholds(catalogIds) {
      const wanted = [...new Set(catalogIds)];
      const stored = new Map((await store.calibrations.forCatalogs(wanted, modelId)).map((c) => [c.catalogId, c]));
      const out = new Map<number, MatchThresholds>();
      for (const id of wanted) {
        const c = stored.get(id);
        if (c) out.set(id, { same: c.sameScore, similar: c.similarScore });
        else {
          // Not measured yet: measure in the background, answer from the catalog's pairs and the measured floor now.
          relevance.calibrate(id).catch((error: Error) => logger?.warn?.({ catalogId: id, err: error.message }, 'match calibration failed'));
          out.set(id, thresholdsFrom([], await background(id)));
        }
      }
      return out;
    },
  };
  return relevance;
}
