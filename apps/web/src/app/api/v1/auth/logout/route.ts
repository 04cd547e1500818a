import { clearSessionCookie, revokeSession, sessionTokenOf } from '../../../../../server/auth';
import { handle } from '../../../../../server/errors';
import { requireSameOrigin } from '../../../../../server/guard';

export const dynamic = 'force-dynamic';

/** Signs out: the session ends on the server (its cookie stops working everywhere) and the cookie is cleared. */
export const POST = handle(async (request: Request) => {
  if (sessionTokenOf(request)) {
    requireSameOrigin(request);
    await revokeSession(request);
  }
  return Response.json({ signedIn: false }, { headers: { 'set-cookie': clearSessionCookie() } });
});
