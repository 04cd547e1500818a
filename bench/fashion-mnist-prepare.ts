// Writes a stratified subset of Fashion-MNIST as PNG files plus one CSV manifest per split (columns path, title,
// label), ready for `loupe ingest <manifest> --catalog …`. The label column becomes each item's metadata.label.
//
//   npx tsx bench/fashion-mnist-prepare.ts --train-per-class 1000 --test-per-class 100 [--only train|test] [--out .cache/fashion-mnist-png]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { FASHION_MNIST_LABELS, readFashionMnist, stratifiedSubset } from './datasets/fashion-mnist.ts';

const { values } = parseArgs({
  options: {
    'train-per-class': { type: 'string', default: '400' },
    'test-per-class': { type: 'string', default: '100' },
    out: { type: 'string', default: '.cache/fashion-mnist-png' },
    only: { type: 'string' },
  },
});

const out = resolve(values.out!);
for (const [split, perClass] of [
  ['train', Number(values['train-per-class'])],
  ['test', Number(values['test-per-class'])],
] as const) {
  if (values.only && values.only !== split) continue;
  const data = readFashionMnist(split);
  const chosen = stratifiedSubset(data, perClass);
  const dir = join(out, split);
  mkdirSync(dir, { recursive: true });
  const rows = ['path,title,label'];
  const size = data.rows * data.cols;
  for (const i of chosen) {
    const name = `${split}-${String(i).padStart(5, '0')}.png`;
    // Dataset pixels are ink on black; keep them as they are (greyscale PNG, 28×28).
    const png = await sharp(Buffer.from(data.images.subarray(i * size, (i + 1) * size)), { raw: { width: data.cols, height: data.rows, channels: 1 } })
      .png()
      .toBuffer();
    writeFileSync(join(dir, name), png);
    rows.push(`${name},${split} ${i},"${FASHION_MNIST_LABELS[data.labels[i]!]}"`);
  }
  writeFileSync(join(dir, 'manifest.csv'), rows.join('\n') + '\n');
  process.stdout.write(`${split}: ${chosen.length} images → ${join(dir, 'manifest.csv')}\n`);
}
