import { clearSessionCookie } from '../../../../../server/auth';
import { handle } from '../../../../../server/errors';

export const dynamic = 'force-dynamic';

export const POST = handle(async () => Response.json({ signedIn: false }, { headers: { 'set-cookie': clearSessionCookie() } }));
