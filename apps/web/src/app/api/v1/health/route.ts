import { handle } from '../../../../server/errors';
import { getLoupe, isReady } from '../../../../server/loupe';

export const dynamic = 'force-dynamic';

/**
 * 200 once the app can serve searches (model loaded, index caught up); 503 while starting. `indexed` is the vectors in
 * this replica's index and `sequence` the change-log position it covers (stats catch it up first), so an operator can
 * see replicas converge on what the workers wrote.
 */
export const GET = handle(async () => {
  if (!isReady()) return Response.json({ status: 'starting' }, { status: 503 });
  const { model, pooling, precision, provider, inferenceWorkers, indexed, sequence } = await (await getLoupe()).stats();
  return Response.json({ status: 'ok', model, pooling, precision, provider: provider ?? undefined, inferenceWorkers: inferenceWorkers ?? undefined, indexed, sequence });
});
