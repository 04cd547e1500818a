// Every object in a photo with @loupe/detection, labels checked by @loupe/embedding's ResNet-50 on each crop.
//   node objects.mjs <photo>
// Prints one JSON object for the consumer test to check.
import { createDetector } from '@loupe/detection';
import { createEmbedder } from '@loupe/embedding';

const embedder = await createEmbedder({ device: 'cpu' });
const detector = await createDetector({ device: 'cpu', classifier: embedder }); // no modelDir: the bin's build
const { width, height, objects } = await detector.detect(process.argv[2], { vectors: true });
await detector.dispose();
await embedder.dispose();
console.log(
  JSON.stringify({
    width,
    height,
    objects: objects.map((o) => ({ label: o.label, score: o.score, box: o.box, source: o.source, vector: Array.from(o.vector ?? []) })),
  }),
);
