// Finds and verifies the built detector files (see scripts/build-model.ts).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelNotBuiltError, packageRootOf } from '@loupe/embedding';
import { DETECTOR_FILES, type DetectorManifest } from './model-files.ts';

/** Builds the detector into the package's own folder: the package's bin (in the Loupe repository, `npm run model`). */
export const DETECTOR_BUILD_COMMAND = 'npx loupe-detection build-model';

/**
 * The package's own model folder, where the build writes by default. Bundled callers may pass `modelDir` instead:
 * inside a bundle this module's URL may not be the package's.
 */
export function defaultDetectorModelDir(): string {
  return join(packageRootOf(import.meta.url, '@loupe/detection'), 'model');
}

/** The build command for a model folder: plain for the package's own folder, with `--dir` for any other. */
export function detectorBuildCommandFor(modelDir: string): string {
  return modelDir === defaultDetectorModelDir() ? DETECTOR_BUILD_COMMAND : `${DETECTOR_BUILD_COMMAND} --dir ${JSON.stringify(modelDir)}`;
}

export async function loadDetectorFiles(modelDir = defaultDetectorModelDir()): Promise<{ manifest: DetectorManifest; onnxPath: string }> {
  const missing = [DETECTOR_FILES.manifest, DETECTOR_FILES.onnx].filter((f) => !existsSync(join(modelDir, f)));
  if (missing.length > 0)
    throw new ModelNotBuiltError(
      `the CenterNet detector is not built (missing ${missing.join(', ')} in ${modelDir}): run \`${detectorBuildCommandFor(modelDir)}\`` +
        ' (in the Loupe repository: `npm run model`)',
    );
  const manifest = JSON.parse(readFileSync(join(modelDir, DETECTOR_FILES.manifest), 'utf8')) as DetectorManifest;
  return { manifest, onnxPath: join(modelDir, DETECTOR_FILES.onnx) };
}

/** Checks the model file against the manifest's size and SHA-256; throws naming the file that differs. */
export function verifyDetectorModel(modelDir = defaultDetectorModelDir()): DetectorManifest {
  const manifest = JSON.parse(readFileSync(join(modelDir, DETECTOR_FILES.manifest), 'utf8')) as DetectorManifest;
  for (const [file, expected] of Object.entries(manifest.files)) {
    const bytes = readFileSync(join(modelDir, file));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (bytes.byteLength !== expected.bytes || sha256 !== expected.sha256)
      throw new Error(`${join(modelDir, file)} does not match its manifest (${bytes.byteLength} bytes, sha256 ${sha256}); rebuild it`);
  }
  return manifest;
}
