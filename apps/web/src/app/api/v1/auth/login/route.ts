import { z } from 'zod';
import { adminSignInEnabled, checkPassword, createSessionCookie } from '../../../../../server/auth';
import { ApiError, handle, unauthorized } from '../../../../../server/errors';
import { readJson } from '../../../../../server/http';

export const dynamic = 'force-dynamic';

/** Signs an admin in: `{ "password" }` → an http-only, same-site session cookie. */
export const POST = handle(async (request: Request) => {
  if (!adminSignInEnabled()) throw new ApiError(503, 'SIGN_IN_DISABLED', 'admin sign-in is disabled: set LOUPE_ADMIN_PASSWORD');
  const { password } = z.object({ password: z.string().min(1).max(1000) }).parse(await readJson(request));
  if (!checkPassword(password)) throw unauthorized('wrong password');
  const secure = new URL(request.url).protocol === 'https:';
  return Response.json({ signedIn: true }, { headers: { 'set-cookie': createSessionCookie(secure) } });
});
