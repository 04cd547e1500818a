// Shapes of the REST API's JSON, built from core's results. Kept in one place so that routes, the OpenAPI document and
// the typed client agree.
import type { QueryAnalysis, SearchResponse, SearchResult } from '@loupe/core';
import type { Box, Prediction } from '@loupe/embedding';
import type { HydratedItem, Job } from '@loupe/db';

const round = (n: number, digits = 4) => Number(n.toFixed(digits));

export const predictionJson = (p: Prediction) => ({ classId: p.classId, label: p.label, score: round(p.score) });
export const boxJson = (b: Box) => ({ x0: b.x0, y0: b.y0, x1: b.x1, y1: b.y1, classId: b.classId, label: b.label, score: round(b.score) });

export const thumbnailUrl = (id: number) => `/api/v1/items/${id}/thumbnail`;
export const imageUrl = (id: number) => `/api/v1/items/${id}/image`;

/** An item's label under its catalog's active head (predicted by the head, or confirmed: its own field value). */
export const itemLabelJson = (l: { label: string; score: number; source: 'predicted' | 'confirmed' }) => ({ label: l.label, score: round(l.score), source: l.source });

export function resultJson(r: SearchResult) {
  return {
    id: r.id,
    score: round(r.score),
    title: r.item.title,
    catalog: r.catalog,
    thumbnailUrl: thumbnailUrl(r.id),
    topClass: r.item.predictions[0]?.label ?? null,
    // The item's label under the searched catalog's active head (only when one catalog with a head was searched).
    ...(r.label !== undefined ? { label: r.label ? itemLabelJson(r.label) : null } : {}),
  };
}

/** The catalog head's view of a query image: its classes and the best one's CAM box. */
export function queryHeadJson(head: NonNullable<QueryAnalysis['head']>) {
  return {
    version: head.version,
    field: head.labelField,
    predictions: head.predictions.map(predictionJson),
    box: head.box ? boxJson(head.box) : null,
  };
}

export function searchJson(response: SearchResponse, offset: number, k: number) {
  const page = response.results.slice(offset, offset + k);
  return {
    query: response.query
      ? {
          width: response.query.width,
          height: response.query.height,
          predictions: response.query.predictions.map(predictionJson),
          boxes: response.query.boxes.map(boxJson),
          ...(response.query.head ? { head: queryHeadJson(response.query.head) } : {}),
        }
      : null,
    results: page.map(resultJson),
    nextCursor: response.results.length > offset + k ? String(offset + k) : null,
    tookMs: response.tookMs,
  };
}

export function itemJson(item: HydratedItem, catalog: string) {
  return {
    id: item.id,
    catalog,
    externalId: item.externalId,
    title: item.title,
    metadata: item.metadata,
    width: item.width,
    height: item.height,
    mimeType: item.mimeType,
    sizeBytes: item.sizeBytes,
    sourceName: item.sourceName,
    createdAt: item.createdAt.toISOString(),
    predictions: item.predictions.map(predictionJson),
    boxes: item.boxes.map(boxJson),
    thumbnailUrl: thumbnailUrl(item.id),
    imageUrl: imageUrl(item.id),
  };
}

export function jobJson(job: Job, catalog: string) {
  const done = job.filesAdded + job.filesDuplicate + job.filesFailed;
  const started = job.startedAt?.getTime();
  const elapsed = started ? ((job.finishedAt ?? job.heartbeatAt ?? new Date()).getTime() - started) / 1000 : 0;
  const rate = elapsed > 0 ? done / elapsed : 0;
  const total = Math.max(job.filesSeen, done);
  return {
    id: job.id,
    catalog,
    status: job.status,
    total,
    done,
    added: job.filesAdded,
    duplicates: job.filesDuplicate,
    failed: job.filesFailed,
    ratePerSecond: round(rate, 2),
    etaSeconds: job.status === 'running' && rate > 0 ? Math.round((total - done) / rate) : null,
    error: job.error,
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
  };
}

export const catalogJson = (c: { id: number; slug: string; name: string; itemCount?: number; createdAt: Date }) => ({
  id: c.id,
  slug: c.slug,
  name: c.name,
  items: c.itemCount ?? 0,
  createdAt: c.createdAt.toISOString(),
});
