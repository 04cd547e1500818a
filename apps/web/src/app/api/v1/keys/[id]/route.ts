import { z } from 'zod';
import { requireSession } from '../../../../../server/auth';
import { handle } from '../../../../../server/errors';
import { getLoupe } from '../../../../../server/loupe';

export const dynamic = 'force-dynamic';

/** Revokes a key (signed-in admin only). */
export const DELETE = handle(async (request: Request, { params }: { params: Promise<{ id: string }> }) => {
  await requireSession(request);
  const id = z.coerce.number().int().positive().parse((await params).id);
  await (await getLoupe()).store.apiKeys.revoke(id);
  return Response.json({ revoked: id });
});
