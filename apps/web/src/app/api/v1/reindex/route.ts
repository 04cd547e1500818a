import { z } from 'zod';
import { requireAdmin } from '../../../../server/auth';
import { handle } from '../../../../server/errors';
import { readJson } from '../../../../server/http';
import { reindexState, startReindex } from '../../../../server/reindex';

export const dynamic = 'force-dynamic';

/** Queues computing the active model's embeddings for items that lack them (or all, with `all`) — admin; 202. */
export const POST = handle(async (request: Request) => {
  await requireAdmin(request);
  const body = z.object({ catalog: z.string().optional(), all: z.boolean().optional() }).parse((await readJson(request)) ?? {});
  return Response.json({ reindex: await startReindex(body) }, { status: 202 });
});

/** The state of the last reindex job (admin). */
export const GET = handle(async (request: Request) => {
  await requireAdmin(request);
  return Response.json({ reindex: await reindexState() });
});
