// Classifier heads in the web server: JSON shapes, and head training as background jobs in this process (progress
// polled by the admin page; cancellable). Training jobs live in memory: a restart forgets running ones (nothing is
// stored until a training finishes, so nothing is left half-written).
import { randomUUID } from 'node:crypto';
import type { HeadMetrics, HeadTrainingProgress, TrainCatalogHeadOptions, TrainCatalogHeadResult } from '@loupe/core';
import type { ClassifierHeadInfo } from '@loupe/db';
import { getLoupe } from './loupe';
import { logger } from './log';

const round = (n: number | null | undefined, digits = 4) => (n === null || n === undefined ? null : Number(n.toFixed(digits)));

export const confusionUrl = (slug: string, version: number) => `/api/v1/catalogs/${encodeURIComponent(slug)}/heads/${version}/confusion`;

/** A head in lists (no metrics detail). */
export function headJson(h: ClassifierHeadInfo, slug: string) {
  const m = h.metrics as unknown as Partial<HeadMetrics>;
  return {
    id: h.id,
    catalog: slug,
    version: h.version,
    active: h.active,
    field: h.labelField,
    classes: h.classes,
    trainAccuracy: round(m.trainAccuracy),
    validationAccuracy: round(m.validation?.accuracy),
    knnAccuracy: round(m.knn?.accuracy),
    examples: m.examples ?? null,
    backbone: h.modelId,
    onnxBytes: h.onnxBytes,
    createdAt: h.createdAt.toISOString(),
    confusionUrl: confusionUrl(slug, h.version),
  };
}

const metricsJson = (m: HeadMetrics['validation'] | null | undefined) =>
  m
    ? {
        count: m.count,
        accuracy: round(m.accuracy),
        macroF1: round(m.macroF1),
        perClass: m.perClass.map((c) => ({ label: c.label, precision: round(c.precision), recall: round(c.recall), f1: round(c.f1), support: c.support })),
        confusion: m.confusion,
      }
    : null;

/** A head with its metrics next to the kNN baseline's, its settings and its training curve. */
export function headDetailJson(h: ClassifierHeadInfo, slug: string) {
  const m = h.metrics as unknown as HeadMetrics;
  return {
    ...headJson(h, slug),
    metrics: {
      validation: metricsJson(m.validation),
      knn: m.knn ? { k: m.knn.k, ...metricsJson(m.knn)! } : null,
      classCounts: m.classCounts,
      epochs: m.epochs,
      bestEpoch: m.bestEpoch,
      trainExamples: m.trainExamples,
      validationExamples: m.validationExamples,
      history: m.history.map((p) => ({ epoch: p.epoch, loss: round(p.loss), validationLoss: round(p.validationLoss), validationAccuracy: round(p.validationAccuracy) })),
    },
    settings: h.settings,
  };
}

export type TrainingStatus = 'running' | 'done' | 'failed' | 'cancelled';

interface TrainingJob {
  id: string;
  catalog: string;
  field: string;
  status: TrainingStatus;
  progress: HeadTrainingProgress | null;
  result: TrainCatalogHeadResult | null;
  error: { code: string; message: string } | null;
  controller: AbortController;
  startedAt: Date;
  finishedAt: Date | null;
}

const g = globalThis as unknown as { loupeHeadJobs?: Map<string, TrainingJob> };
const jobs = (g.loupeHeadJobs ??= new Map());

export function trainingJson(job: TrainingJob) {
  const p = job.progress;
  return {
    id: job.id,
    catalog: job.catalog,
    field: job.field,
    status: job.status,
    phase: p?.phase ?? 'loading',
    epoch: p?.phase === 'training' ? p.epoch : null,
    maxEpochs: p?.phase === 'training' ? p.maxEpochs : null,
    loss: p?.phase === 'training' ? round(p.loss) : null,
    validationLoss: p?.phase === 'training' ? round(p.validationLoss) : null,
    validationAccuracy: p?.phase === 'training' ? round(p.validationAccuracy) : null,
    head: job.result ? headJson(job.result.head, job.catalog) : null,
    error: job.error,
    startedAt: job.startedAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
  };
}

export function getTrainingJob(id: string): TrainingJob | undefined {
  return jobs.get(id);
}

/** One training per catalog at a time. */
export function runningTrainingFor(catalog: string): TrainingJob | undefined {
  return [...jobs.values()].find((j) => j.catalog === catalog && j.status === 'running');
}

/**
 * Starts a training in the background. Resolves once the labels are read and training has begun — so bad requests
 * (unknown field, one class, too few examples) reject here and become 4xx responses — or when it already ended.
 */
export async function startTraining(options: Omit<TrainCatalogHeadOptions, 'onProgress' | 'signal'>): Promise<TrainingJob> {
  const loupe = await getLoupe();
  const job: TrainingJob = {
    id: randomUUID(),
    catalog: options.catalog,
    field: options.field,
    status: 'running',
    progress: null,
    result: null,
    error: null,
    controller: new AbortController(),
    startedAt: new Date(),
    finishedAt: null,
  };
  let begun: () => void = () => undefined;
  const training = new Promise<void>((resolve) => (begun = resolve));
  const run = loupe.heads
    .train({
      ...options,
      signal: job.controller.signal,
      onProgress: (p) => {
        job.progress = p;
        if (p.phase === 'training') begun();
      },
    })
    .then((result) => {
      job.result = result;
      job.status = 'done';
    })
    .catch((error: Error & { code?: string }) => {
      job.status = error.code === 'TRAINING_CANCELLED' ? 'cancelled' : 'failed';
      job.error = { code: error.code ?? 'INTERNAL', message: error.code ? error.message : 'internal error' };
      if (!error.code) logger().error({ err: error }, 'head training failed');
      throw error;
    })
    .finally(() => (job.finishedAt = new Date()));
  // Refused before training began: the caller answers with the error and the job is not kept.
  await Promise.race([training, run]);
  jobs.set(job.id, job);
  run.catch(() => undefined);
  // Forget finished jobs after an hour.
  for (const [id, j] of jobs) if (j.finishedAt && Date.now() - j.finishedAt.getTime() > 3_600_000) jobs.delete(id);
  return job;
}
