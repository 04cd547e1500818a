import { z } from 'zod';
import { adminSignInEnabled, audit, checkPassword, createSessionCookie } from '../../../../../server/auth';
import { ApiError, handle, unauthorized } from '../../../../../server/errors';
import { loginGate, requireSameOrigin } from '../../../../../server/guard';
import { readJson } from '../../../../../server/http';

export const dynamic = 'force-dynamic';

/** Signs an admin in: `{ "password" }` → an http-only, same-site session cookie. */
export const POST = handle(async (request: Request) => {
  if (!adminSignInEnabled()) throw new ApiError(503, 'SIGN_IN_DISABLED', 'admin sign-in is disabled: set LOUPE_ADMIN_PASSWORD');
  if (request.headers.has('origin') || request.headers.has('sec-fetch-site')) requireSameOrigin(request); // no sign-in from another site
  const gate = await loginGate(request);
  const { password } = z.object({ password: z.string().min(1).max(1000) }).parse(await readJson(request));
  if (!(await checkPassword(password))) {
    await gate.failed();
    await audit(request, undefined, 'login-failed');
    throw unauthorized('wrong password');
  }
  await gate.succeeded();
  await audit(request, { kind: 'session' }, 'login');
  const secure = new URL(request.url).protocol === 'https:';
  return Response.json({ signedIn: true }, { headers: { 'set-cookie': await createSessionCookie(secure) } });
});
