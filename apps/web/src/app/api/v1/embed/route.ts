import { getLoupe } from '../../../../server/loupe';
import { queryRoute, readImageQuery } from '../../../../server/query';

export const dynamic = 'force-dynamic';

/** The 2048-d L2-normalised feature vector of an image (multipart `image`, optional `box`). */
export const POST = queryRoute(readImageQuery, async ({ image }) => {
  const loupe = await getLoupe();
  const [vector] = await loupe.images.embed([image]);
  return Response.json({ model: loupe.modelId, dim: vector!.length, vector: Array.from(vector!, (v) => Number(v.toFixed(6))) });
});
