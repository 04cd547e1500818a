// A library user's first script: every public package by name, nothing from the Loupe repository.
//   node smoke.mjs <photo> <other photo> <snapshot dir> <loupe url>
// Prints one JSON object for the consumer test to check.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createEmbedder, MODEL_ID } from '@loupe/embedding';
import { createVectorIndex, loadVectorIndex } from '@loupe/vector-index';
import { LoupeClient } from '@loupe/client';

const [photo, other, snapshotDir, loupeUrl] = process.argv.slice(2);

const embedder = await createEmbedder({ device: 'cpu' }); // no modelDir: the model the bin built into the package
const [analysis] = await embedder.analyze([photo], { topK: 3 });
const [otherVector] = await embedder.embed([other]);
const info = embedder.info();
await embedder.dispose();

const index = createVectorIndex({ dim: info.dim, space: 'cosine' });
index.add(1, analysis.vector);
index.add(2, otherVector);
const snapshot = join(snapshotDir, 'photos.hnsw');
await index.save(snapshot, { sequence: 2 });
index.close();
const { index: restored, sequence } = await loadVectorIndex(snapshot, { dim: info.dim });
const restoredHits = restored.search(analysis.vector, { k: 2 });
restored.close();

const client = new LoupeClient({ baseUrl: loupeUrl });
const health = await client.health();
const search = await client.search(new Uint8Array(await readFile(photo)), { k: 3 });

console.log(
  JSON.stringify({
    modelId: MODEL_ID,
    info: { modelId: info.modelId, dim: info.dim, provider: info.provider },
    predictions: analysis.predictions,
    boxes: analysis.boxes.length,
    vector: Array.from(analysis.vector),
    snapshot: { sequence, hits: restoredHits },
    server: { model: health.model, results: search.results.map((r) => ({ title: r.title, score: r.score })) },
  }),
);
