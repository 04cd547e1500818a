// A catalog's classifier heads: list, detail with metrics, training jobs, activation, label fields.
import { z } from 'zod';
import { named, timestamp } from './registry.ts';

const score = z.number().nullable();

export const Head = named(
  'Head',
  z.strictObject({
    id: z.int(),
    catalog: z.string(),
    version: z.int(),
    active: z.boolean(),
    field: z.string().describe('the metadata field whose values are the classes'),
    classes: z.array(z.string()),
    trainAccuracy: score,
    validationAccuracy: score,
    knnAccuracy: score.describe('the kNN baseline on the same validation split'),
    examples: z.int().nullable(),
    backbone: z.string().describe('the vectors (model id: network + pooling) the head was trained on'),
    usable: z.boolean().optional().describe("in lists: false when `backbone` is not the server's model (the pooling changed): retrain"),
    onnxBytes: z.int(),
    createdAt: timestamp,
    confusionUrl: z.string().describe('the validation confusion matrix as PNG (`?format=svg`, `?of=knn` for the baseline)'),
  }),
);

export const ClassMetrics = named(
  'ClassMetrics',
  z.strictObject({
    count: z.int(),
    accuracy: score,
    macroF1: score,
    perClass: z.array(z.strictObject({ label: z.string(), precision: score, recall: score, f1: score, support: z.int() })),
    confusion: z.array(z.array(z.int())).describe('rows: true class, columns: predicted class, in `classes` order'),
  }),
);

export const HeadDetail = named(
  'HeadDetail',
  Head.extend({
    metrics: z.strictObject({
      validation: ClassMetrics.nullable(),
      knn: ClassMetrics.extend({ k: z.int() }).nullable(),
      classCounts: z.record(z.string(), z.int()),
      epochs: z.int(),
      bestEpoch: z.int(),
      trainExamples: z.int(),
      validationExamples: z.int(),
      history: z.array(z.strictObject({ epoch: z.int(), loss: score, validationLoss: score, validationAccuracy: score })),
    }),
    settings: z.record(z.string(), z.unknown()),
  }),
);

export const HeadTraining = named(
  'HeadTraining',
  z.strictObject({
    id: z.string().describe('the job id of the training (a persisted job of kind "train-head")'),
    catalog: z.string(),
    field: z.string(),
    status: z.enum(['queued', 'running', 'done', 'failed', 'cancelled']),
    phase: z.enum(['loading', 'training', 'labelling']),
    epoch: z.int().nullable(),
    maxEpochs: z.int().nullable(),
    loss: score,
    validationLoss: score,
    validationAccuracy: score,
    head: Head.nullable(),
    error: z.strictObject({ code: z.string(), message: z.string() }).nullable(),
    startedAt: timestamp,
    finishedAt: timestamp.nullable(),
  }),
);

export const HeadList = named(
  'HeadList',
  z.strictObject({ heads: z.array(Head), active: z.int().nullable(), training: HeadTraining.nullable() }),
);

export const TrainHead = named(
  'TrainHead',
  z.object({
    field: z.string().trim().min(1).max(200).describe('the metadata field whose values are the classes'),
    seed: z.int().optional(),
    hidden: z.int().min(0).max(1024).optional().describe('units of a hidden ReLU layer (0: softmax regression, which also gives CAM boxes)'),
    maxEpochs: z.int().min(1).max(1000).optional(),
    validationSplit: z.number().min(0.05).max(0.5).optional(),
    minExamplesPerClass: z.int().min(2).max(10_000).optional(),
    knnK: z.int().min(1).max(100).optional(),
    activate: z.boolean().optional().describe('make it the active head when done (default true)'),
  }),
);

export const HeadActivated = named('HeadActivated', Head.extend({ labelled: z.int() }));

export const MetadataField = named('MetadataField', z.strictObject({ field: z.string(), items: z.int(), values: z.int() }));
export const MetadataFields = named('MetadataFields', z.strictObject({ fields: z.array(MetadataField) }));

/** A head version in a path: 2, v2, or "active". */
export const HeadVersionParam = z.union([z.literal('active'), z.string().regex(/^v?\d+$/, 'a head version (2 or v2) or "active"')]);

export type Head = z.infer<typeof Head>;
export type ClassMetrics = z.infer<typeof ClassMetrics>;
export type HeadDetail = z.infer<typeof HeadDetail>;
export type HeadTraining = z.infer<typeof HeadTraining>;
export type HeadList = z.infer<typeof HeadList>;
export type TrainHead = z.input<typeof TrainHead>;
export type MetadataField = z.infer<typeof MetadataField>;
