import { searchJson } from '../../../../server/api';
import { handle } from '../../../../server/errors';
import { getLoupe } from '../../../../server/loupe';
import { readQuery } from '../../../../server/query';

export const dynamic = 'force-dynamic';

/**
 * Search by an image (multipart: `image`, optional `box` to search a region), by an indexed item (JSON `itemId`:
 * more like this) or by a vector computed in the browser (JSON `vector`, with its `model` id: another model's vector is refused with 409). Options: k, catalog, minScore, classId,
 * cursor (from nextCursor), label (with a catalog that has an active head: only items with that label).
 */
export const POST = handle(async (request: Request) => {
  const query = await readQuery(request, { allowJson: true });
  const loupe = await getLoupe();
  const { params } = query;
  const offset = Number(params.cursor ?? 0);
  const options = { k: Math.min(offset + params.k + 1, 1000), catalog: params.catalog, minScore: params.minScore, classId: params.classId, exact: params.exact, label: params.label };
  let response;
  if (query.kind === 'image') {
    const [result] = await loupe.search([{ source: query.image, region: query.region }], options);
    if (!result!.ok) throw result!.error;
    response = result!.value;
  } else if (query.kind === 'item') response = await loupe.searchByItem(query.itemId, options);
  else response = await loupe.searchByVector(query.vector, { ...options, model: query.model });
  return Response.json(searchJson(response, offset, params.k));
});
