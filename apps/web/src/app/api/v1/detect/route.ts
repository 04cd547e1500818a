import { getLoupe } from '../../../../server/loupe';
import { queryRoute, readDetectQuery } from '../../../../server/query';

export const dynamic = 'force-dynamic';

/**
 * Every object in an image (multipart `image`; optional `minScore`, 0–1, `box` and `masks`): `{ width, height, objects }`,
 * each object `{ label, classId, score, box, imagenet, source }` in the original image's pixels, plus `mask` (COCO RLE)
 * with `masks=true`.
 */
export const POST = queryRoute(readDetectQuery, async ({ image, minScore, masks }) => {
  const { width, height, objects } = await (await getLoupe()).detect(image, { minScore, masks });
  return Response.json({ width, height, objects });
});
