// Type-checked by the consumer test with `tsc --noEmit` (moduleResolution nodenext): the published .d.ts files must
// describe the public packages well enough for a strict TypeScript user.
import { createDetector, type DetectedObject } from '@loupe/detection';
import { createSegmenter, encodePlaced, type Rle } from '@loupe/segmentation';
import { createEmbedder, ModelNotBuiltError, type Embedder, type ImageAnalysis } from '@loupe/embedding';
import { createBrowserEmbedder, type BrowserEmbedder } from '@loupe/embedding/browser';
import { createExactIndex, loadVectorIndex, SnapshotCorruptError, type VectorIndex } from '@loupe/vector-index';
import { LoupeApiError, LoupeClient, type SearchResponse } from '@loupe/client';

export async function firstLabel(path: string): Promise<string | undefined> {
  const embedder: Embedder = await createEmbedder({ device: 'cpu' });
  try {
    const [analysis]: ImageAnalysis[] = await embedder.analyze([path], { topK: 1 });
    return analysis?.predictions[0]?.label;
  } catch (err) {
    if (err instanceof ModelNotBuiltError) return undefined;
    throw err;
  } finally {
    await embedder.dispose();
  }
}

export function nearest(vectors: Float32Array[], query: Float32Array): number | undefined {
  const index: VectorIndex = createExactIndex({ dim: 2048, space: 'cosine' });
  vectors.forEach((v, id) => index.add(id, v));
  const [best] = index.search(query, { k: 1 });
  index.close();
  return best?.id;
}

export async function sequenceOf(path: string): Promise<number | null> {
  try {
    return (await loadVectorIndex(path, { dim: 2048 })).sequence;
  } catch (err) {
    if (err instanceof SnapshotCorruptError) return null;
    throw err;
  }
}

export async function search(baseUrl: string, image: Uint8Array): Promise<SearchResponse | string> {
  try {
    return await new LoupeClient({ baseUrl }).search(image, { k: 5 });
  } catch (err) {
    return err instanceof LoupeApiError ? err.code : 'network';
  }
}

export const browser: (model: Uint8Array, labels: string[]) => Promise<BrowserEmbedder> = (model, labels) =>
  createBrowserEmbedder({ model, labels });

export async function objectLabels(path: string): Promise<string[]> {
  const embedder = await createEmbedder({ device: 'cpu' });
  const detector = await createDetector({ device: 'cpu', classifier: embedder, minScore: 0.4 });
  try {
    const { objects } = await detector.detect(path, { vectors: true });
    return objects.map((o: DetectedObject) => `${o.label} ${o.box.x1 - o.box.x0}×${o.box.y1 - o.box.y0} ${o.vector?.length ?? 0}`);
  } finally {
    await detector.dispose();
    await embedder.dispose();
  }
}

export async function dogOutline(path: string): Promise<Rle | undefined> {
  const embedder = await createEmbedder({ device: 'cpu' });
  try {
    const { width, height, masks } = await createSegmenter({ embedder }).segment(path, [{ x0: 110, y0: 184, x1: 258, y1: 450 }]);
    return masks[0] ? encodePlaced(masks[0].mask, height, width) : undefined;
  } finally {
    await embedder.dispose();
  }
}
