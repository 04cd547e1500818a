import { handle } from '../../../../server/errors';
import { getLoupe } from '../../../../server/loupe';
import { readQuery } from '../../../../server/query';

export const dynamic = 'force-dynamic';

/** The 2048-d L2-normalised feature vector of an image (multipart `image`, optional `box`). */
export const POST = handle(async (request: Request) => {
  const query = await readQuery(request, { allowJson: false });
  if (query.kind !== 'image') throw new Error('unreachable');
  const embedder = await (await getLoupe()).embedder();
  const [vector] = await embedder.embed([{ source: query.image, region: query.region }]);
  return Response.json({ model: embedder.info().modelId, dim: vector!.length, vector: Array.from(vector!, (v) => Number(v.toFixed(6))) });
});
