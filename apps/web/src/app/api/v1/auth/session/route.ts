import { adminSignInEnabled, principalOf } from '../../../../../server/auth';
import { handle } from '../../../../../server/errors';

export const dynamic = 'force-dynamic';

/** Whether the caller is a signed-in admin (or holds an admin key). */
export const GET = handle(async (request: Request) => {
  const who = await principalOf(request).catch(() => undefined);
  const admin = who?.kind === 'session' || (who?.kind === 'key' && who.scope === 'admin');
  return Response.json({ admin, via: who?.kind ?? null, signInEnabled: adminSignInEnabled() });
});
