// loupe classify | embed | localize — run the model on image files.
import { writeFile } from 'node:fs/promises';
import { createDetect, withObjectBoxes } from '@loupe/core';
import { createEmbedder, type Device, type Embedder, type ImageAnalysis, type Precision } from '@loupe/embedding';
import type { Command } from 'commander';
import { EXIT, type CliContext } from '../context.ts';
import { classifyJson, classifyText, embedJson, embedText, headClassifyJson, headClassifyText } from '../output.ts';
import { withLoupe } from './catalog.ts';
import { deviceOption, parsePositiveInt, parseScore, parseWholeNumber, precisionOption, WORKERS_FLAG } from '../options.ts';

interface ModelFlags {
  device: Device;
  precision?: Precision;
  threads?: number;
  workers?: number;
  batchSize?: number;
  json?: boolean;
}

export async function openEmbedder(ctx: CliContext, flags: ModelFlags): Promise<Embedder> {
  return createEmbedder({
    device: flags.device,
    threads: flags.threads ?? ctx.env.LOUPE_THREADS,
    workers: flags.workers ?? ctx.env.LOUPE_INFERENCE_WORKERS,
    batchSize: flags.batchSize,
    pooling: ctx.env.LOUPE_POOLING,
    precision: flags.precision ?? ctx.env.LOUPE_PRECISION,
    logger: ctx.logger,
  });
}

/** Streams files through the model; prints each result as it comes, each failure on stderr, and sets the exit code. */
async function runOver(
  ctx: CliContext,
  embedder: Embedder,
  files: string[],
  options: Parameters<Embedder['analyzeEach']>[1],
  print: (file: string, value: Awaited<ReturnType<Embedder['analyze']>>[number]) => Promise<void> | void,
): Promise<void> {
  for await (const result of embedder.analyzeEach(files, options)) {
    const file = files[result.index]!;
    if (result.ok) await print(file, result.value);
    else {
      ctx.err(`${file}: ${result.error.message}`);
      ctx.setExitCode(EXIT.someFailed);
    }
  }
}

/**
 * The class boxes of an analysis from the detected objects (a dog breed's box = the detected dog's), unless turned
 * off (`--no-objects`, LOUPE_OBJECTS=off). Without a built detector, the CAM boxes stay and one warning says so.
 */
function objectBoxes(ctx: CliContext, embedder: Embedder, flags: ModelFlags & { objects: boolean }) {
  if (!flags.objects || ctx.env.LOUPE_OBJECTS === 'off') return { apply: async (_file: string, a: ImageAnalysis) => a, close: async () => {} };
  const detection = createDetect({ embedder: async () => embedder, device: flags.device, threads: flags.threads ?? ctx.env.LOUPE_THREADS, logger: ctx.logger });
  let missing = false;
  return {
    async apply(file: string, a: ImageAnalysis): Promise<ImageAnalysis> {
      if (missing) return a;
      try {
        return await withObjectBoxes(detection, file, a);
      } catch (error) {
        if ((error as { code?: string }).code !== 'MODEL_NOT_BUILT') throw error;
        missing = true;
        ctx.err(`warning: boxes from class activation maps only: ${(error as Error).message}`);
        return a;
      }
    },
    close: () => detection.close(),
  };
}

function modelOptions(command: Command): Command {
  return command
    .addOption(deviceOption())
    .addOption(precisionOption())
    .option('--threads <n>', 'ONNX Runtime intra-op threads', parsePositiveInt)
    .option(...WORKERS_FLAG, parseWholeNumber)
    .option('--batch-size <n>', 'images per forward pass', parsePositiveInt)
    .option('--json', 'one JSON object per line per image');
}

/** classify --catalog: the catalog head's classes and CAM box (one forward pass per image), in the classify shape. */
async function classifyWithHead(ctx: CliContext, files: string[], flags: ModelFlags & { top: number; catalog: string; dataDir?: string; databaseUrl?: string }): Promise<void> {
  await withLoupe(ctx, flags, async (loupe) => {
    for (const r of await loupe.heads.classify(files, { catalog: flags.catalog, topK: flags.top })) {
      const file = files[r.index]!;
      if (!r.ok) {
        ctx.err(`${file}: ${r.error.message}`);
        ctx.setExitCode(EXIT.someFailed);
      } else ctx.out(flags.json ? JSON.stringify(headClassifyJson(file, flags.catalog, r.value)) : headClassifyText(file, flags.catalog, r.value));
    }
  });
}

export function registerAnalyzeCommands(program: Command, ctx: () => CliContext): void {
  modelOptions(program.command('classify').description('top ImageNet classes and the main object’s box (or a catalog head’s classes)').argument('<image...>'))
    .option('--top <n>', 'how many classes', parsePositiveInt, 5)
    .option('--catalog <slug>', "classify with this catalog's active head: its classes (the label field's values) and its CAM box")
    .option('--no-objects', 'the class activation map’s box only (default: the detected object’s box where the detector finds the class)')
    .option('--data-dir <dir>', 'with --catalog: data directory (default LOUPE_DATA_DIR, else ./data)')
    .option('--database-url <url>', 'with --catalog: database (default DATABASE_URL)')
    .action(async (files: string[], flags: ModelFlags & { top: number; catalog?: string; dataDir?: string; databaseUrl?: string; objects: boolean }) => {
      const c = ctx();
      if (flags.catalog) return classifyWithHead(c, files, { ...flags, catalog: flags.catalog });
      const embedder = await openEmbedder(c, flags);
      const boxes = objectBoxes(c, embedder, flags);
      try {
        await runOver(c, embedder, files, { topK: flags.top }, async (file, analysis) => {
          const a = await boxes.apply(file, analysis);
          c.out(flags.json ? JSON.stringify(classifyJson(file, a, false)) : classifyText(file, a, false));
        });
      } finally {
        await boxes.close();
        await embedder.dispose();
      }
    });

  modelOptions(program.command('embed').description('the 2048-d L2-normalised feature vector').argument('<image...>')).action(
    async (files: string[], flags: ModelFlags) => {
      const c = ctx();
      const embedder = await openEmbedder(c, flags);
      const model = embedder.info().modelId;
      try {
        await runOver(c, embedder, files, { topK: 1 }, (file, a) =>
          c.out(flags.json ? JSON.stringify(embedJson(file, model, a.vector)) : embedText(file, a.vector)),
        );
      } finally {
        await embedder.dispose();
      }
    },
  );

  modelOptions(program.command('localize').description('boxes of the confident classes (class activation maps)').argument('<image>'))
    .option('--top <n>', 'how many classes to list', parsePositiveInt, 5)
    .option('--classes <n>', 'localize up to this many confident classes', parsePositiveInt, 3)
    .option('--min-score <s>', 'localize classes with at least this probability', parseScore, 0.1)
    .option('--threshold <t>', 'share of the activation maximum that counts as object', parseScore)
    .option('--heatmap <out.png>', 'write the top class’s activation heatmap (PNG with alpha) here')
    .option('--no-objects', 'class activation map boxes only (default: a class the detector finds gets its object’s box)')
    .action(async (file: string, flags: ModelFlags & { top: number; classes: number; minScore: number; threshold?: number; heatmap?: string; objects: boolean }) => {
      const c = ctx();
      const embedder = await openEmbedder(c, flags);
      const boxes = objectBoxes(c, embedder, flags);
      try {
        await runOver(
          c,
          embedder,
          [file],
          { topK: Math.max(flags.top, flags.classes), minScore: flags.minScore, threshold: flags.threshold, heatmap: Boolean(flags.heatmap) },
          async (name, analysis) => {
            const a = await boxes.apply(name, analysis);
            // Boxes come from up to --classes classes; the listing shows --top predictions.
            const shown = { ...a, predictions: a.predictions.slice(0, flags.top) };
            c.out(flags.json ? JSON.stringify(classifyJson(name, shown, true)) : classifyText(name, shown, true));
            if (flags.heatmap && a.heatmap) {
              await writeFile(flags.heatmap, a.heatmap.png);
              if (!flags.json) c.out(`  heatmap: ${flags.heatmap} (${a.heatmap.width}×${a.heatmap.height})`);
            }
          },
        );
      } finally {
        await boxes.close();
        await embedder.dispose();
      }
    });
}
