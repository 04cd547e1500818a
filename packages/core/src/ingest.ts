// Ingest: source entries → read → hash → (duplicate? record it) → batched analysis (decoding overlapped with
// inference) → original + thumbnail on disk (started as each result comes, beside the others') → the item's objects
// (detector + one backbone pass over their crops) → ONE transaction (item + embedding + predictions + boxes + objects + the job file's outcome) → index catch-up; storing a batch overlaps the next batch's inference. Exactly once under crashes: a file counts as done only when its outcome row is
// committed, in the same transaction as its item; a restarted job skips exactly those files. Files written before a
// crash are content-addressed, so writing them again is harmless; the index catches up from the database.
import { basename } from 'node:path';
import { detectorBoxes } from '@loupe/detection';
import { DuplicateItemError, InvalidInputError, type Catalog, type Item, type Job, type Store } from '@loupe/db';
import { probeImage, type Embedder, type ImageAnalysis } from '@loupe/embedding';
import { NotFoundError } from './errors.ts';
import { objectsToStore, type Detect } from './detect.ts';
import type { IndexManager } from './index-manager.ts';
import { ENTRY_LIMITS, entryFieldProblem, type IngestSource, type SourceEntry } from './sources/index.ts';
import { MIME_TYPES, sha256Hex, type MediaStore, type StoredImage } from './storage.ts';
import type { IngestOptions, IngestProgress, IngestSummary, Logger } from './types.ts';

export interface IngestDeps {
  store: Store;
  storage: MediaStore;
  embedder: () => Promise<Embedder>;
  index: () => Promise<IndexManager>;
  modelId: string;
  /** Detect each item's objects and index their vectors under `objects.modelId` (search by object). */
  objects?: { modelId: string; detection: Detect; index: () => Promise<IndexManager> };
  maxPixels?: number;
  snapshotEvery: number;
  logger?: Logger;
  /**
   * Called after each item is committed, with its vector (issue 7: auto-labels from the catalog's active classifier
   * head). Must not throw; it is not part of the item's transaction, so a crash in between leaves the item unlabelled
   * (activating the head again labels every item).
   */
  onItemStored?: (item: Item, vector: Float32Array) => Promise<void>;
}

interface Prepared {
  entry: SourceEntry;
  bytes: Uint8Array;
  hash: string;
  format: string;
}

const HEARTBEAT_MS = 2000;

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0]!.slice(0, 2000);
}

/** A key too long to store is recorded under a shortened one that stays unique (its hash). */
function storableKey(key: string): string {
  return key.length <= ENTRY_LIMITS.maxKeyChars ? key : `${key.slice(0, 200)}…(${sha256Hex(new TextEncoder().encode(key)).slice(0, 16)})`;
}

/** The catalog a claimed job fills; NotFoundError when it was deleted since. */
async function ownerOf(store: Store, job: Job): Promise<Catalog> {
  const owner = job.catalogId === null ? null : await store.catalogs.getById(job.catalogId);
  if (!owner) throw new NotFoundError(`job ${job.id}: its catalog no longer exists`);
  return owner;
}

/**
 * Runs an ingest job. With `claimed`, runs that job (a worker took it from the queue); otherwise resumes the
 * unfinished job for the same catalog and source, or creates one.
 */
export async function runIngest(
  deps: IngestDeps,
  source: IngestSource,
  options: IngestOptions & { claimed?: Job },
): Promise<IngestSummary> {
  const { store, storage, logger } = deps;
  // The model and the index load first, so that tookMs (and the rate derived from it) measures the ingest itself.
  const embedder = await deps.embedder();
  const catalog = options.claimed ? await ownerOf(store, options.claimed) : (await store.catalogs.ensure({ slug: options.catalog, ...(options.catalogName ? { name: options.catalogName } : {}) })).catalog;
  // Objects: on for this process (LOUPE_OBJECTS), not turned off for this run (--no-objects), and wanted by the catalog.
  const objects = options.objects === false || catalog.objects === 'off' ? undefined : deps.objects;
  const masks = catalog.objects === 'masks';
  const indexes = [await deps.index(), ...(objects ? [await objects.index()] : [])];
  const started = performance.now();
  const stagesMs: IngestSummary['stagesMs'] = { prepare: 0, decode: 0, inference: 0, objects: 0, files: 0, database: 0, index: 0 };
  /** Adds the wall time of `work` to a stage. */
  const timed = async <T>(stage: keyof IngestSummary['stagesMs'], work: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      stagesMs[stage] += performance.now() - t0;
    }
  };
  const embedderBefore = embedder.info().timings;
  let job: Job;
  let resumed: boolean;
  if (options.claimed) {
    job = options.claimed;
    resumed = job.filesAdded + job.filesDuplicate + job.filesFailed > 0;
  } else {
    const [unfinished] = await store.jobs.findUnfinished({ catalogId: catalog.id, source: source.identity });
    resumed = unfinished !== undefined;
    job = unfinished ?? (await store.jobs.create({ catalogId: catalog.id, source: source.identity }));
  }
  job = await store.jobs.start(job.id);
  const recorded = await store.jobs.recordedPaths(job.id);
  const total = await source.count();
  if (resumed) logger?.info?.({ job: job.id, done: recorded.size, total }, 'resuming an unfinished ingest job');

  const progress: IngestProgress = {
    jobId: job.id,
    total,
    done: recorded.size,
    added: job.filesAdded,
    duplicates: job.filesDuplicate,
    failed: job.filesFailed,
    doneThisRun: 0,
  };
  let lastBeat = 0;
  const report = async (force = false) => {
    options.onProgress?.({ ...progress });
    const now = performance.now();
    if (force || now - lastBeat > HEARTBEAT_MS) {
      lastBeat = now;
      await store.jobs.progress(job.id, { filesSeen: total });
    }
  };
  const outcome = async (kind: 'duplicates' | 'failed', key: string, reason: string, itemId?: number) => {
    key = storableKey(key);
    reason = reason.slice(0, 2000);
    const { recorded: fresh } = await store.jobs.recordFile({
      jobId: job.id,
      path: key,
      status: kind === 'duplicates' ? 'duplicate' : 'failed',
      reason,
      itemId: itemId ?? null,
    });
    if (!fresh) return;
    progress[kind]++;
    progress.done++;
    progress.doneThisRun++;
    if (kind === 'failed') progress.lastFailure = { file: key, reason };
    await report();
  };

  // Stage 1: read, hash and sniff each entry; duplicates and unreadable entries get their outcome here.
  async function* prepared(): AsyncGenerator<Prepared> {
    for await (const item of source.entries((key) => recorded.has(storableKey(key)))) {
      if (options.signal?.aborted) return;
      if (!item.ok) {
        await outcome('failed', item.key, item.reason);
        continue;
      }
      const tooBig = entryFieldProblem(item);
      if (tooBig) {
        await outcome('failed', item.key, tooBig);
        continue;
      }
      const t0 = performance.now();
      let bytes: Uint8Array;
      try {
        bytes = await item.read();
      } catch (error) {
        await outcome('failed', item.key, firstLine(error));
        continue;
      }
      const hash = sha256Hex(bytes);
      const existing = await store.items.findByContentHash(catalog.id, hash);
      if (existing) {
        await outcome('duplicates', item.key, `same content as item ${existing.id} (${existing.sourceName})`, existing.id);
        continue;
      }
      let format: string;
      try {
        format = (await probeImage(bytes, deps.maxPixels)).format;
      } catch (error) {
        await outcome('failed', item.key, firstLine(error));
        continue;
      }
      stagesMs.prepare += performance.now() - t0;
      yield { entry: item, bytes, hash, format };
    }
  }

  // Stage 2: batched analysis in input order, then one transaction per item.
  const pending: Array<Prepared | undefined> = [];
  async function* inputs(): AsyncGenerator<Uint8Array> {
    for await (const p of prepared()) {
      pending.push(p);
      yield p.bytes;
    }
  }
  /** The item's objects with their vectors; none stored (and so none indexed) when the detector fails on it. */
  const detectObjects = async (p: Prepared): Promise<Awaited<ReturnType<typeof objectsToStore>> | undefined> => {
    if (!objects) return undefined;
    try {
      return await objectsToStore(objects.detection, p.bytes, objects.modelId, { masks });
    } catch (error) {
      logger?.warn?.({ file: p.entry.key, err: firstLine(error) }, 'object detection failed; the item is stored without objects');
      return undefined;
    }
  };
  const storeOne = async (p: Prepared, analysis: ImageAnalysis, files: Promise<StoredImage>) => {
    const found = await timed('objects', () => detectObjects(p));
    const { storedFile, thumbnailFile } = await files;
    const { entry } = p;
    const writing = performance.now();
    try {
      const { item } = await store.items.insert({
        catalogId: catalog.id,
        externalId: entry.externalId ?? null,
        title: entry.title ?? basename(entry.key),
        metadata: entry.metadata ?? {},
        contentHash: p.hash,
        storedFile,
        thumbnailFile,
        width: analysis.width,
        height: analysis.height,
        mimeType: MIME_TYPES[p.format] ?? 'application/octet-stream',
        sizeBytes: p.bytes.byteLength,
        sourceName: entry.key,
        // A class the detector found as an object keeps the object's box: it hugs the object, a CAM blob does not.
        analysis: { modelId: deps.modelId, vector: analysis.vector, predictions: analysis.predictions.slice(0, 5), boxes: found ? detectorBoxes(analysis.boxes, found.detected) : analysis.boxes },
        ...(found ? { objects: found.stored } : {}),
        jobFile: { jobId: job.id, path: entry.key },
      });
      stagesMs.database += performance.now() - writing;
      // Auto-label (issue 7): the catalog's active head, if any, labels the new item (marked "predicted").
      await deps.onItemStored?.(item, analysis.vector);
      progress.added++;
      progress.done++;
      progress.doneThisRun++;
      await report();
    } catch (error) {
      // The row's own values refused by the store: that row fails, the job goes on.
      if (error instanceof InvalidInputError) return outcome('failed', entry.key, firstLine(error));
      if (!(error instanceof DuplicateItemError)) throw error;
      // The same bytes (or external id) earlier in this very run: it was committed after this entry was hashed.
      const other =
        (await store.items.findByContentHash(catalog.id, p.hash)) ??
        (entry.externalId ? await store.items.findByExternalId(catalog.id, entry.externalId) : null);
      await outcome('duplicates', entry.key, other ? `same ${other.contentHash === p.hash ? 'content' : 'external id'} as item ${other.id} (${other.sourceName})` : firstLine(error), other?.id);
    }
  };

  const batch = embedder.info().batchSize;
  let sinceCatchUp = 0;
  // Stage 3: storing (original + thumbnail on disk, the transaction, index catch-up) runs one item after another on
  // a chain that overlaps the NEXT batch's inference instead of holding it up. At most two batches wait on the chain.
  let chain: Promise<void> = Promise.resolve();
  let queued = 0;
  let failure: { error: unknown } | undefined;
  const enqueue = (file: string, work: () => Promise<void>) => {
    queued++;
    chain = chain
      .then(() => (failure ? undefined : work()))
      .catch((error: unknown) => {
        // Disk or database trouble is not the file's fault: stop, leaving the job resumable.
        if (!failure) logger?.error?.({ err: error, file }, 'ingest stopped');
        failure ??= { error };
      })
      .finally(() => queued--);
  };
  await report(true);
  for await (const result of embedder.analyzeEach(inputs(), { topK: 5 })) {
    if (failure) break;
    const p = pending[result.index]!;
    pending[result.index] = undefined;
    if (!result.ok) enqueue(p.entry.key, () => outcome('failed', p.entry.key, result.error.message));
    else {
      // The original and its thumbnail are written now, beside the other items' (sharp works on its own threads),
      // not one after another on the chain: content-addressed, so a crash before the item's row leaves nothing to undo.
      const files = timed('files', () => storage.store(p.bytes, p.hash, p.format));
      files.catch(() => undefined); // awaited on the chain, where a failure stops the ingest
      enqueue(p.entry.key, () => storeOne(p, result.value, files));
    }
    if (++sinceCatchUp >= batch) {
      sinceCatchUp = 0;
      enqueue('(index)', () =>
        timed('index', async () => {
          for (const index of indexes) {
            await index.catchUp();
            if (index.pendingSnapshotChanges >= deps.snapshotEvery) await index.snapshot();
          }
        }),
      );
    }
    if (queued > 2 * batch) await chain;
  }
  await chain;
  if (failure) throw failure.error;
  await timed('index', async () => {
    for (const index of indexes) {
      await index.catchUp();
      await index.snapshot();
    }
  });
  await report(true);
  const embedderAfter = embedder.info().timings;
  stagesMs.decode = embedderAfter.decodeMs - embedderBefore.decodeMs;
  stagesMs.inference = embedderAfter.inferenceMs - embedderBefore.inferenceMs;
  const interrupted = options.signal?.aborted ?? false;
  // A claimed job is finished by the job runner that holds its lease (with the result); a direct run finishes here.
  if (!interrupted && !options.claimed) job = await store.jobs.finish(job.id, { status: 'done' });
  else job = (await store.jobs.get(job.id)) ?? job;

  const failed: IngestSummary['failed'] = [];
  let cursor: number | null = null;
  do {
    const page: Awaited<ReturnType<Store['jobs']['files']>> = await store.jobs.files(job.id, { status: 'failed', limit: 1000, cursor });
    for (const f of page.files) failed.push({ file: f.path, reason: f.reason ?? 'failed' });
    cursor = page.nextCursor;
  } while (cursor !== null);
  return {
    job: job.id,
    catalog: catalog.slug,
    resumed,
    interrupted,
    added: job.filesAdded,
    duplicates: job.filesDuplicate,
    failed,
    tookMs: Math.round(performance.now() - started),
    stagesMs: Object.fromEntries(Object.entries(stagesMs).map(([k, v]) => [k, Math.round(v)])) as IngestSummary['stagesMs'],
  };
}

