import { predictionJson, queryHeadJson } from '../../../../server/api';
import { handle } from '../../../../server/errors';
import { getLoupe } from '../../../../server/loupe';
import { readQuery } from '../../../../server/query';

export const dynamic = 'force-dynamic';

/**
 * ImageNet top-k classes of an image (multipart `image`; optional `k`, default 5, and `box`). With `catalog` naming a
 * catalog that has an active head, `head` adds that catalog's own classes and the best one's CAM box (same pass).
 */
export const POST = handle(async (request: Request) => {
  const query = await readQuery(request, { allowJson: false });
  if (query.kind !== 'image') throw new Error('unreachable');
  const loupe = await getLoupe();
  const topK = Number(query.fields.k ?? 5) || 5;
  if (query.params.catalog) {
    const [r] = await loupe.heads.classify([{ source: query.image, region: query.region }], { catalog: query.params.catalog, topK: Math.min(topK, 20) });
    if (!r!.ok) throw r!.error;
    const v = r!.value;
    return Response.json({ width: v.width, height: v.height, predictions: v.predictions.map(predictionJson), head: { catalog: query.params.catalog, ...queryHeadJson(v.head) } });
  }
  const embedder = await loupe.embedder();
  const [result] = await embedder.classify([{ source: query.image, region: query.region }], { topK: Math.min(topK, 20) });
  return Response.json({ width: result!.width, height: result!.height, predictions: result!.predictions.map(predictionJson) });
});
