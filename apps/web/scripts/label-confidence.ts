// Where does an ImageNet top-1 class stop being trustworthy? Runs the model on the fixture photos (their right classes
// in tests/fixtures/photos/expected.json) and on a held-out set (label-confidence.json: other photos of the same
// Debian packages, mostly of things ImageNet-1k has no class for), and prints, per probability band, how often the
// top-1 class was right. The search page reads classes below IMAGENET_CONFIDENT (src/lib/labels.ts) as "looks like …".
//   npm run label-confidence -w @loupe/web -- <folder with python3-skimage and darknet extracted>
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEmbedder } from '@loupe/embedding';
import { IMAGENET_CONFIDENT } from '../src/lib/labels.ts';

const debs = process.argv[2];
if (!debs) {
  console.error('usage: label-confidence <folder where python3-skimage and darknet are extracted>');
  process.exit(2);
}
const photosDir = new URL('../../../tests/fixtures/photos/', import.meta.url).pathname;
const expected = JSON.parse(readFileSync(join(photosDir, 'expected.json'), 'utf8')) as Record<string, string[]>;
const heldOut = (
  JSON.parse(readFileSync(new URL('./label-confidence.json', import.meta.url), 'utf8')) as {
    photos: Record<string, string[]>;
  }
).photos;

const sets = {
  fixtures: Object.entries(expected).map(([f, ok]) => ({ file: join(photosDir, f), name: f, ok })),
  'held-out': Object.entries(heldOut).map(([f, ok]) => ({ file: join(debs, f), name: f.split('/').pop()!, ok })),
};

const embedder = await createEmbedder({ device: 'cpu' });
const normal = (label: string) => label.replaceAll(' ', '_').toLowerCase();
const bands = [0, 0.2, 0.35, 0.5, IMAGENET_CONFIDENT, 0.8, 1.0001];
for (const [set, photos] of Object.entries(sets)) {
  const results = await embedder.classify(
    photos.map((p) => p.file),
    { topK: 1 },
  );
  const rows = photos.map((p, i) => {
    const top = results[i]!.predictions[0]!;
    return { ...p, label: top.label, score: top.score, right: p.ok.map(normal).includes(normal(top.label)) };
  });
  console.log(`\n${set}: ${rows.length} photos`);
  for (const r of rows.sort((a, b) => b.score - a.score))
    console.log(`  ${r.score.toFixed(3)}  ${r.right ? 'right' : 'WRONG'}  ${r.label.padEnd(22)} ${r.name}`);
  for (let b = 0; b < bands.length - 1; b++) {
    const inBand = rows.filter((r) => r.score >= bands[b]! && r.score < bands[b + 1]!);
    const right = inBand.filter((r) => r.right).length;
    console.log(
      `  top-1 in [${bands[b]!.toFixed(2)}, ${Math.min(1, bands[b + 1]!).toFixed(2)}): ${right} right of ${inBand.length}`,
    );
  }
  const sure = rows.filter((r) => r.score >= IMAGENET_CONFIDENT);
  const unsure = rows.filter((r) => r.score < IMAGENET_CONFIDENT);
  console.log(
    `  ≥ ${IMAGENET_CONFIDENT} (shown plain): ${sure.filter((r) => r.right).length}/${sure.length} right; ` +
      `< ${IMAGENET_CONFIDENT} ("looks like"): ${unsure.filter((r) => r.right).length}/${unsure.length} right`,
  );
}
await embedder.dispose();
