// loupe heads fields | train | list | activate | show — a catalog's own classifier head on the frozen backbone,
// trained from the stored feature vectors with labels from an item metadata field.
import { writeFile } from 'node:fs/promises';
import type { HeadMetrics } from '@loupe/core';
import type { ClassifierHeadInfo } from '@loupe/db';
import { confusionMatrixPng, confusionMatrixSvg } from '@loupe/heads';
import { InvalidArgumentError, type Command } from 'commander';
import type { CliContext } from '../context.ts';
import { parsePositiveInt, parseScore } from '../options.ts';
import { createProgressView } from '../progress.ts';
import { storeOptions, withLoupe, type StoreFlags } from './catalog.ts';

const round = (n: number | null | undefined, digits = 4) => (n === null || n === undefined ? null : Number(n.toFixed(digits)));
const pct = (n: number | null | undefined) => (n === null || n === undefined ? '—' : `${(n * 100).toFixed(1)}%`);

function parseVersion(value: string): number {
  const n = Number(value.replace(/^v/, ''));
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a head version like 2 or v2, got "${value}"`);
  return n;
}

function headJson(h: ClassifierHeadInfo, catalog: string) {
  const m = h.metrics as unknown as Partial<HeadMetrics>;
  return {
    id: h.id,
    catalog,
    version: h.version,
    active: h.active,
    field: h.labelField,
    classes: h.classes,
    validationAccuracy: round(m.validation?.accuracy),
    knnAccuracy: round(m.knn?.accuracy),
    examples: m.examples ?? null,
    backbone: h.modelId,
    createdAt: h.createdAt.toISOString(),
  };
}

export function registerHeadCommands(program: Command, ctx: () => CliContext): void {
  const heads = program.command('heads').description("a catalog's own classifier, trained on the stored features (labels from a metadata field)");

  storeOptions(heads.command('fields'))
    .description('metadata fields of a catalog’s items that can serve as labels')
    .requiredOption('--catalog <slug>', 'catalog')
    .action(async (flags: StoreFlags & { catalog: string }) => {
      const c = ctx();
      await withLoupe(c, flags, async (loupe) => {
        const fields = await loupe.heads.fields(flags.catalog);
        if (flags.json) for (const f of fields) c.out(JSON.stringify(f));
        else if (fields.length === 0) c.out(`catalog ${flags.catalog} has no metadata fields (ingest a manifest with a label column)`);
        else for (const f of fields) c.out(`${f.field.padEnd(24)} ${String(f.items).padStart(7)} items  ${f.values} distinct values`);
      });
    });

  storeOptions(heads.command('train'))
    .description('train a head from the catalog’s stored vectors; it becomes the active head and labels the items')
    .requiredOption('--catalog <slug>', 'catalog')
    .requiredOption('--field <name>', 'metadata field whose values are the classes (e.g. a manifest column)')
    .option('--seed <n>', 'random seed (same data + seed → same head)', (v) => Number.parseInt(v, 10), 1)
    .option('--hidden <n>', 'a hidden layer of n ReLU units (default: none — softmax regression, which also gives CAM boxes)', (v) => Number.parseInt(v, 10))
    .option('--epochs <n>', 'most epochs (early stopping usually ends sooner)', parsePositiveInt)
    .option('--validation <share>', 'share of each class held out for validation', parseScore)
    .option('--min-examples <n>', 'refuse classes with fewer examples', parsePositiveInt)
    .option('--knn <k>', 'k of the kNN baseline', parsePositiveInt)
    .option('--no-activate', 'store the head without making it active')
    .action(
      async (
        flags: StoreFlags & { catalog: string; field: string; seed: number; hidden?: number; epochs?: number; validation?: number; minExamples?: number; knn?: number; activate: boolean },
      ) => {
        const c = ctx();
        const controller = new AbortController();
        const onSignal = () => {
          c.err('interrupted: cancelling the training (nothing is stored)');
          controller.abort();
        };
        process.once('SIGINT', onSignal);
        process.once('SIGTERM', onSignal);
        const view = createProgressView('train', { plain: flags.json });
        try {
          await withLoupe(c, flags, async (loupe) => {
            const r = await loupe.heads.train({
              catalog: flags.catalog,
              field: flags.field,
              seed: flags.seed,
              hidden: flags.hidden,
              maxEpochs: flags.epochs,
              validationSplit: flags.validation,
              minExamplesPerClass: flags.minExamples,
              knn: flags.knn ? { k: flags.knn } : undefined,
              activate: flags.activate,
              signal: controller.signal,
              onProgress: (p) => {
                if (p.phase === 'training')
                  view.update(p.epoch, p.maxEpochs, `loss ${p.loss.toFixed(4)}, validation loss ${p.validationLoss.toFixed(4)}, accuracy ${pct(p.validationAccuracy)}`);
              },
            });
            view.stop();
            if (flags.json) {
              c.out(
                JSON.stringify({
                  head: headJson(r.head, flags.catalog),
                  classes: r.classes,
                  trainAccuracy: round(r.trainAccuracy),
                  validationAccuracy: round(r.validationAccuracy),
                  knnAccuracy: round(r.knnAccuracy),
                  epochs: r.metrics.epochs,
                  examples: r.metrics.examples,
                  labelled: r.labelled,
                  tookMs: r.tookMs,
                }),
              );
            } else {
              c.out(`head v${r.head.version} of ${flags.catalog}${r.head.active ? ' (active)' : ''}: ${r.classes.length} classes from "${flags.field}", ${r.metrics.examples} examples, ${r.metrics.epochs} epochs, ${(r.tookMs / 1000).toFixed(1)} s`);
              c.out(`  train accuracy ${pct(r.trainAccuracy)}, validation accuracy ${pct(r.validationAccuracy)}, kNN baseline ${pct(r.knnAccuracy)}`);
              for (const k of r.metrics.validation.perClass)
                c.out(`  ${k.label.padEnd(24)} precision ${pct(k.precision)}  recall ${pct(k.recall)}  F1 ${pct(k.f1)}  (${k.support})`);
              if (r.labelled > 0) c.out(`  labelled ${r.labelled} items`);
            }
          });
        } finally {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        }
      },
    );

  storeOptions(heads.command('list'))
    .description('the catalog’s heads, newest first')
    .requiredOption('--catalog <slug>', 'catalog')
    .action(async (flags: StoreFlags & { catalog: string }) => {
      const c = ctx();
      await withLoupe(c, flags, async (loupe) => {
        const list = await loupe.heads.list(flags.catalog);
        if (flags.json) for (const h of list) c.out(JSON.stringify(headJson(h, flags.catalog)));
        else if (list.length === 0) c.out(`catalog ${flags.catalog} has no heads: \`loupe heads train --catalog ${flags.catalog} --field <name>\``);
        else
          for (const h of list) {
            const j = headJson(h, flags.catalog);
            c.out(`v${h.version}${h.active ? '*' : ' '}  ${h.labelField.padEnd(16)} ${String(h.classes.length).padStart(3)} classes  accuracy ${pct(j.validationAccuracy)}  kNN ${pct(j.knnAccuracy)}  ${j.createdAt}`);
          }
      });
    });

  storeOptions(heads.command('activate'))
    .description('make a head version the active one (older versions are kept) and relabel the items with it')
    .requiredOption('--catalog <slug>', 'catalog')
    .argument('<version>', 'head version, e.g. 2', parseVersion)
    .action(async (version: number, flags: StoreFlags & { catalog: string }) => {
      const c = ctx();
      await withLoupe(c, flags, async (loupe) => {
        const { head, labelled } = await loupe.heads.activate(flags.catalog, version);
        c.out(flags.json ? JSON.stringify({ ...headJson(head, flags.catalog), labelled }) : `v${head.version} of ${flags.catalog} is active; labelled ${labelled} items`);
      });
    });

  storeOptions(heads.command('show'))
    .description('a head’s metrics next to the kNN baseline; optionally its confusion matrix as PNG or SVG')
    .requiredOption('--catalog <slug>', 'catalog')
    .option('--version <n>', 'head version (default: the active one)', parseVersion)
    .option('--confusion <file>', 'write the validation confusion matrix here (.png or .svg)')
    .action(async (flags: StoreFlags & { catalog: string; version?: number; confusion?: string }) => {
      const c = ctx();
      await withLoupe(c, flags, async (loupe) => {
        const head = await loupe.heads.get(flags.catalog, flags.version);
        const m = head.metrics as unknown as HeadMetrics;
        if (flags.confusion) {
          const title = `${flags.catalog} v${head.version} — validation accuracy ${pct(m.validation.accuracy)}`;
          await writeFile(flags.confusion, flags.confusion.toLowerCase().endsWith('.svg') ? confusionMatrixSvg(m.validation, { title }) : await confusionMatrixPng(m.validation, { title }));
        }
        if (flags.json) c.out(JSON.stringify({ ...headJson(head, flags.catalog), metrics: m, settings: head.settings }));
        else {
          c.out(`v${head.version} of ${flags.catalog}${head.active ? ' (active)' : ''}: field "${head.labelField}", backbone ${head.modelId}`);
          c.out(`  validation accuracy ${pct(m.validation.accuracy)} (macro F1 ${pct(m.validation.macroF1)}); kNN (k=${m.knn?.k ?? '—'}) ${pct(m.knn?.accuracy)}`);
          for (const [i, k] of m.validation.perClass.entries()) {
            const knn = m.knn?.perClass[i];
            c.out(`  ${k.label.padEnd(24)} F1 ${pct(k.f1)}  (kNN ${pct(knn?.f1)})  support ${k.support}`);
          }
          if (flags.confusion) c.out(`  confusion matrix: ${flags.confusion}`);
        }
      });
    });
}
