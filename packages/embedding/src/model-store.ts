// Finds and reads the built model files (see scripts/build-model.ts).
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelNotBuiltError } from './errors.ts';
import { MODEL_FILES, type ModelManifest } from './model-files.ts';
import { displayLabel, type ClassifierHead } from './postprocess.ts';

/** Builds the model into the package's own folder: the package's bin (in the Loupe repository, `npm run model`). */
export const BUILD_COMMAND = 'npx loupe-embedding build-model';

/**
 * The folder holding the package.json named `name`, walking up from a module's URL: a package's modules run from src/
 * in the workspace and from dist/src/ once built, so the depth differs. Falls back to the module's parent folder.
 */
export function packageRootOf(moduleUrl: string, name: string): string {
  const here = dirname(fileURLToPath(moduleUrl));
  for (let dir = here; dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === name) return dir;
  }
  return join(here, '..');
}

/** This package's folder (see packageRootOf). */
export function packageRoot(): string {
  return packageRootOf(import.meta.url, '@loupe/embedding');
}

/**
 * The package's own model folder, where the build writes by default. Bundled callers (the Next.js app) pass
 * `modelDir` instead: inside a bundle this module's URL may not be the package's.
 */
export function defaultModelDir(): string {
  return join(packageRoot(), 'model');
}

/** The build command for a model folder: plain for the package's own folder, with `--dir` for any other. */
export function buildCommandFor(modelDir: string): string {
  return modelDir === defaultModelDir() ? BUILD_COMMAND : `${BUILD_COMMAND} --dir ${JSON.stringify(modelDir)}`;
}

export interface LoadedModel {
  manifest: ModelManifest;
  onnxPath: string;
  head: ClassifierHead;
}

export async function loadModelFiles(modelDir = defaultModelDir(), variant: 'fp32' | 'fp16' | 'int8' = 'fp32'): Promise<LoadedModel> {
  const needed = [MODEL_FILES.manifest, MODEL_FILES[variant], MODEL_FILES.classifier, MODEL_FILES.labels];
  const missing = needed.filter((f) => !existsSync(join(modelDir, f)));
  if (missing.length > 0)
    throw new ModelNotBuiltError(
      `the ResNet-50 model is not built (missing ${missing.join(', ')} in ${modelDir}): run \`${buildCommandFor(modelDir)}\` (in the Loupe repository: \`npm run model\`)`,
    );
  const manifest = JSON.parse(await readFile(join(modelDir, MODEL_FILES.manifest), 'utf8')) as ModelManifest;
  const labels = (JSON.parse(await readFile(join(modelDir, MODEL_FILES.labels), 'utf8')) as string[]).map(displayLabel);
  const bytes = await readFile(join(modelDir, MODEL_FILES.classifier));
  const floats = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const weights = floats.slice(0, manifest.classes * manifest.featureDim);
  return { manifest, onnxPath: join(modelDir, MODEL_FILES[variant]), head: { labels, weights, dim: manifest.featureDim } };
}
