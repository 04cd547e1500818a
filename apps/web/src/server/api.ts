// Core results → the REST API's JSON. The shapes are `@loupe/api`'s (the one source of the wire format): each
// builder returns its inferred type, so a field that drifts from the schema fails the type check, and the API tests
// validate every real response against the same schemas.
import type * as Api from '@loupe/api';
import type { ApiKey, Box, Catalog, CatalogWithCount, ItemHeadLabel, ItemView, JobView, ObjectRegion, ObjectSearchResponse, Prediction, QueryAnalysis, ResultCopy, SearchResponse, SearchResult } from '@loupe/core';

const round = (n: number, digits = 4) => Number(n.toFixed(digits));

export const predictionJson = (p: Prediction): Api.Prediction => ({ classId: p.classId, label: p.label, score: round(p.score) });
export const boxJson = (b: Box & { source?: Api.Box['source'] }): Api.Box => ({
  x0: b.x0,
  y0: b.y0,
  x1: b.x1,
  y1: b.y1,
  classId: b.classId,
  label: b.label,
  score: round(b.score),
  ...(b.source ? { source: b.source } : {}),
});

export const thumbnailUrl = (id: number) => `/api/v1/items/${id}/thumbnail`;
export const imageUrl = (id: number) => `/api/v1/items/${id}/image`;

/** An item's label under its catalog's active head (predicted by the head, or confirmed: its own field value). */
export const itemLabelJson = (l: ItemHeadLabel): Api.ItemLabel => ({ label: l.label, score: round(l.score), source: l.source });

/** `label` present only under an active head; null when the item has none. */
const labelField = (label: ItemHeadLabel | null | undefined) => (label !== undefined ? { label: label ? itemLabelJson(label) : null } : {});

export function resultJson(r: SearchResult): Api.SearchResult {
  return {
    id: r.id,
    score: round(r.score),
    match: r.match,
    title: r.item.title,
    catalog: r.catalog,
    thumbnailUrl: thumbnailUrl(r.id),
    width: r.item.width,
    height: r.item.height,
    topClass: r.item.predictions[0]?.label ?? null,
    topClassScore: r.item.predictions[0] ? round(r.item.predictions[0].score) : null,
    objectLabels: [...new Set((r.item.objects ?? []).map((o) => o.label))],
    ...labelField(r.label),
    ...(r.region ? { region: regionJson(r.region) } : {}),
    ...(r.alsoIn ? { alsoIn: r.alsoIn.map(copyJson) } : {}),
  };
}

const regionJson = (r: ObjectRegion): Api.ObjectRegion => ({ x0: r.x0, y0: r.y0, x1: r.x1, y1: r.y1, label: r.label, ...(r.mask ? { mask: r.mask } : {}) });
/** The same image in another catalog. */
const copyJson = (c: ResultCopy): Api.ResultCopy => ({ id: c.id, catalog: c.catalog, externalId: c.externalId, title: c.title });

/** The catalog head's view of a query image: its classes and the best one's CAM box. */
export function queryHeadJson(head: NonNullable<QueryAnalysis['head']>): Api.HeadPredictions {
  return {
    version: head.version,
    field: head.labelField,
    predictions: head.predictions.map(predictionJson),
    box: head.box ? boxJson(head.box) : null,
  };
}

export function queryJson(q: QueryAnalysis): Api.QueryAnalysis {
  return {
    width: q.width,
    height: q.height,
    predictions: q.predictions.map(predictionJson),
    boxes: q.boxes.map(boxJson),
    ...(q.head ? { head: queryHeadJson(q.head) } : {}),
  };
}

export function searchJson(response: SearchResponse): Api.SearchResponse {
  return {
    query: response.query ? queryJson(response.query) : null,
    results: response.results.map(resultJson),
    nextCursor: response.nextCursor,
    tookMs: response.tookMs,
  };
}

/** Search by object: each query object (as detect gives it) and the items holding the closest objects, with `region`. */
export function objectSearchJson(response: ObjectSearchResponse): Api.ObjectSearchResponse {
  return {
    width: response.width,
    height: response.height,
    objects: response.objects.map(({ object, results }) => ({
      object: { ...object, score: round(object.score) },
      results: results.map((r) => ({ ...resultJson(r), region: regionJson(r.region) })),
    })),
    tookMs: response.tookMs,
  };
}

/** An object found in an item at ingest. */
export const itemObjectJson = (b: NonNullable<ItemView['item']['objects']>[number]): Api.ItemObject => ({
  label: b.label,
  classId: b.classId,
  score: round(b.score),
  box: { x0: b.x0, y0: b.y0, x1: b.x1, y1: b.y1 },
  ...(b.mask ? { mask: b.mask } : {}),
});

export function itemJson({ item, catalog, label, alsoIn }: ItemView): Api.Item {
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
    objects: (item.objects ?? []).map(itemObjectJson),
    thumbnailUrl: thumbnailUrl(item.id),
    imageUrl: imageUrl(item.id),
    ...labelField(label),
    ...(alsoIn ? { alsoIn: alsoIn.map(copyJson) } : {}),
  };
}

/** A job of any kind: ingest counts (files), its progress report and result (per kind), its worker and attempts. */
export function jobJson(job: JobView): Api.Job {
  const done = job.filesAdded + job.filesDuplicate + job.filesFailed;
  const started = job.startedAt?.getTime();
  const elapsed = started ? ((job.finishedAt ?? job.heartbeatAt ?? new Date()).getTime() - started) / 1000 : 0;
  const rate = elapsed > 0 ? done / elapsed : 0;
  const total = Math.max(job.filesSeen, done);
  return {
    id: job.id,
    kind: job.kind,
    catalog: job.catalog ?? '',
    status: job.status,
    total,
    done,
    added: job.filesAdded,
    duplicates: job.filesDuplicate,
    failed: job.filesFailed,
    ratePerSecond: round(rate, 2),
    etaSeconds: job.status === 'running' && rate > 0 ? Math.round((total - done) / rate) : null,
    error: job.error,
    progress: job.progress,
    result: job.result,
    worker: job.workerId,
    attempts: job.attempts,
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
  };
}

export const catalogJson = (c: Catalog | CatalogWithCount): Api.Catalog => ({
  id: c.id,
  slug: c.slug,
  name: c.name,
  objects: c.objects,
  items: 'itemCount' in c ? c.itemCount : 0,
  createdAt: c.createdAt.toISOString(),
});

export const keyJson = (k: ApiKey): Api.ApiKeyInfo => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  scope: k.scope,
  createdAt: k.createdAt.toISOString(),
  lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
  revoked: k.revokedAt !== null,
});
