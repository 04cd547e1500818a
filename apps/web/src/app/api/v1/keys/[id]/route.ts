import { IdParam } from '@loupe/api';
import { requireSession } from '../../../../../server/auth';
import { handle } from '../../../../../server/errors';
import { getLoupe } from '../../../../../server/loupe';

export const dynamic = 'force-dynamic';

/** Revokes a key (signed-in admin only). */
export const DELETE = handle(async (request: Request, { params }: { params: Promise<{ id: string }> }) => {
  await requireSession(request);
  const id = IdParam.parse((await params).id);
  await (await getLoupe()).apiKeys.revoke(id);
  return Response.json({ revoked: id });
});
