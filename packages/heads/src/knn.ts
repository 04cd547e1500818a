// The baseline a trained head must beat: k nearest neighbours by cosine similarity over the same feature vectors,
// majority vote (ties go to the class with the larger summed similarity).
import { InvalidTrainingDataError } from './errors.ts';
import { classificationMetrics } from './metrics.ts';
import type { ClassificationMetrics, HeadPrediction, TrainingSet } from './types.ts';

export interface KnnClassifier {
  readonly classes: string[];
  readonly k: number;
  /** Best class first; `score` = the class's share of the k votes. */
  predict(vector: Float32Array): HeadPrediction[];
  evaluate(set: TrainingSet): ClassificationMetrics;
}

function unit(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const v of vector) sum += v * v;
  const norm = Math.sqrt(sum) || 1;
  const out = new Float32Array(vector.length);
  for (let i = 0; i < vector.length; i++) out[i] = vector[i]! / norm;
  return out;
}

export function createKnnClassifier(set: TrainingSet, options: { k?: number } = {}): KnnClassifier {
  const k = options.k ?? 10;
  if (!Number.isInteger(k) || k < 1) throw new InvalidTrainingDataError(`k must be a positive integer, got ${k}`);
  if (set.vectors.length === 0 || set.vectors.length !== set.labels.length)
    throw new InvalidTrainingDataError('kNN needs as many labels as vectors, at least one');
  const dim = set.vectors[0]!.length;
  const classes = [...new Set(set.labels)].sort();
  const classOf = new Map(classes.map((c, i) => [c, i]));
  const n = set.vectors.length;
  const matrix = new Float32Array(n * dim);
  set.vectors.forEach((v, i) => {
    if (v.length !== dim) throw new InvalidTrainingDataError(`vector ${i} has ${v.length} values, expected ${dim}`);
    matrix.set(unit(v), i * dim);
  });
  const labelIds = Int32Array.from(set.labels, (l) => classOf.get(l)!);

  function predict(vector: Float32Array): HeadPrediction[] {
    if (vector.length !== dim) throw new InvalidTrainingDataError(`a query has ${vector.length} values, expected ${dim}`);
    const q = unit(vector);
    // Keep the k best in a small sorted array (k is small).
    const bestScore = new Float64Array(k).fill(-Infinity);
    const bestId = new Int32Array(k).fill(-1);
    for (let i = 0; i < n; i++) {
      let dot = 0;
      const base = i * dim;
      for (let d = 0; d < dim; d++) dot += matrix[base + d]! * q[d]!;
      if (dot <= bestScore[k - 1]!) continue;
      let j = k - 1;
      while (j > 0 && bestScore[j - 1]! < dot) {
        bestScore[j] = bestScore[j - 1]!;
        bestId[j] = bestId[j - 1]!;
        j--;
      }
      bestScore[j] = dot;
      bestId[j] = i;
    }
    const votes = new Float64Array(classes.length);
    const mass = new Float64Array(classes.length);
    let taken = 0;
    for (let j = 0; j < k; j++) {
      if (bestId[j]! < 0) continue;
      const c = labelIds[bestId[j]!]!;
      votes[c]!++;
      mass[c]! += bestScore[j]!;
      taken++;
    }
    return classes
      .map((label, classId) => ({ classId, label, score: taken > 0 ? votes[classId]! / taken : 0, mass: mass[classId]! }))
      .sort((a, b) => b.score - a.score || b.mass - a.mass || a.classId - b.classId)
      .map(({ classId, label, score }) => ({ classId, label, score }));
  }

  return {
    classes,
    k,
    predict,
    evaluate(test) {
      const truth: number[] = [];
      const predicted: number[] = [];
      test.vectors.forEach((v, i) => {
        const t = classOf.get(test.labels[i]!);
        if (t === undefined) throw new InvalidTrainingDataError(`label ${JSON.stringify(test.labels[i])} is not one of the kNN's classes`);
        truth.push(t);
        predicted.push(predict(v)[0]!.classId);
      });
      return classificationMetrics(classes, truth, predicted);
    },
  };
}
