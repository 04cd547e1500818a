// One image at a time, no catalog needed: its vector, its ImageNet classes (and, with a catalog, that catalog's own
// classes from its active head), its CAM boxes and heatmap — each one forward pass.
import type { ClassifyResult, EmbedderInfo, ImageInput, LocalizeOptions, LocalizeResult } from '@loupe/embedding';
import { withObjectBoxes, type ObjectBoxes } from './detect.ts';
import type { CatalogClassification } from './heads.ts';
import { isRegion } from './image-input.ts';
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
    /**
     * Boxes of the confident classes: a class's box is the detected object of that class where the detector finds
     * one (`source: 'detector'`), its class activation map elsewhere (`'cam'`). `objects` (default: this instance's
     * objects setting) false, or a region input (its boxes are in the region's pixels, the detector's in the whole
     * image's): CAM only, no detector pass.
     */
    async localize(images: ImageInput[], options: LocalizeOptions & { objects?: boolean } = {}): Promise<Array<LocalizeResult | ObjectBoxes<LocalizeResult>>> {
      const { objects = ctx.objects, ...localizeOptions } = options;
      const results = await (await ctx.embedder()).localize(images, localizeOptions);
      if (!objects) return results;
      const out: Array<LocalizeResult | ObjectBoxes<LocalizeResult>> = [];
      for (const [i, r] of results.entries()) out.push(isRegion(images[i]!) ? r : await withObjectBoxes(ctx.detection, images[i]!, r));
      return out;
    },
    /** The embedder's facts (model id, provider in use, providers skipped and why); loads the network if needed. */
    async modelInfo(): Promise<EmbedderInfo> {
      return (await ctx.embedder()).info();
    },
  };
}

export type Images = ReturnType<typeof createImages>;
