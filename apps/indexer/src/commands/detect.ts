// loupe detect — every object in each photo: COCO label, score and box (CenterNet, labels fused with ResNet-50), and
// with --masks each object's outline (COCO RLE; --mask-png writes them as images).
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { createDetect, type DetectResult } from '@loupe/core';
import { DETECT_DEFAULTS } from '@loupe/detection';
import type { Device, Embedder, Precision } from '@loupe/embedding';
import { decodeRle, maskPng } from '@loupe/segmentation';
import type { Command } from 'commander';
import { EXIT, type CliContext } from '../context.ts';
import { deviceOption, parsePositiveInt, parseScore, parseWholeNumber, precisionOption, WORKERS_FLAG } from '../options.ts';
import { openEmbedder } from './analyze.ts';

interface DetectFlags {
  device: Device;
  precision?: Precision;
  threads?: number;
  workers?: number;
  minScore: number;
  max: number;
  fusion: boolean;
  json?: boolean;
  masks?: boolean;
  maskPng?: string;
}

/** The --json line: exactly file, width, height, objects. */
export function detectJson(file: string, d: DetectResult): string {
  return JSON.stringify({ file, width: d.width, height: d.height, objects: d.objects });
}

export function detectText(file: string, d: DetectResult): string {
  const lines = [`${file} (${d.width}×${d.height}): ${d.objects.length === 0 ? 'no objects found' : `${d.objects.length} object${d.objects.length === 1 ? '' : 's'}`}`];
  d.objects.forEach((o, i) => {
    const seen = o.imagenet ? `   (crop: ${o.imagenet.label} ${(o.imagenet.score * 100).toFixed(1)}%)` : '';
    const area = o.mask ? `   mask ${o.mask.counts.reduce((sum, n, k) => (k % 2 ? sum + n : sum), 0)} px` : '';
    lines.push(`  ${String(i + 1).padStart(2)}. ${o.label.padEnd(14)} ${(o.score * 100).toFixed(1).padStart(5)}%   at (${o.box.x0}, ${o.box.y0})–(${o.box.x1}, ${o.box.y1})${seen}${area}`);
  });
  return lines.join('\n');
}

/** The PNG file of a file's object: `<stem>-<index from 1>-<label>.png`, spaces in the label made dashes. */
export function maskPngName(file: string, index: number, label: string): string {
  return `${basename(file, extname(file))}-${index + 1}-${label.replaceAll(' ', '-')}.png`;
}

/** One PNG per object, the photo's size, white = object. */
async function writeMaskPngs(dir: string, file: string, d: DetectResult): Promise<void> {
  for (const [i, o] of d.objects.entries()) if (o.mask) await writeFile(join(dir, maskPngName(file, i, o.label)), await maskPng(decodeRle(o.mask)));
}

export function registerDetectCommands(program: Command, ctx: () => CliContext): void {
  program
    .command('detect')
    .description('every object in each image: COCO label, score and box in original pixels')
    .argument('<files...>')
    .addOption(deviceOption())
    .addOption(precisionOption())
    .option('--threads <n>', 'ONNX Runtime intra-op threads', parsePositiveInt)
    .option(...WORKERS_FLAG, parseWholeNumber)
    .option('--min-score <s>', 'drop objects scoring below this', parseScore, DETECT_DEFAULTS.minScore)
    .option('--max <n>', 'at most this many objects per image', parsePositiveInt, DETECT_DEFAULTS.maxObjects)
    .option('--no-fusion', 'CenterNet’s own labels, without ResNet-50 on each crop')
    .option('--json', 'one JSON line per file: {"file","width","height","objects"}')
    .option('--masks', 'outline each object: "mask" {"size": [h, w], "counts": [..]} (COCO uncompressed RLE over the photo)')
    .option('--mask-png <dir>', 'write each object\'s mask as <stem>-<n>-<label>.png in this folder (implies --masks)')
    .action(async (files: string[], flags: DetectFlags) => {
      const c = ctx();
      const threads = flags.threads ?? c.env.LOUPE_THREADS;
      const masks = flags.masks === true || flags.maskPng !== undefined;
      if (flags.maskPng !== undefined) await mkdir(flags.maskPng, { recursive: true });
      let embedder: Promise<Embedder> | undefined;
      const detection = createDetect({ embedder: () => (embedder ??= openEmbedder(c, { device: flags.device, precision: flags.precision, threads, workers: flags.workers })), device: flags.device, threads, fusion: flags.fusion, logger: c.logger });
      try {
        for (const file of files) {
          try {
            const found = await detection.detect(file, { minScore: flags.minScore, maxObjects: flags.max, masks });
            if (flags.maskPng !== undefined) await writeMaskPngs(flags.maskPng, file, found);
            c.out(flags.json ? detectJson(file, found) : detectText(file, found));
          } catch (error) {
            // Bad input for this file only: say so and go on; anything else (the machine) stops the command.
            if ((error as { code?: string }).code === undefined || ['MODEL_NOT_BUILT', 'PROVIDER_UNAVAILABLE', 'DISPOSED'].includes((error as { code: string }).code)) throw error;
            c.err(`${file}: ${(error as Error).message}`);
            c.setExitCode(EXIT.someFailed);
          }
        }
      } finally {
        await detection.close();
        await (await embedder?.catch(() => undefined))?.dispose();
      }
    });
}
