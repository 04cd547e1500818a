import { handle } from '../../../../server/errors';
import { getLoupe, isReady } from '../../../../server/loupe';

export const dynamic = 'force-dynamic';

/** 200 once the app can serve searches (model loaded, index caught up); 503 while starting. */
export const GET = handle(async () => {
  if (!isReady()) return Response.json({ status: 'starting' }, { status: 503 });
  const loupe = await getLoupe();
  const info = (await loupe.embedder()).info();
  const index = await loupe.index();
  return Response.json({ status: 'ok', model: info.modelId, pooling: info.pooling, provider: info.provider, indexed: index.size });
});
