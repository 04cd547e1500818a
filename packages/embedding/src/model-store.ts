// Finds and reads the built model files (see scripts/build-model.ts).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelNotBuiltError } from './errors.ts';
import { MODEL_FILES, type ModelManifest } from './model-files.ts';
import { displayLabel, type ClassifierHead } from './postprocess.ts';

export const BUILD_COMMAND = 'npm run model';

/**
 * The package's own model folder, where `npm run model` writes. Bundled callers (the Next.js app) pass `modelDir`
 * instead: inside a bundle this module's URL is not the package's.
 */
export function defaultModelDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', 'model');
}

export interface LoadedModel {
  manifest: ModelManifest;
  onnxPath: string;
  head: ClassifierHead;
}

export async function loadModelFiles(modelDir = defaultModelDir(), variant: 'fp32' | 'fp16' = 'fp32'): Promise<LoadedModel> {
  const needed = [MODEL_FILES.manifest, MODEL_FILES[variant], MODEL_FILES.classifier, MODEL_FILES.labels];
  const missing = needed.filter((f) => !existsSync(join(modelDir, f)));
  if (missing.length > 0)
    throw new ModelNotBuiltError(
      `the ResNet-50 model is not built (missing ${missing.join(', ')} in ${modelDir}): run \`${BUILD_COMMAND}\` from the repository root`,
    );
  const manifest = JSON.parse(await readFile(join(modelDir, MODEL_FILES.manifest), 'utf8')) as ModelManifest;
  const labels = (JSON.parse(await readFile(join(modelDir, MODEL_FILES.labels), 'utf8')) as string[]).map(displayLabel);
  const bytes = await readFile(join(modelDir, MODEL_FILES.classifier));
  const floats = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const weights = floats.slice(0, manifest.classes * manifest.featureDim);
  return { manifest, onnxPath: join(modelDir, MODEL_FILES[variant]), head: { labels, weights, dim: manifest.featureDim } };
}
