// Classifier heads in the web server: JSON shapes, and head training as persisted jobs (kind "train-head") that any
// worker runs — this server's own or a `loupe worker` — with progress polled by the admin page on any replica, and
// cancellable. A restart loses nothing: another worker takes a running training over once its heartbeat goes stale.
import type { HeadMetrics, HeadTrainingProgress, JobView, TrainingJobParams } from '@loupe/core';
import { HeadVersionParam } from '@loupe/api';
import type { ClassifierHeadInfo } from '@loupe/core';
import { getLoupe } from './loupe';
import { wakeWorker } from './worker';

/** A head version from a path: "2" or "v2" → 2, "active" → undefined (the active head). */
export function headVersion(param: string): number | undefined {
  const v = HeadVersionParam.parse(param);
  return v === 'active' ? undefined : Number(v.replace(/^v/, ''));
}

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

/** A head-training job as the admin page polls it: phase, epoch, losses; the head when done; the error when failed. */
export async function trainingJson(job: JobView) {
  const p = job.progress as Partial<HeadTrainingProgress> & Record<string, unknown>;
  const training = p.phase === 'training' ? (p as Extract<HeadTrainingProgress, { phase: 'training' }>) : null;
  const version = (job.result?.head as { version?: number } | undefined)?.version;
  const catalog = job.catalog ?? '';
  const head = version === undefined ? undefined : (await (await getLoupe()).heads.list(catalog)).find((h) => h.version === version);
  return {
    id: String(job.id),
    catalog,
    field: String(job.params.field ?? ''),
    status: job.status,
    phase: p.phase ?? 'loading',
    epoch: training ? training.epoch : null,
    maxEpochs: training ? training.maxEpochs : null,
    loss: training ? round(training.loss) : null,
    validationLoss: training ? round(training.validationLoss) : null,
    validationAccuracy: training ? round(training.validationAccuracy) : null,
    head: head ? headJson(head, catalog) : null,
    error: job.error ? { code: /^([A-Z_]+):/.exec(job.error)?.[1] ?? 'FAILED', message: job.error.replace(/^[A-Z_]+: /, '') } : null,
    startedAt: (job.startedAt ?? job.createdAt).toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
  };
}

/** The catalog's training job with this id (a persisted job of kind "train-head"), or undefined. */
export async function trainingJobOf(catalog: string, id: string): Promise<JobView | undefined> {
  if (!/^\d{1,9}$/.test(id)) return undefined;
  const job = await (await getLoupe()).jobs.get(Number(id));
  return job && job.kind === 'train-head' && job.catalog === catalog ? job : undefined;
}

/** The catalog's queued or running training, if any. */
export async function runningTrainingFor(catalog: string): Promise<JobView | undefined> {
  const [latest] = await (await getLoupe()).jobs.list({ catalog, kind: 'train-head', limit: 1 });
  return latest && (latest.status === 'queued' || latest.status === 'running') ? latest : undefined;
}

/** Queues a training; bad requests (unknown field, one class, too few examples) are refused before a job exists. */
export async function startTraining(options: TrainingJobParams & { catalog: string }): Promise<JobView> {
  const job = await (await getLoupe()).jobs.enqueueTraining(options);
  wakeWorker();
  return job;
}
