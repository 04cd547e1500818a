// Human and JSON renderings of analysis results. JSON is one object per line per image.
import type { CatalogClassification } from '@loupe/core';
import type { Box, ImageAnalysis, Prediction } from '@loupe/embedding';

const round = (n: number, digits = 4) => Number(n.toFixed(digits));

export function predictionJson(p: Prediction) {
  return { classId: p.classId, label: p.label, score: round(p.score) };
}

/** A box; `source` ('cam' or 'detector') where the box may come from a detected object. */
export function boxJson(b: Box & { source?: string }) {
  return { x0: b.x0, y0: b.y0, x1: b.x1, y1: b.y1, classId: b.classId, label: b.label, score: round(b.score), ...(b.source ? { source: b.source } : {}) };
}

/** The box of the top class (the best-scoring one), or the best box overall when the top class has none. */
export function topClassBox(a: Pick<ImageAnalysis, 'predictions' | 'boxes'>): Box | undefined {
  const top = a.predictions[0]?.classId;
  return a.boxes.find((b) => b.classId === top) ?? a.boxes[0];
}

export function classifyJson(file: string, a: ImageAnalysis, withBoxes: boolean) {
  const box = topClassBox(a);
  return {
    file,
    width: a.width,
    height: a.height,
    predictions: a.predictions.map(predictionJson),
    box: box ? boxJson(box) : null,
    ...(withBoxes ? { boxes: a.boxes.map(boxJson) } : {}),
  };
}

export function embedJson(file: string, model: string, vector: Float32Array) {
  return { file, model, dim: vector.length, vector: Array.from(vector, (v) => round(v, 6)) };
}

const percent = (s: number) => `${(s * 100).toFixed(1).padStart(5)}%`;
const boxText = (b: Box & { source?: string }) =>
  `${b.label} ${percent(b.score).trim()} at (${b.x0}, ${b.y0})–(${b.x1}, ${b.y1})${b.source === 'detector' ? ' (the detected object)' : ''}`;

export function classifyText(file: string, a: ImageAnalysis, withBoxes: boolean): string {
  const width = Math.max(...a.predictions.map((p) => p.label.length));
  const lines = [`${file}  ${a.width}×${a.height}`];
  a.predictions.forEach((p, i) => lines.push(`  ${i + 1}. ${p.label.padEnd(width)}  ${percent(p.score)}`));
  const boxes = withBoxes ? a.boxes : [topClassBox(a)].filter((b): b is Box => b !== undefined);
  for (const b of boxes) lines.push(`  box: ${boxText(b)}`);
  return lines.join('\n');
}

export function embedText(file: string, vector: Float32Array): string {
  const head = Array.from(vector.slice(0, 4), (v) => v.toFixed(4)).join(', ');
  let norm = 0;
  for (const v of vector) norm += v * v;
  return `${file}  dim ${vector.length}  ‖v‖ ${Math.sqrt(norm).toFixed(3)}  [${head}, …]`;
}

/**
 * classify --catalog: the classify shape with the head's classes as `predictions` (classId = index in the head's
 * classes, label = the field's value) and its CAM box as `box`; `head` says which head, `imagenet` keeps the
 * backbone's own top classes.
 */
export function headClassifyJson(file: string, catalog: string, a: CatalogClassification) {
  return {
    file,
    width: a.width,
    height: a.height,
    predictions: a.head.predictions.map(predictionJson),
    box: a.head.box ? boxJson(a.head.box) : null,
    head: { catalog, version: a.head.version, field: a.head.labelField },
    imagenet: a.predictions.slice(0, 3).map(predictionJson),
  };
}

export function headClassifyText(file: string, catalog: string, a: CatalogClassification): string {
  const width = Math.max(...a.head.predictions.map((p) => p.label.length));
  const lines = [`${file}  ${a.width}×${a.height}  (${catalog} head v${a.head.version}, field "${a.head.labelField}")`];
  a.head.predictions.forEach((p, i) => lines.push(`  ${i + 1}. ${p.label.padEnd(width)}  ${percent(p.score)}`));
  if (a.head.box) lines.push(`  box: ${boxText(a.head.box)}`);
  const top = a.predictions[0];
  if (top) lines.push(`  ImageNet: ${top.label} ${percent(top.score).trim()}`);
  return lines.join('\n');
}
