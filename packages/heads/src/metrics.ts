// Accuracy, per-class precision / recall / F1 and the confusion matrix of a classifier's predictions.
import type { ClassificationMetrics } from './types.ts';

/** `truth` and `predicted` are class indices into `classes`. */
export function classificationMetrics(classes: readonly string[], truth: readonly number[], predicted: readonly number[]): ClassificationMetrics {
  const n = classes.length;
  const confusion = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  let correct = 0;
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i]!;
    const p = predicted[i]!;
    confusion[t]![p]!++;
    if (t === p) correct++;
  }
  const perClass = classes.map((label, c) => {
    const tp = confusion[c]![c]!;
    const support = confusion[c]!.reduce((a, b) => a + b, 0);
    let predictedAs = 0;
    for (let t = 0; t < n; t++) predictedAs += confusion[t]![c]!;
    const precision = predictedAs > 0 ? tp / predictedAs : 0;
    const recall = support > 0 ? tp / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support };
  });
  const withSupport = perClass.filter((c) => c.support > 0);
  return {
    classes: [...classes],
    count: truth.length,
    accuracy: truth.length > 0 ? correct / truth.length : 0,
    macroF1: withSupport.length > 0 ? withSupport.reduce((a, c) => a + c.f1, 0) / withSupport.length : 0,
    perClass,
    confusion,
  };
}

/** Index of the largest value (the first on ties). */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}
