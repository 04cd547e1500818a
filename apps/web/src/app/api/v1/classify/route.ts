import { predictionJson, queryHeadJson } from '../../../../server/api';
import { getLoupe } from '../../../../server/loupe';
import { queryRoute, readImageQuery } from '../../../../server/query';

export const dynamic = 'force-dynamic';

/**
 * ImageNet top-k classes of an image (multipart `image`; optional `k`, default 5, and `box`). With `catalog` naming a
 * catalog that has an active head, `head` adds that catalog's own classes and the best one's CAM box (same pass).
 */
export const POST = queryRoute(readImageQuery, async ({ image, options }) => {
  const loupe = await getLoupe();
  const topK = Math.min(options.k ?? 5, 20);
  if (options.catalog) {
    const v = await loupe.images.classifyInCatalog(image, { catalog: options.catalog, topK });
    return Response.json({ width: v.width, height: v.height, predictions: v.predictions.map(predictionJson), head: { catalog: options.catalog, ...queryHeadJson(v.head) } });
  }
  const [result] = await loupe.images.classify([image], { topK });
  return Response.json({ width: result!.width, height: result!.height, predictions: result!.predictions.map(predictionJson) });
});
