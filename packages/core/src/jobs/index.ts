// Jobs as a use case: queue ingest, reindex and head training; list and cancel them; and the handlers that run each
// kind inside the one runner (./runner.ts). Every job is a database row, so the CLI (`loupe jobs`, `loupe worker`)
// and every web server see and run the same jobs, and a restart loses none.
import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Job, JobKind, JsonObject, Store } from '@loupe/db';
import { CoreError, InvalidQueryError, InvalidSourceError, JobConflictError, NotFoundError } from '../errors.ts';
import type { Heads, TrainCatalogHeadOptions } from '../heads.ts';
import { openSource, reopenSource, type IngestSource, type RejectedEntry, type SourceLimits } from '../sources/index.ts';
import { stageSource } from '../sources/stage.ts';
import type { IngestSummary, Logger } from '../types.ts';
import { createJobRunner, type JobContext, type JobHandlers, type JobRunner, type JobRunnerOptions } from './runner.ts';

export { createJobRunner, startJobWorker, defaultWorkerId, type JobContext, type JobHandler, type JobRunner, type JobRunOutcome, type JobWorker, type RunNextOptions } from './runner.ts';

/** A job as apps show it: the row with its catalog's slug. */
export interface JobView extends Job {
  catalog: string | null;
}

/** The training settings a queued training job keeps (callbacks cannot be stored). */
export type TrainingJobParams = Omit<TrainCatalogHeadOptions, 'onProgress' | 'signal' | 'jobId'>;

export interface ReindexRunOptions {
  catalog?: string;
  all?: boolean;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface JobsDeps {
  store: Store;
  heads: Heads;
  logger?: Logger;
  sourceLimits?: Partial<SourceLimits>;
  /** The shared media store's uploads folder, where staged sources wait for a worker (and are removed when done). */
  uploadsDir: string;
  /** Runs a claimed ingest job over its reopened source (skipping the files it already recorded). */
  ingest(job: Job, source: IngestSource, context: JobContext): Promise<IngestSummary>;
  reindex(options: ReindexRunOptions): Promise<{ reindexed: number; objects: number; failed: Array<{ id: number; reason: string }> }>;
}

const TRAINING_KEYS = ['field', 'seed', 'hidden', 'validationSplit', 'minExamplesPerClass', 'classWeighting', 'maxEpochs', 'patience', 'batchSize', 'learningRate', 'weightDecay', 'knn', 'activate'] as const;

export function createJobs(deps: JobsDeps) {
  const { store } = deps;
  const slugs = new Map<number, string>();

  async function slugOf(catalogId: number | null): Promise<string | null> {
    if (catalogId === null) return null;
    let slug = slugs.get(catalogId);
    if (slug === undefined) {
      slug = (await store.catalogs.getById(catalogId))?.slug ?? String(catalogId);
      slugs.set(catalogId, slug);
    }
    return slug;
  }
  const view = async (job: Job): Promise<JobView> => ({ ...job, catalog: await slugOf(job.catalogId) });

  async function catalogId(slug: string): Promise<number> {
    const c = await store.catalogs.getBySlug(slug);
    if (!c) throw new NotFoundError(`no catalog "${slug}"`);
    slugs.set(c.id, c.slug);
    return c.id;
  }

  /** The one unfinished job for the same work, or a new one: queuing twice runs once. */
  async function once(kind: JobKind, id: number | null, source: string, params: JsonObject = {}): Promise<JobView> {
    const unfinished = (await store.jobs.findUnfinished({ kind, source, ...(id === null ? {} : { catalogId: id }) })).find((j) => j.catalogId === id);
    return view(unfinished ?? (await store.jobs.create({ kind, catalogId: id, source, params })));
  }

  const handlers: JobHandlers = {
    async ingest(job, context) {
      let source: IngestSource;
      try {
        source = await reopenSource(job.source, deps.sourceLimits);
      } catch (error) {
        if (error instanceof CoreError) throw error;
        throw new InvalidSourceError(`the source of job ${job.id} cannot be opened (moved or deleted?): ${(error as Error).message}`, { cause: error });
      }
      const summary = await deps.ingest(job, source, context);
      return { added: summary.added, duplicates: summary.duplicates, failed: summary.failed.length };
    },
    async reindex(job, context) {
      const all = job.params.all === true;
      const catalog = await slugOf(job.catalogId);
      const r = await deps.reindex({
        ...(catalog === null ? {} : { catalog }),
        all,
        signal: context.signal,
        onProgress: (done, total) => context.report({ phase: 'reindex', done, total }),
      });
      return { reindexed: r.reindexed, objects: r.objects, failed: r.failed.length, failures: r.failed.slice(0, 100) };
    },
    async 'train-head'(job, context): Promise<JsonObject> {
      const catalog = await slugOf(job.catalogId);
      if (catalog === null) throw new InvalidQueryError(`training job ${job.id} has no catalog`);
      const params = job.params as unknown as TrainingJobParams;
      // A worker that died after storing the head (while labelling) left it behind: finish from there, never train twice.
      const stored = (await deps.heads.list(catalog)).find((h) => h.settings.jobId === job.id);
      if (stored) {
        const labelled = params.activate === false ? 0 : (await deps.heads.activate(catalog, stored.version)).labelled;
        return { head: { id: stored.id, version: stored.version }, labelled, resumed: true };
      }
      const r = await deps.heads.train({ ...params, catalog, jobId: job.id, signal: context.signal, onProgress: (p) => context.report({ ...p }) });
      return {
        head: { id: r.head.id, version: r.head.version },
        resumed: false,
        classes: r.classes,
        trainAccuracy: r.trainAccuracy,
        validationAccuracy: r.validationAccuracy,
        knnAccuracy: r.knnAccuracy,
        labelled: r.labelled,
        tookMs: r.tookMs,
      };
    },
  };

  return {
    /**
     * A new folder (not yet created) in the shared media store's uploads, for files to queue from: a worker on any
     * machine reads them there, and the folder is removed once its ingest job is done.
     */
    newUploadDir(): string {
      return join(deps.uploadsDir, randomUUID());
    },

    /**
     * Queues an upload's files, saved in `dir` (from `newUploadDir`) under any unique names: one zip alone, a manifest
     * (.jsonl/.csv) with the images it names, or images. Each file gets its own name back where it can (a manifest
     * names its images so, and an item's title is its file's name); a name sent again goes, with its name, into a
     * folder of its own (`copy-2/`, …). A refused upload (two zips, a zip among images, a manifest that cannot be
     * read) leaves nothing behind.
     */
    async enqueueUpload(dir: string, files: ReadonlyArray<{ name: string; path: string }>, options: { catalog: string; catalogName?: string }): Promise<JobView> {
      try {
        const zips = files.filter((f) => /\.zip$/i.test(f.name));
        const manifests = files.filter((f) => /\.(jsonl|ndjson|csv)$/i.test(f.name));
        if (zips.length > 0 && files.length > 1) throw new InvalidSourceError('send one zip file alone, or images (and at most one manifest)');
        if (manifests.length > 1) throw new InvalidSourceError('send at most one manifest with its images');
        let source = dir;
        if (zips.length === 1) source = zips[0]!.path;
        else {
          const taken = new Set(files.map((f) => basename(f.path)));
          for (const f of files) {
            let folder = '';
            for (let n = 2; taken.has(join(folder, f.name)); n++) folder = `copy-${n}`;
            if (folder) {
              taken.add(folder);
              await mkdir(join(dir, folder), { recursive: true });
            }
            taken.add(join(folder, f.name));
            await rename(f.path, join(dir, folder, f.name));
          }
          if (manifests.length === 1) source = join(dir, manifests[0]!.name);
        }
        return await this.enqueueIngest(source, options);
      } catch (error) {
        await rm(dir, { recursive: true, force: true });
        throw error;
      }
    },

    /** Queues an ingest of a folder, zip or manifest path; the unfinished job for the same source if there is one. */
    async enqueueIngest(path: string, options: { catalog: string; catalogName?: string; limits?: Partial<SourceLimits> }): Promise<JobView> {
      const source = await openSource(path, options.limits ?? deps.sourceLimits);
      const { catalog } = await store.catalogs.ensure({ slug: options.catalog, ...(options.catalogName ? { name: options.catalogName } : {}) });
      slugs.set(catalog.id, catalog.slug);
      const job = await once('ingest', catalog.id, source.identity);
      if (job.status !== 'queued' || job.filesSeen > 0) return job;
      // The entry count, so a queued job already shows how much it holds (`filesSeen`).
      return view(await store.jobs.progress(job.id, { filesSeen: await source.count() }));
    },

    /**
     * `ingest --enqueue`: copies the source into the shared media store (`<media dir>/uploads/<id>/`, removed once
     * its job is done) and queues it from there, so that a worker on any machine can read it. A manifest may name
     * files below `allowRoots` too. Entries the source refuses are returned, not queued.
     */
    async enqueueStagedIngest(
      path: string,
      options: { catalog: string; allowRoots?: readonly string[]; limits?: Partial<SourceLimits> },
    ): Promise<{ job: JobView; copied: number; rejected: RejectedEntry[] }> {
      const dir = this.newUploadDir();
      try {
        const staged = await stageSource(path, dir, { limits: options.limits ?? deps.sourceLimits, allowRoots: options.allowRoots });
        const job = await this.enqueueIngest(staged.path, { catalog: options.catalog, limits: options.limits });
        return { job, copied: staged.copied, rejected: staged.rejected };
      } catch (error) {
        await rm(dir, { recursive: true, force: true });
        throw error;
      }
    },

    /** Queues computing the active model's vectors for items without one (or all, with `all`); one such job at a time. */
    async enqueueReindex(options: { catalog?: string; all?: boolean } = {}): Promise<JobView> {
      const id = options.catalog === undefined ? null : await catalogId(options.catalog);
      return once('reindex', id, `reindex:${options.all ? 'all' : 'missing'}`, { all: options.all === true });
    },

    /**
     * Queues training a head. What training would refuse (unknown field, one class, too few examples) is refused here,
     * before a job exists. One training per catalog at a time: JobConflictError otherwise.
     */
    async enqueueTraining(options: TrainingJobParams & { catalog: string }): Promise<JobView> {
      const id = await catalogId(options.catalog);
      const running = await store.jobs.findUnfinished({ kind: 'train-head', catalogId: id });
      if (running.length > 0) throw new JobConflictError(`a head of "${options.catalog}" is being trained already (job ${running[0]!.id})`, running[0]!.id);
      await deps.heads.check(options);
      const params: JsonObject = {};
      for (const key of TRAINING_KEYS) if (options[key] !== undefined) params[key] = options[key] as JsonObject[string];
      return view(await store.jobs.create({ kind: 'train-head', catalogId: id, source: `train-head:${options.field.trim()}`, params }));
    },

    async get(id: number): Promise<JobView | null> {
      const job = await store.jobs.get(id);
      return job ? view(job) : null;
    },

    /** Newest first. */
    async list(options: { catalog?: string; kind?: JobKind; limit?: number } = {}): Promise<JobView[]> {
      const id = options.catalog === undefined ? undefined : await catalogId(options.catalog);
      return Promise.all((await store.jobs.list({ catalogId: id, kind: options.kind, limit: options.limit })).map(view));
    },

    /** The files an ingest job could not add, with reasons (first `limit`). */
    async failures(id: number, limit = 200): Promise<Array<{ file: string; reason: string }>> {
      const { files } = await store.jobs.files(id, { status: 'failed', limit });
      return files.map((f) => ({ file: f.path, reason: f.reason ?? 'failed' }));
    },

    /**
     * Cancels a queued job at once, a running one at its worker's next heartbeat. A job that has already ended is
     * returned as it is: cancelling it changes nothing.
     */
    async cancel(id: number): Promise<JobView> {
      const job = await store.jobs.get(id);
      if (!job) throw new NotFoundError(`no job ${id}`);
      if (job.status !== 'queued' && job.status !== 'running') return view(job);
      return view(await store.jobs.requestCancel(id));
    },

    /** A runner that claims and runs jobs of every kind (one at a time; start several workers for more). */
    runner(options: Omit<JobRunnerOptions, 'store' | 'handlers' | 'logger'> = {}): JobRunner {
      return createJobRunner({ ...options, store, handlers, logger: deps.logger });
    },
  };
}

export type Jobs = ReturnType<typeof createJobs>;
