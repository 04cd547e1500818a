// Finds the built detector files (see scripts/build-model.ts).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ModelNotBuiltError } from '@loupe/embedding';
import { DETECTOR_FILES, type DetectorManifest } from './model-files.ts';

/**
 * The package's own model folder, where `npm run model` writes. Bundled callers (the Next.js app) pass `modelDir`
 * instead: inside a bundle this module's URL is not the package's.
 */
export function defaultDetectorModelDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', 'model');
}

export async function loadDetectorFiles(modelDir = defaultDetectorModelDir()): Promise<{ manifest: DetectorManifest; onnxPath: string }> {
  const missing = [DETECTOR_FILES.manifest, DETECTOR_FILES.onnx].filter((f) => !existsSync(join(modelDir, f)));
  if (missing.length > 0)
    throw new ModelNotBuiltError(
      `the CenterNet detector is not built (missing ${missing.join(', ')} in ${modelDir}): run \`npm run model\` from the repository root`,
    );
  const manifest = JSON.parse(readFileSync(join(modelDir, DETECTOR_FILES.manifest), 'utf8')) as DetectorManifest;
  return { manifest, onnxPath: join(modelDir, DETECTOR_FILES.onnx) };
}
