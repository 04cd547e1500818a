import { z } from 'zod';
import type { HeadMetrics } from '@loupe/core';
import { confusionMatrixPng, confusionMatrixSvg } from '@loupe/heads';
import { badRequest, handle } from '../../../../../../../../server/errors';
import { getLoupe } from '../../../../../../../../server/loupe';

export const dynamic = 'force-dynamic';
type Context = { params: Promise<{ slug: string; version: string }> };

/**
 * The head's validation confusion matrix as an image: PNG (default) or SVG (`?format=svg`); `?of=knn` draws the kNN
 * baseline's instead.
 */
export const GET = handle(async (request: Request, { params }: Context) => {
  const { slug, version } = await params;
  const url = new URL(request.url);
  const format = url.searchParams.get('format') ?? 'png';
  const of = url.searchParams.get('of') ?? 'head';
  if (!['png', 'svg'].includes(format)) throw badRequest('format is png or svg');
  if (!['head', 'knn'].includes(of)) throw badRequest('of is head or knn');
  const v = version === 'active' ? undefined : z.coerce.number().int().positive().parse(version.replace(/^v/, ''));
  const head = await (await getLoupe()).heads.get(slug, v);
  const m = head.metrics as unknown as HeadMetrics;
  const metrics = of === 'knn' ? m.knn : m.validation;
  if (!metrics) throw badRequest('this head was trained without a kNN baseline', 'NO_BASELINE');
  const title = `${slug} v${head.version} ${of === 'knn' ? `kNN (k=${m.knn!.k})` : 'head'} — validation accuracy ${(metrics.accuracy * 100).toFixed(1)}%`;
  const headers = { 'cache-control': 'public, max-age=31536000, immutable' };
  if (format === 'svg') return new Response(confusionMatrixSvg(metrics, { title }), { headers: { ...headers, 'content-type': 'image/svg+xml' } });
  return new Response(Buffer.from(await confusionMatrixPng(metrics, { title })), { headers: { ...headers, 'content-type': 'image/png' } });
});
