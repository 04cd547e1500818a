#!/usr/bin/env node
// Classifies every image in a folder (ImageNet top-1) and lists the pairs whose vectors are closer than a threshold:
// the same photo re-encoded, resized or lightly edited.
//   node index.mjs <folder> [--threshold 0.9] [--json]
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createEmbedder } from '@loupe/embedding';
import { createExactIndex } from '@loupe/vector-index';

const IMAGE = /\.(jpe?g|png|webp|gif|avif|tiff?)$/i;
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { threshold: { type: 'string', default: '0.9' }, json: { type: 'boolean', default: false } },
});
const folder = positionals[0];
const threshold = Number(values.threshold);
if (!folder || !(threshold > 0 && threshold <= 1)) {
  console.error('usage: node index.mjs <folder> [--threshold 0..1, default 0.9] [--json]');
  process.exit(2);
}

const names = (await readdir(folder)).filter((name) => IMAGE.test(name)).sort();
const embedder = await createEmbedder(); // reads the model that `npx loupe-embedding build-model` wrote
const index = createExactIndex({ dim: embedder.info().dim, space: 'cosine' }); // exact: a folder is small
const images = [];
const failed = [];
try {
  // analyzeEach batches the images and reports a bad file in place instead of stopping.
  for await (const result of embedder.analyzeEach(
    names.map((name) => join(folder, name)),
    { topK: 1 },
  )) {
    const name = names[result.index];
    if (!result.ok) {
      failed.push({ name, error: result.error.message });
      continue;
    }
    const top = result.value.predictions[0];
    index.add(images.length, result.value.vector);
    images.push({ name, label: top.label, score: top.score, vector: result.value.vector });
  }
  const duplicates = [];
  images.forEach((image, id) => {
    for (const hit of index.search(image.vector, { k: 10, minScore: threshold }))
      if (hit.id > id) duplicates.push({ a: image.name, b: images[hit.id].name, score: hit.score });
  });
  if (values.json) {
    const out = { images: images.map(({ name, label, score }) => ({ name, label, score })), duplicates, failed };
    console.log(JSON.stringify(out));
  } else {
    for (const { name, label, score } of images) console.log(`${name}: ${label} (${(score * 100).toFixed(1)}%)`);
    for (const { name, error } of failed) console.log(`${name}: skipped, ${error}`);
    console.log(
      duplicates.length
        ? `\nnear-duplicates (cosine ≥ ${threshold}):`
        : `\nno near-duplicates at cosine ≥ ${threshold}`,
    );
    for (const { a, b, score } of duplicates) console.log(`  ${a} ≈ ${b} (${score.toFixed(3)})`);
  }
} finally {
  index.close();
  await embedder.dispose();
}
