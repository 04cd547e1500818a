import { boxJson, predictionJson } from '../../../../server/api';
import { getLoupe } from '../../../../server/loupe';
import { queryRoute, readImageQuery } from '../../../../server/query';

export const dynamic = 'force-dynamic';

/**
 * Boxes of the confident classes (class activation maps, or the detected object of a class where the detector finds
 * one; `objects=false` skips the detector) and, with `heatmap=1`, the top class's heatmap as a PNG data URL the size
 * of the image (long side ≤ 512), to draw over it.
 */
export const POST = queryRoute(readImageQuery, async ({ image, options }) => {
  const [result] = await (await getLoupe()).images.localize([image], { topK: 3, heatmap: options.heatmap ?? false, objects: options.objects });
  const { width, height, predictions, boxes, heatmap } = result!;
  return Response.json({
    width,
    height,
    predictions: predictions.map(predictionJson),
    boxes: boxes.map(boxJson),
    heatmap: heatmap ? { width: heatmap.width, height: heatmap.height, classId: heatmap.classId, png: `data:image/png;base64,${Buffer.from(heatmap.png).toString('base64')}` } : null,
  });
});
