// The trainer, metrics, kNN, ONNX export and pictures on synthetic features (fast, no model needed).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import {
  classificationMetrics,
  confusionMatrixPng,
  confusionMatrixSvg,
  createKnnClassifier,
  decodeHeadOnnx,
  exportHeadOnnx,
  headProbabilities,
  InvalidHeadError,
  InvalidTrainingDataError,
  openHeadSession,
  TooFewClassesError,
  TooFewExamplesError,
  trainHead,
  TrainingCancelledError,
  type TrainingSet,
} from '../src/index.ts';

/** Unit vectors around one random centre per class (ReLU-like: non-negative), `counts` per class. */
function clusters(counts: number[], dim = 64, spread = 0.6, seed = 7): TrainingSet {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const centres = counts.map(() => Float32Array.from({ length: dim }, () => rand()));
  const vectors: Float32Array[] = [];
  const labels: string[] = [];
  counts.forEach((n, c) => {
    for (let i = 0; i < n; i++) {
      const v = Float32Array.from(centres[c]!, (x) => Math.max(0, x + (rand() - 0.5) * spread));
      const norm = Math.hypot(...v);
      vectors.push(v.map((x) => x / norm));
      labels.push(`class-${String.fromCharCode(97 + c)}`);
    }
  });
  return { vectors, labels };
}

describe('trainHead', () => {
  it('is deterministic: the same data and seed give the same head bit for bit; another seed does not', async () => {
    const set = clusters([40, 30, 20]);
    const a = await trainHead(set, { seed: 42, maxEpochs: 15 });
    const b = await trainHead(set, { seed: 42, maxEpochs: 15 });
    const c = await trainHead(set, { seed: 43, maxEpochs: 15 });
    assert.deepEqual(Buffer.from(a.model.layers[0]!.weights.buffer), Buffer.from(b.model.layers[0]!.weights.buffer));
    assert.deepEqual(a.report.history, b.report.history);
    assert.deepEqual(a.report.validation, b.report.validation);
    assert.notDeepEqual(Buffer.from(a.model.layers[0]!.weights.buffer), Buffer.from(c.model.layers[0]!.weights.buffer));
  });

  it('learns separable classes; reports progress, metrics, settings and the kNN baseline', async () => {
    const set = clusters([60, 40, 12], 64, 0.5);
    const progress: number[] = [];
    const head = await trainHead(set, { onProgress: (p) => progress.push(p.epoch) });
    assert.deepEqual(head.model.classes, ['class-a', 'class-b', 'class-c']);
    assert.equal(head.model.kind, 'linear');
    assert.equal(head.model.layers[0]!.weights.length, 3 * 64);
    assert.ok(head.report.trainAccuracy >= 0.95, `train accuracy ${head.report.trainAccuracy}`);
    assert.ok(head.report.validation.accuracy >= 0.9, `validation accuracy ${head.report.validation.accuracy}`);
    assert.deepEqual(progress, head.report.history.map((h) => h.epoch));
    assert.ok(head.report.bestEpoch >= 1 && head.report.bestEpoch <= head.report.epochs);
    // Stratified: every class is in the validation split, in proportion (20%, at least one).
    assert.deepEqual(head.report.validation.perClass.map((c) => c.support), [12, 8, 2]);
    assert.equal(head.report.validationExamples, 22);
    assert.equal(head.report.trainExamples, 90);
    assert.deepEqual(head.report.classCounts, { 'class-a': 60, 'class-b': 40, 'class-c': 12 });
    assert.equal(head.settings.seed, 1);
    assert.equal(head.settings.classWeighting, 'balanced');
    assert.ok(head.report.knn, 'kNN baseline computed');
    assert.equal(head.report.knn.k, 10);
    assert.equal(head.report.knn.count, 22);
    assert.ok(head.report.knn.accuracy > 0.5);
  });

  it('a small MLP trains too, and its ONNX export matches', async () => {
    const set = clusters([30, 30, 30], 32);
    const head = await trainHead(set, { hidden: 16, maxEpochs: 30 });
    assert.equal(head.model.kind, 'mlp');
    assert.equal(head.model.layers.length, 2);
    assert.ok(head.report.validation.accuracy >= 0.8);
    const session = await openHeadSession(exportHeadOnnx(head.model));
    try {
      const ort = await session.probabilities(set.vectors.slice(0, 20));
      const ref = head.predict(set.vectors.slice(0, 20));
      for (let i = 0; i < 20; i++) for (let c = 0; c < 3; c++) assert.ok(Math.abs(ort[i]![c]! - ref[i]![c]!) <= 1e-5);
    } finally {
      await session.dispose();
    }
  });

  it('cancels at once when the signal fires', async () => {
    const controller = new AbortController();
    await assert.rejects(
      trainHead(clusters([40, 40]), {
        onProgress: (p) => {
          if (p.epoch === 2) controller.abort();
        },
        signal: controller.signal,
      }),
      (e: unknown) => e instanceof TrainingCancelledError && e.code === 'TRAINING_CANCELLED' && e.epoch === 3,
    );
  });

  it('refuses one class, too few examples (naming the classes), and bad data', async () => {
    const one = clusters([20]);
    await assert.rejects(trainHead(one), (e: unknown) => e instanceof TooFewClassesError && e.code === 'TOO_FEW_CLASSES' && /only one class \("class-a"\)/.test(e.message));
    await assert.rejects(trainHead({ vectors: [], labels: [] }), TooFewClassesError);
    await assert.rejects(trainHead(clusters([20, 3, 2])), (e: unknown) => {
      assert.ok(e instanceof TooFewExamplesError);
      assert.equal(e.code, 'TOO_FEW_EXAMPLES');
      assert.deepEqual(e.classes, [
        { label: 'class-b', count: 3 },
        { label: 'class-c', count: 2 },
      ]);
      assert.match(e.message, /at least 5 examples; too few for "class-b" \(3\), "class-c" \(2\)/);
      return true;
    });
    const set = clusters([10, 10]);
    await assert.rejects(trainHead({ vectors: set.vectors, labels: set.labels.slice(1) }), InvalidTrainingDataError);
    await assert.rejects(trainHead({ vectors: [...set.vectors.slice(1), new Float32Array(3)], labels: set.labels }), /not a Float32Array of 64 values/);
    await assert.rejects(trainHead(set, { validationSplit: 0.9 }), /validationSplit/);
    await assert.rejects(trainHead({ vectors: set.vectors, labels: set.labels.map((l, i) => (i === 0 ? ' ' : l)) }), /non-empty/);
  });
});

describe('ONNX export', () => {
  it('reproduces the trainer probabilities within 1e-5 and reads back its classes and weights', async () => {
    const set = clusters([50, 30, 20], 128);
    const head = await trainHead(set, { maxEpochs: 40 });
    const bytes = exportHeadOnnx(head.model, { backbone: 'test-backbone@1' });
    const decoded = decodeHeadOnnx(bytes);
    assert.deepEqual(decoded.classes, head.model.classes);
    assert.deepEqual(decoded.meta, { backbone: 'test-backbone@1' });
    assert.deepEqual(decoded.layers[0]!.weights, head.model.layers[0]!.weights);
    assert.deepEqual(decoded.layers[0]!.bias, head.model.layers[0]!.bias);
    const session = await openHeadSession(bytes);
    try {
      const ort = await session.probabilities(set.vectors);
      const ref = head.predict(set.vectors);
      let worst = 0;
      for (let i = 0; i < set.vectors.length; i++) {
        const js = headProbabilities(head.model, set.vectors[i]!);
        for (let c = 0; c < 3; c++) {
          worst = Math.max(worst, Math.abs(ort[i]![c]! - ref[i]![c]!));
          assert.ok(Math.abs(js[c]! - ref[i]![c]!) <= 1e-5);
        }
      }
      assert.ok(worst <= 1e-5, `max |Δp| ${worst}`);
      const [ranked] = await session.predict([set.vectors[0]!], { topK: 2 });
      assert.equal(ranked!.length, 2);
      assert.equal(ranked![0]!.label, 'class-a');
    } finally {
      await session.dispose();
    }
  });

  it('refuses bytes that are not a Loupe head', async () => {
    assert.throws(() => decodeHeadOnnx(new Uint8Array([1, 2, 3, 4, 5])), InvalidHeadError);
    await assert.rejects(openHeadSession(new Uint8Array(10)), InvalidHeadError);
  });
});

describe('metrics and kNN', () => {
  it('precision, recall, F1 and the confusion matrix', () => {
    const m = classificationMetrics(['a', 'b', 'c'], [0, 0, 0, 1, 1, 2], [0, 0, 1, 1, 2, 2]);
    assert.deepEqual(m.confusion, [
      [2, 1, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
    assert.equal(m.accuracy, 4 / 6);
    assert.deepEqual(
      m.perClass.map((c) => [c.label, c.precision, c.recall, c.support]),
      [
        ['a', 1, 2 / 3, 3],
        ['b', 0.5, 0.5, 2],
        ['c', 0.5, 1, 1],
      ],
    );
    assert.ok(Math.abs(m.perClass[0]!.f1 - 0.8) < 1e-12);
  });

  it('kNN votes among the k most similar vectors', () => {
    const set = clusters([20, 20], 16, 0.3);
    const knn = createKnnClassifier(set, { k: 5 });
    assert.equal(knn.predict(set.vectors[0]!)[0]!.label, 'class-a');
    assert.equal(knn.predict(set.vectors[25]!)[0]!.label, 'class-b');
    assert.equal(knn.evaluate(set).accuracy, 1);
    assert.throws(() => createKnnClassifier(set, { k: 0 }), InvalidTrainingDataError);
  });
});

describe('confusion matrix images', () => {
  it('renders an SVG with every label and count, and a PNG of it', async () => {
    const m = classificationMetrics(['Ankle boot', 'Bag', 'T-shirt/top <&>'], [0, 0, 1, 2, 2], [0, 1, 1, 2, 0]);
    const svg = confusionMatrixSvg(m);
    assert.match(svg, /^<svg /);
    assert.match(svg, /T-shirt\/top &lt;&amp;&gt;/);
    assert.match(svg, /accuracy 60\.0%/);
    const png = await confusionMatrixPng(m);
    const meta = await sharp(png).metadata();
    assert.equal(meta.format, 'png');
    assert.ok(meta.width! > 150 && meta.height! > 150);
  });
});
