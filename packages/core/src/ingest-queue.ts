// Ingest run here and now (the CLI without --enqueue); queued ingest is a job (jobs/), run through the same runIngest.
import { rm } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { LoupeContext } from './context.ts';
import { runIngest, type IngestDeps } from './ingest.ts';
import { openSource, sourcePathOf, type IngestSource, type SourceLimits } from './sources/index.ts';
import type { IngestOptions, IngestSummary } from './types.ts';

export function ingestDeps(ctx: LoupeContext): IngestDeps {
  return {
    store: ctx.store,
    storage: ctx.storage,
    embedder: ctx.embedder,
    index: ctx.index,
    modelId: ctx.modelId,
    ...(ctx.objects ? { objects: { modelId: ctx.objectsModelId, detection: ctx.detection, index: ctx.objectIndex } } : {}),
    maxPixels: ctx.options.embedding?.maxPixels,
    snapshotEvery: ctx.options.snapshotEvery ?? 2000,
    logger: ctx.logger,
    onItemStored: ctx.heads.autoLabel,
  };
}

/** Where uploads and `ingest --enqueue` copies wait for a worker: `<media dir>/uploads/<id>/`, shared by all processes. */
export const uploadsDirOf = (ctx: LoupeContext) => join(resolve(ctx.options.mediaDir ?? ctx.dataDir), 'uploads');

/** A finished job's upload (`<media dir>/uploads/<id>/`) is not needed any more: its images are stored. */
export async function discardUpload(ctx: LoupeContext, identity: string): Promise<void> {
  const path = sourcePathOf(identity);
  const uploads = uploadsDirOf(ctx);
  const rel = path ? relative(uploads, path) : '';
  if (!rel || rel.startsWith('..') || rel.startsWith(sep)) return;
  await rm(join(uploads, rel.split(sep)[0]!), { recursive: true, force: true }).catch((error) => ctx.logger?.warn?.({ err: error }, 'could not delete a finished upload'));
}

export function createIngest(ctx: LoupeContext) {
  return {
    /**
     * Ingests a folder, zip file or manifest path (or an opened source) into a catalog, creating it if missing.
     * `allowRoots`: folders besides a manifest's own whose files its rows may name (the CLI's `--allow-root`).
     */
    async ingest(source: string | IngestSource, opts: IngestOptions & { limits?: Partial<SourceLimits>; allowRoots?: string[] }): Promise<IngestSummary> {
      const opened = typeof source === 'string' ? await openSource(source, opts.limits ?? ctx.options.sourceLimits, opts.allowRoots) : source;
      return ctx.relevance.afterIngest(await runIngest(ingestDeps(ctx), opened, opts));
    },
  };
}
