// The confusion matrix as a picture for people: an SVG (rows = true class, columns = predicted class, cells shaded
// by the share of the row, counts written in), and the same rasterised to PNG by sharp.
import sharp from 'sharp';
import type { ClassificationMetrics } from './types.ts';

export interface ConfusionImageOptions {
  title?: string;
  /** Cell side in pixels (default 44). */
  cell?: number;
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const clip = (text: string, max = 18) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

export function confusionMatrixSvg(metrics: Pick<ClassificationMetrics, 'classes' | 'confusion' | 'accuracy'>, options: ConfusionImageOptions = {}): string {
  const { classes, confusion } = metrics;
  const n = classes.length;
  const cell = options.cell ?? 44;
  const labelWidth = Math.min(160, 16 + 7 * Math.max(...classes.map((c) => clip(c).length)));
  const top = 64 + labelWidth; // title + rotated column labels
  const left = 28 + labelWidth; // axis title + row labels
  const title = options.title ?? `Confusion matrix — accuracy ${(metrics.accuracy * 100).toFixed(1)}%`;
  // Wide enough for the title and the legend when there are few classes.
  const width = Math.max(left + n * cell + 16, Math.ceil(title.length * 8.5) + 32, 440);
  const height = top + n * cell + 40;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Arial, sans-serif">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="24" font-size="15" text-anchor="middle" fill="#111">${escape(title)}</text>`,
    `<text x="${left + (n * cell) / 2}" y="46" font-size="12" text-anchor="middle" fill="#555">predicted</text>`,
    `<text transform="translate(16 ${top + (n * cell) / 2}) rotate(-90)" font-size="12" text-anchor="middle" fill="#555">true</text>`,
  ];
  classes.forEach((label, i) => {
    const cx = left + i * cell + cell / 2;
    parts.push(`<text transform="translate(${cx + 4} ${top - 6}) rotate(-60)" font-size="11" fill="#222">${escape(clip(label))}</text>`);
    parts.push(`<text x="${left - 6}" y="${top + i * cell + cell / 2 + 4}" font-size="11" text-anchor="end" fill="#222">${escape(clip(label))}</text>`);
  });
  for (let t = 0; t < n; t++) {
    const row = confusion[t] ?? [];
    const total = row.reduce((a, b) => a + b, 0);
    for (let p = 0; p < n; p++) {
      const count = row[p] ?? 0;
      const share = total > 0 ? count / total : 0;
      // Diagonal in blue, mistakes in red; white when empty.
      const [r, g, b] = t === p ? [33, 102, 172] : [203, 24, 29];
      const mix = (c: number) => Math.round(255 + (c - 255) * share);
      const x = left + p * cell;
      const y = top + t * cell;
      parts.push(`<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="rgb(${mix(r)},${mix(g)},${mix(b)})" stroke="#ddd"/>`);
      if (count > 0)
        parts.push(`<text x="${x + cell / 2}" y="${y + cell / 2 + 4}" font-size="12" text-anchor="middle" fill="${share > 0.5 ? '#fff' : '#111'}">${count}</text>`);
    }
  }
  parts.push(`<text x="${left}" y="${height - 14}" font-size="11" fill="#555">rows: true class · columns: predicted class · shade: share of the row</text>`);
  parts.push('</svg>');
  return parts.join('\n');
}

export async function confusionMatrixPng(metrics: Pick<ClassificationMetrics, 'classes' | 'confusion' | 'accuracy'>, options: ConfusionImageOptions = {}): Promise<Uint8Array> {
  const png = await sharp(Buffer.from(confusionMatrixSvg(metrics, options))).png().toBuffer();
  return new Uint8Array(png);
}
