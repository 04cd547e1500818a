import { boxJson, predictionJson } from '../../../../server/api';
import { handle } from '../../../../server/errors';
import { getLoupe } from '../../../../server/loupe';
import { readQuery } from '../../../../server/query';

export const dynamic = 'force-dynamic';

/**
 * Boxes of the confident classes (class activation maps) and, with `heatmap=1`, the top class's heatmap as a PNG
 * data URL the size of the image (long side ≤ 512), to draw over it.
 */
export const POST = handle(async (request: Request) => {
  const query = await readQuery(request, { allowJson: false });
  if (query.kind !== 'image') throw new Error('unreachable');
  const embedder = await (await getLoupe()).embedder();
  const heatmap = ['1', 'true'].includes(query.fields.heatmap ?? '');
  const [result] = await embedder.localize([{ source: query.image, region: query.region }], { topK: 3, heatmap });
  return Response.json({
    width: result!.width,
    height: result!.height,
    predictions: result!.predictions.map(predictionJson),
    boxes: result!.boxes.map(boxJson),
    heatmap: result!.heatmap
      ? { width: result!.heatmap.width, height: result!.heatmap.height, classId: result!.heatmap.classId, png: `data:image/png;base64,${Buffer.from(result!.heatmap.png).toString('base64')}` }
      : null,
  });
});
