// The trainer: softmax regression (or one hidden ReLU layer) on frozen feature vectors. Standardised inputs, a
// stratified train/validation split, class weights for imbalance, mini-batch Adam with L2, early stopping on the
// validation loss (the best epoch's weights are kept). Every random choice comes from one seeded generator, and the
// arithmetic runs in a fixed order in float64, so the same data and seed give the same head, bit for bit.
import { InvalidTrainingDataError, TooFewClassesError, TooFewExamplesError, TrainingCancelledError } from './errors.ts';
import { createKnnClassifier } from './knn.ts';
import { argmax, classificationMetrics } from './metrics.ts';
import { Random } from '@loupe/random';
import type { DenseLayer, HeadModel, TrainedHead, TrainingProgress, TrainingSet, TrainingSettings, TrainOptions } from './types.ts';

interface Layer {
  inputs: number;
  outputs: number;
  w: Float64Array;
  b: Float64Array;
  // Adam state and gradients
  gw: Float64Array;
  gb: Float64Array;
  mw: Float64Array;
  vw: Float64Array;
  mb: Float64Array;
  vb: Float64Array;
}

function layer(inputs: number, outputs: number, random: Random | null): Layer {
  const w = new Float64Array(inputs * outputs);
  // He initialisation for a hidden layer; the output layer of softmax regression starts at zero (convex: any start works).
  if (random) {
    const scale = Math.sqrt(2 / inputs);
    for (let i = 0; i < w.length; i++) w[i] = random.gaussian() * scale;
  }
  return {
    inputs,
    outputs,
    w,
    b: new Float64Array(outputs),
    gw: new Float64Array(w.length),
    gb: new Float64Array(outputs),
    mw: new Float64Array(w.length),
    vw: new Float64Array(w.length),
    mb: new Float64Array(outputs),
    vb: new Float64Array(outputs),
  };
}

export function resolveSettings(options: TrainOptions): TrainingSettings {
  const s: TrainingSettings = {
    seed: options.seed ?? 1,
    hidden: options.hidden ?? 0,
    validationSplit: options.validationSplit ?? 0.2,
    minExamplesPerClass: options.minExamplesPerClass ?? 5,
    classWeighting: options.classWeighting ?? 'balanced',
    maxEpochs: options.maxEpochs ?? 200,
    patience: options.patience ?? 6,
    batchSize: options.batchSize ?? 64,
    learningRate: options.learningRate ?? 3e-4,
    weightDecay: options.weightDecay ?? 1e-4,
    knnK: options.knn === false ? null : (options.knn?.k ?? 10),
  };
  const check = (ok: boolean, message: string) => {
    if (!ok) throw new InvalidTrainingDataError(message);
  };
  check(Number.isInteger(s.seed), `seed must be an integer, got ${s.seed}`);
  check(Number.isInteger(s.hidden) && s.hidden >= 0 && s.hidden <= 4096, `hidden must be an integer from 0 to 4096, got ${s.hidden}`);
  check(s.validationSplit >= 0.05 && s.validationSplit <= 0.5, `validationSplit must be from 0.05 to 0.5, got ${s.validationSplit}`);
  check(Number.isInteger(s.minExamplesPerClass) && s.minExamplesPerClass >= 2, `minExamplesPerClass must be an integer ≥ 2, got ${s.minExamplesPerClass}`);
  check(s.classWeighting === 'balanced' || s.classWeighting === 'none', `classWeighting must be "balanced" or "none"`);
  check(Number.isInteger(s.maxEpochs) && s.maxEpochs >= 1 && s.maxEpochs <= 10_000, `maxEpochs must be an integer from 1 to 10000, got ${s.maxEpochs}`);
  check(Number.isInteger(s.patience) && s.patience >= 1, `patience must be a positive integer, got ${s.patience}`);
  check(Number.isInteger(s.batchSize) && s.batchSize >= 1, `batchSize must be a positive integer, got ${s.batchSize}`);
  check(s.learningRate > 0 && s.learningRate < 1, `learningRate must be in (0, 1), got ${s.learningRate}`);
  check(s.weightDecay >= 0 && s.weightDecay < 1, `weightDecay must be in [0, 1), got ${s.weightDecay}`);
  check(s.knnK === null || (Number.isInteger(s.knnK) && s.knnK >= 1), `knn.k must be a positive integer`);
  return s;
}

/** Checks the data and the class counts; returns the sorted classes and each example's class index. */
export function inspectTrainingSet(set: TrainingSet, minExamplesPerClass: number): { classes: string[]; labelIds: Int32Array; dim: number; counts: Map<string, number> } {
  if (!set || !Array.isArray(set.vectors) || !Array.isArray(set.labels)) throw new InvalidTrainingDataError('a training set is { vectors, labels }');
  if (set.vectors.length !== set.labels.length)
    throw new InvalidTrainingDataError(`${set.vectors.length} vectors but ${set.labels.length} labels`);
  const counts = new Map<string, number>();
  for (const label of set.labels) {
    if (typeof label !== 'string' || label.trim() === '') throw new InvalidTrainingDataError('labels must be non-empty strings');
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  const classes = [...counts.keys()].sort();
  if (classes.length < 2) throw new TooFewClassesError(classes);
  const few = classes.filter((c) => counts.get(c)! < minExamplesPerClass).map((label) => ({ label, count: counts.get(label)! }));
  if (few.length > 0) throw new TooFewExamplesError(few, minExamplesPerClass);
  const dim = set.vectors[0]!.length;
  if (dim === 0) throw new InvalidTrainingDataError('vectors are empty');
  set.vectors.forEach((v, i) => {
    if (!(v instanceof Float32Array) || v.length !== dim) throw new InvalidTrainingDataError(`vector ${i} is not a Float32Array of ${dim} values`);
    for (const x of v) if (!Number.isFinite(x)) throw new InvalidTrainingDataError(`vector ${i} has a non-finite value`);
  });
  const classOf = new Map(classes.map((c, i) => [c, i]));
  return { classes, labelIds: Int32Array.from(set.labels, (l) => classOf.get(l)!), dim, counts };
}

/** Per class: shuffle (seeded), hold out round(count × split) (at least 1) for validation. */
function stratifiedSplit(labelIds: Int32Array, classCount: number, split: number, random: Random): { train: number[]; validation: number[] } {
  const byClass: number[][] = Array.from({ length: classCount }, () => []);
  labelIds.forEach((c, i) => byClass[c]!.push(i));
  const train: number[] = [];
  const validation: number[] = [];
  for (const members of byClass) {
    random.shuffle(members);
    const held = Math.min(members.length - 1, Math.max(1, Math.round(members.length * split)));
    validation.push(...members.slice(0, held));
    train.push(...members.slice(held));
  }
  return { train: train.sort((a, b) => a - b), validation: validation.sort((a, b) => a - b) };
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export async function trainHead(set: TrainingSet, options: TrainOptions = {}): Promise<TrainedHead> {
  const started = performance.now();
  const settings = resolveSettings(options);
  const { classes, labelIds, dim, counts } = inspectTrainingSet(set, settings.minExamplesPerClass);
  const C = classes.length;
  // The seed is mixed with a constant, as it always was, so a stored head's seed still reproduces it.
  const random = new Random(Math.trunc(settings.seed) ^ 0x9e3779b9);
  const { train, validation } = stratifiedSplit(labelIds, C, settings.validationSplit, random);

  // Standardisation statistics from the training split only.
  const mean = new Float64Array(dim);
  const std = new Float64Array(dim);
  for (const i of train) {
    const v = set.vectors[i]!;
    for (let d = 0; d < dim; d++) mean[d]! += v[d]!;
  }
  for (let d = 0; d < dim; d++) mean[d]! /= train.length;
  for (const i of train) {
    const v = set.vectors[i]!;
    for (let d = 0; d < dim; d++) {
      const x = v[d]! - mean[d]!;
      std[d]! += x * x;
    }
  }
  // A feature that never varies (a dead ReLU channel) gets std 1: it contributes nothing either way.
  for (let d = 0; d < dim; d++) std[d] = std[d]! / train.length > 1e-12 ? Math.sqrt(std[d]! / train.length) : 1;

  // Class weights: N / (C · n_c) over the training split (balanced), or 1.
  const trainCounts = new Float64Array(C);
  for (const i of train) trainCounts[labelIds[i]!]!++;
  const classWeight = Float64Array.from(trainCounts, (n) => (settings.classWeighting === 'balanced' ? train.length / (C * n) : 1));

  const layers: Layer[] = settings.hidden > 0 ? [layer(dim, settings.hidden, random), layer(settings.hidden, C, random)] : [layer(dim, C, null)];
  const widths = [dim, ...layers.map((l) => l.outputs)];
  // Activations per layer for one example (index 0 = standardised input).
  const acts = widths.map((w) => new Float64Array(w));
  const deltas = widths.map((w) => new Float64Array(w));

  const standardise = (v: Float32Array, out: Float64Array) => {
    for (let d = 0; d < dim; d++) out[d] = (v[d]! - mean[d]!) / std[d]!;
  };

  /** Forward pass of one example into `acts`; the last activation holds the softmax probabilities. */
  const forward = (v: Float32Array): Float64Array => {
    standardise(v, acts[0]!);
    for (let l = 0; l < layers.length; l++) {
      const { w, b, inputs, outputs } = layers[l]!;
      const x = acts[l]!;
      const y = acts[l + 1]!;
      for (let o = 0; o < outputs; o++) {
        let sum = b[o]!;
        const row = o * inputs;
        for (let i = 0; i < inputs; i++) sum += w[row + i]! * x[i]!;
        y[o] = l < layers.length - 1 && sum < 0 ? 0 : sum;
      }
    }
    const out = acts[layers.length]!;
    let max = -Infinity;
    for (const z of out) if (z > max) max = z;
    let total = 0;
    for (let c = 0; c < C; c++) {
      out[c] = Math.exp(out[c]! - max);
      total += out[c]!;
    }
    for (let c = 0; c < C; c++) out[c]! /= total;
    return out;
  };

  const evaluate = (indices: number[]): { loss: number; accuracy: number; predicted: number[] } => {
    let loss = 0;
    let weight = 0;
    let correct = 0;
    const predicted: number[] = [];
    for (const i of indices) {
      const p = forward(set.vectors[i]!);
      const t = labelIds[i]!;
      loss -= classWeight[t]! * Math.log(Math.max(p[t]!, 1e-12));
      weight += classWeight[t]!;
      const guess = argmax(p);
      predicted.push(guess);
      if (guess === t) correct++;
    }
    return { loss: weight > 0 ? loss / weight : 0, accuracy: indices.length > 0 ? correct / indices.length : 0, predicted };
  };

  const snapshot = () => layers.map((l) => ({ w: l.w.slice(), b: l.b.slice() }));
  let best = snapshot();
  let bestLoss = Infinity;
  let bestEpoch = 0;
  let sinceBest = 0;
  const history: TrainingProgress[] = [];
  const beta1 = 0.9;
  const beta2 = 0.999;
  const eps = 1e-8;
  let step = 0;
  let lastYield = performance.now();
  const order = [...train];
  let epoch = 0;

  for (epoch = 1; epoch <= settings.maxEpochs; epoch++) {
    random.shuffle(order);
    let epochLoss = 0;
    let epochWeight = 0;
    for (let start = 0; start < order.length; start += settings.batchSize) {
      if (options.signal?.aborted) throw new TrainingCancelledError(epoch);
      const batch = order.slice(start, start + settings.batchSize);
      for (const l of layers) {
        l.gw.fill(0);
        l.gb.fill(0);
      }
      for (const i of batch) {
        const p = forward(set.vectors[i]!);
        const t = labelIds[i]!;
        const cw = classWeight[t]!;
        epochLoss -= cw * Math.log(Math.max(p[t]!, 1e-12));
        epochWeight += cw;
        // dL/dz of the weighted cross-entropy at the softmax: cw · (p − onehot).
        const top = deltas[layers.length]!;
        for (let c = 0; c < C; c++) top[c] = cw * (p[c]! - (c === t ? 1 : 0));
        for (let l = layers.length - 1; l >= 0; l--) {
          const { w, gw, gb, inputs, outputs } = layers[l]!;
          const x = acts[l]!;
          const delta = deltas[l + 1]!;
          const below = l > 0 ? deltas[l]!.fill(0) : undefined;
          for (let o = 0; o < outputs; o++) {
            const g = delta[o]!;
            if (g === 0) continue;
            gb[o]! += g;
            const row = o * inputs;
            for (let k = 0; k < inputs; k++) gw[row + k]! += g * x[k]!;
            if (below) for (let k = 0; k < inputs; k++) below[k]! += g * w[row + k]!;
          }
          // ReLU: no gradient where the hidden unit was off.
          if (below) for (let k = 0; k < inputs; k++) if (x[k]! <= 0) below[k] = 0;
        }
      }
      // Adam on the batch mean, with L2 (weight decay) on the weights only.
      step++;
      const scale = 1 / batch.length;
      const c1 = 1 - beta1 ** step;
      const c2 = 1 - beta2 ** step;
      const lr = settings.learningRate;
      for (const l of layers) {
        for (let i = 0; i < l.w.length; i++) {
          const g = l.gw[i]! * scale + settings.weightDecay * l.w[i]!;
          l.mw[i] = beta1 * l.mw[i]! + (1 - beta1) * g;
          l.vw[i] = beta2 * l.vw[i]! + (1 - beta2) * g * g;
          l.w[i]! -= (lr * (l.mw[i]! / c1)) / (Math.sqrt(l.vw[i]! / c2) + eps);
        }
        for (let i = 0; i < l.b.length; i++) {
          const g = l.gb[i]! * scale;
          l.mb[i] = beta1 * l.mb[i]! + (1 - beta1) * g;
          l.vb[i] = beta2 * l.vb[i]! + (1 - beta2) * g * g;
          l.b[i]! -= (lr * (l.mb[i]! / c1)) / (Math.sqrt(l.vb[i]! / c2) + eps);
        }
      }
      // Let a server answer requests during a long epoch.
      if (performance.now() - lastYield > 50) {
        await yieldToEventLoop();
        lastYield = performance.now();
      }
    }
    const v = evaluate(validation);
    const progress: TrainingProgress = {
      epoch,
      maxEpochs: settings.maxEpochs,
      loss: epochLoss / epochWeight,
      validationLoss: v.loss,
      validationAccuracy: v.accuracy,
    };
    history.push(progress);
    options.onProgress?.(progress);
    if (v.loss < bestLoss - 1e-6) {
      bestLoss = v.loss;
      bestEpoch = epoch;
      best = snapshot();
      sinceBest = 0;
    } else if (++sinceBest >= settings.patience) break;
    await yieldToEventLoop();
    lastYield = performance.now();
  }
  if (options.signal?.aborted) throw new TrainingCancelledError(epoch);
  layers.forEach((l, i) => {
    l.w.set(best[i]!.w);
    l.b.set(best[i]!.b);
  });

  const trainEval = evaluate(train);
  const validationEval = evaluate(validation);
  const validationMetrics = classificationMetrics(
    classes,
    validation.map((i) => labelIds[i]!),
    validationEval.predicted,
  );

  let knn: TrainedHead['report']['knn'] = null;
  if (settings.knnK !== null) {
    const maxQueries = options.knn === false ? 0 : (options.knn?.maxQueries ?? 2000);
    const classifier = createKnnClassifier(
      { vectors: train.map((i) => set.vectors[i]!), labels: train.map((i) => set.labels[i]!) },
      { k: settings.knnK },
    );
    // A deterministic, evenly spread subset of the validation split when it is larger than maxQueries.
    const stride = Math.max(1, Math.ceil(validation.length / maxQueries));
    const queries = validation.filter((_, j) => j % stride === 0);
    const truth: number[] = [];
    const predicted: number[] = [];
    for (const i of queries) {
      if (options.signal?.aborted) throw new TrainingCancelledError(epoch);
      truth.push(labelIds[i]!);
      predicted.push(classes.indexOf(classifier.predict(set.vectors[i]!)[0]!.label));
    }
    knn = { ...classificationMetrics(classes, truth, predicted), k: settings.knnK };
  }

  const model = foldStandardisation(layers, mean, std, classes, dim);
  const predict = (vectors: readonly Float32Array[]) =>
    vectors.map((v) => {
      if (v.length !== dim) throw new InvalidTrainingDataError(`a vector has ${v.length} values, expected ${dim}`);
      return Float32Array.from(forward(v));
    });
  return {
    model,
    settings,
    predict,
    report: {
      examples: set.vectors.length,
      trainExamples: train.length,
      validationExamples: validation.length,
      classCounts: Object.fromEntries(classes.map((c) => [c, counts.get(c)!])),
      epochs: history.length,
      bestEpoch,
      trainAccuracy: trainEval.accuracy,
      validation: validationMetrics,
      knn,
      history,
      tookMs: Math.round(performance.now() - started),
    },
  };
}

/**
 * Folds x' = (x − μ) / σ into the first layer: W' = W / σ (per input), b' = b − W' μ. The result takes raw vectors.
 */
function foldStandardisation(layers: Layer[], mean: Float64Array, std: Float64Array, classes: string[], dim: number): HeadModel {
  const out: DenseLayer[] = layers.map((l, index) => {
    const weights = new Float32Array(l.w.length);
    const bias = new Float32Array(l.outputs);
    for (let o = 0; o < l.outputs; o++) {
      let b = l.b[o]!;
      const row = o * l.inputs;
      for (let i = 0; i < l.inputs; i++) {
        const w = index === 0 ? l.w[row + i]! / std[i]! : l.w[row + i]!;
        weights[row + i] = w;
        if (index === 0) b -= w * mean[i]!;
      }
      bias[o] = b;
    }
    return { inputs: l.inputs, outputs: l.outputs, weights, bias };
  });
  return { kind: out.length === 1 ? 'linear' : 'mlp', classes: [...classes], dim, layers: out };
}
