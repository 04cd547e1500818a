import type { SearchResponse } from '@loupe/core';
import { objectSearchJson, searchJson } from '../../../../server/api';
import { getLoupe } from '../../../../server/loupe';
import { queryRoute, readSearch } from '../../../../server/query';

export const dynamic = 'force-dynamic';

/**
 * Search by an image (multipart: `image`, optional `box` to search a region; with `objects=true` by each of its
 * objects), by an indexed item (JSON `itemId`:
 * more like this), by a vector computed in the browser (JSON `vector` + `model`), or the next page of any of them
 * (`cursor`, from nextCursor: the server kept the query, nothing is analysed again).
 */
export const POST = queryRoute(readSearch, async (query) => {
  const loupe = await getLoupe();
  const { k, catalog, minScore, minMatch, classId, exact, label } = query.params;
  const options = { k, catalog, minScore, minMatch, classId, exact, label };
  if (query.kind === 'image' && query.params.objects) {
    const [result] = await loupe.searchByObjects([query.image], options);
    if (!result!.ok) throw result!.error;
    return Response.json(objectSearchJson(result!.value));
  }
  let response: SearchResponse;
  if (query.kind === 'cursor') response = await loupe.searchMore(query.cursor, { k });
  else if (query.kind === 'item') response = await loupe.searchByItem(query.itemId, options);
  else if (query.kind === 'vector') response = await loupe.searchByVector(query.vector, { ...options, model: query.model });
  else {
    const [result] = await loupe.search([query.image], options);
    if (!result!.ok) throw result!.error;
    response = result!.value;
  }
  return Response.json(searchJson(response));
});
