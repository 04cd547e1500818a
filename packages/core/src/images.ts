// One image at a time, no catalog needed: its vector, its ImageNet classes (and, with a catalog, that catalog's own
// classes from its active head), its CAM boxes and heatmap — each one forward pass.
import type { ClassifyResult, EmbedderInfo, ImageInput, LocalizeOptions, LocalizeResult } from '@loupe/embedding';
import type { CatalogClassification } from './heads.ts';
import type { LoupeContext } from './context.ts';

export function createImages(ctx: LoupeContext) {
  return {
    /** The vector of each image (this instance's model and pooling: `modelId`). */
    async embed(images: ImageInput[]): Promise<Float32Array[]> {
      return (await ctx.embedder()).embed(images);
    },
    async classify(images: ImageInput[], options: { topK?: number } = {}): Promise<ClassifyResult[]> {
      return (await ctx.embedder()).classify(images, options);
    },
    /** ImageNet classes plus the catalog's own (its active head) and their CAM box; a bad image throws. */
    async classifyInCatalog(image: ImageInput, options: { catalog: string; topK?: number }): Promise<CatalogClassification> {
      const [r] = await ctx.heads.classify([image], options);
      if (!r!.ok) throw r!.error;
      return r!.value;
    },
    async localize(images: ImageInput[], options?: LocalizeOptions): Promise<LocalizeResult[]> {
      return (await ctx.embedder()).localize(images, options);
    },
    /** The embedder's facts (model id, provider in use, providers skipped and why); loads the network if needed. */
    async modelInfo(): Promise<EmbedderInfo> {
      return (await ctx.embedder()).info();
    },
  };
}

export type Images = ReturnType<typeof createImages>;
