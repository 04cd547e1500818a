// The int8 model: every Conv and the classifier run as quantized kernels, and it holds the quality gates against fp32
// on photos it was not calibrated on (held-out test photos and edited copies of them).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import {
  createEmbedder,
  DEFAULT_PRECISION,
  defaultModelDir,
  InvalidInputError,
  MODEL_FILES,
  vectorModelId,
  type ModelManifest,
} from '../src/index.ts';
import { splitPhotos } from '../scripts/calibrate.ts';
import { analyzeAll, compare, heldOutViews, type GateResults } from './int8-gates.ts';

const modelDir = defaultModelDir();

function opCounts(bytes: Uint8Array): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const n of onnxProto.onnx.ModelProto.decode(bytes).graph!.node!)
    counts[n.opType!] = (counts[n.opType!] ?? 0) + 1;
  return counts;
}

describe('int8 model', () => {
  it('runs every Conv as QLinearConv and the classifier as QGemm after ONNX Runtime optimization', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loupe-int8-'));
    try {
      const optimized = join(dir, 'optimized.onnx');
      const session = await ort.InferenceSession.create(join(modelDir, MODEL_FILES.int8), {
        graphOptimizationLevel: 'all',
        optimizedModelFilePath: optimized,
        intraOpNumThreads: 1,
        logSeverityLevel: 3,
      });
      await session.release();
      const fp32Convs = opCounts(readFileSync(join(modelDir, MODEL_FILES.fp32))).Conv!;
      const counts = opCounts(readFileSync(optimized));
      assert.equal(fp32Convs, 53);
      assert.equal(counts.QLinearConv, fp32Convs, JSON.stringify(counts));
      assert.equal(counts.Conv ?? 0, 0, 'no float Conv left');
      assert.equal(counts.QGemm, 1, 'the classifier is a quantized Gemm');
      assert.equal((counts.Gemm ?? 0) + (counts.MatMul ?? 0), 0, 'no float Gemm/MatMul left');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('was calibrated on photos disjoint from the held-out ones, as the manifest records', () => {
    const manifest = JSON.parse(readFileSync(join(modelDir, MODEL_FILES.manifest), 'utf8')) as ModelManifest;
    const { calibration, heldOut } = splitPhotos();
    assert.deepEqual(manifest.int8?.photos, calibration);
    assert.ok(heldOut.length >= 7 && heldOut.every((p) => !calibration.includes(p)));
    assert.equal(manifest.int8?.images, calibration.length * 4);
    assert.ok(manifest.files[MODEL_FILES.int8]!.bytes < manifest.files[MODEL_FILES.fp32]!.bytes / 3.5);
  });

  it('names its vectors apart from fp32 and refuses an unknown precision', async () => {
    const embedder = await createEmbedder({ device: 'cpu', precision: 'int8' });
    try {
      assert.equal(embedder.info().precision, 'int8');
      assert.equal(embedder.info().modelId, `${vectorModelId('gem')}+int8`);
      assert.equal(
        vectorModelId('gem', 'fp32'),
        'resnet50-imagenet1k-keras@1+gem3',
        'fp32 keeps the id stored data has',
      );
      assert.equal(vectorModelId('avg', 'int8'), 'resnet50-imagenet1k-keras@1+int8');
    } finally {
      await embedder.dispose();
    }
    // @ts-expect-error: not a precision
    await assert.rejects(createEmbedder({ device: 'cpu', precision: 'int4' }), InvalidInputError);
  });

  describe('quality gates against fp32 on held-out photos and edited copies', () => {
    let gates: GateResults;
    before(async () => {
      const views = await heldOutViews();
      const fp32 = await createEmbedder({ device: 'cpu', precision: 'fp32' });
      const a = await analyzeAll(fp32, views);
      await fp32.dispose();
      const int8 = await createEmbedder({ device: 'cpu', precision: 'int8' });
      const b = await analyzeAll(int8, views);
      await int8.dispose();
      gates = compare(
        views.map((v) => v.name),
        a,
        b,
      );
      console.log(JSON.stringify(gates));
    });

    it('uses enough images for a percentage to mean something', () => assert.ok(gates.images >= 100));
    it('is the default precision only if top-1 class agreement is ≥ 99 %', () => {
      // Measured: 96.4 % (4 of 112 differ, all between near-tied classes: ringlet/monarch, palace/bell cote), so fp32
      // stays the default; a calibration that reaches 99 % may make int8 the CPU default.
      if (gates.top1Agreement < 0.99) assert.equal(DEFAULT_PRECISION, 'fp32', gates.disagreements.join('; '));
      assert.ok(gates.top1Agreement >= 0.9, gates.disagreements.join('; '));
    });
    it('top-5 overlap ≥ 90 %', () => assert.ok(gates.top5Overlap >= 0.9, String(gates.top5Overlap)));
    it('vector cosine to fp32: median ≥ 0.99, minimum ≥ 0.97', () => {
      assert.ok(gates.vectorCosine.median >= 0.99, JSON.stringify(gates.vectorCosine));
      assert.ok(gates.vectorCosine.min >= 0.97, JSON.stringify(gates.vectorCosine));
    });
    it('CAM box of the top-1 class: median IoU with fp32 ≥ 0.9', () =>
      assert.ok(gates.boxIoU.median >= 0.9, JSON.stringify(gates.boxIoU)));
  });
});
