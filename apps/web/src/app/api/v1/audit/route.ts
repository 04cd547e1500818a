import { z } from 'zod';
import { requireAdmin } from '../../../../server/auth';
import { handle } from '../../../../server/errors';
import { getLoupe } from '../../../../server/loupe';

export const dynamic = 'force-dynamic';

const query = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100), cursor: z.coerce.number().int().positive().optional() });

/** The audit log, newest first (admin): sign-ins and wrong passwords, keys created, catalogs and items deleted. */
export const GET = handle(async (request: Request) => {
  await requireAdmin(request);
  const q = query.parse(Object.fromEntries(new URL(request.url).searchParams));
  const { events, nextCursor } = await (await getLoupe()).audit.list({ limit: q.limit, cursor: q.cursor ?? null });
  return Response.json({ events: events.map((e) => ({ ...e, createdAt: e.createdAt.toISOString() })), nextCursor });
});
