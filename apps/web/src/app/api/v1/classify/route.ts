import { predictionJson } from '../../../../server/api';
import { handle } from '../../../../server/errors';
import { getLoupe } from '../../../../server/loupe';
import { readQuery } from '../../../../server/query';

export const dynamic = 'force-dynamic';

/** ImageNet top-k classes of an image (multipart `image`; optional `k`, default 5, and `box`). */
export const POST = handle(async (request: Request) => {
  const query = await readQuery(request, { allowJson: false });
  if (query.kind !== 'image') throw new Error('unreachable');
  const embedder = await (await getLoupe()).embedder();
  const topK = Number(query.fields.k ?? 5) || 5;
  const [result] = await embedder.classify([{ source: query.image, region: query.region }], { topK: Math.min(topK, 20) });
  return Response.json({ width: result!.width, height: result!.height, predictions: result!.predictions.map(predictionJson) });
});
