// Admins sign in with the configured password (compared as scrypt hashes, in constant time) and get an http-only,
// same-site session cookie holding a random token whose hash is a server-side session row (signing out deletes it); scripts send an API key (`Authorization: Bearer lk_…`), hashed at rest.
// Read routes are public; admin routes answer 401 without credentials and 403 with a key that lacks the admin scope.
import { createHmac, randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { env } from './env';
import { forbidden, unauthorized } from './errors';
import { clientIp, requireSameOrigin } from './guard';
import { logger } from './log';
import { getLoupe } from './loupe';

export const SESSION_COOKIE = 'loupe_session';
const SESSION_SECONDS = 7 * 24 * 3600;

const g = globalThis as unknown as { loupeAuth?: { secret: Buffer; passwordHash?: Buffer; salt: Buffer } };

function auth() {
  if (!g.loupeAuth) {
    const e = env();
    let secret: Buffer;
    if (e.LOUPE_SESSION_SECRET) secret = Buffer.from(e.LOUPE_SESSION_SECRET);
    else {
      // Generated once per data directory, so sessions survive restarts without configuration.
      const file = join(resolve(e.LOUPE_DATA_DIR), '.session-secret');
      try {
        secret = readFileSync(file);
      } catch {
        mkdirSync(resolve(e.LOUPE_DATA_DIR), { recursive: true });
        secret = randomBytes(32);
        writeFileSync(file, secret, { mode: 0o600 });
      }
    }
    const salt = randomBytes(16);
    g.loupeAuth = { secret, salt, passwordHash: e.LOUPE_ADMIN_PASSWORD ? scryptSync(e.LOUPE_ADMIN_PASSWORD, salt, 32) : undefined };
  }
  return g.loupeAuth;
}

export function adminSignInEnabled(): boolean {
  return auth().passwordHash !== undefined;
}

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, length: number) => Promise<Buffer>;

/** Compares in constant time; the hash runs on the thread pool, so wrong passwords do not stall other requests. */
export async function checkPassword(password: string): Promise<boolean> {
  const { passwordHash, salt } = auth();
  if (!passwordHash) return false;
  return timingSafeEqual(await scryptAsync(password, salt, 32), passwordHash);
}

/** Tags a session with the admin password it was made under: after a password change, older sessions are refused. */
const passwordTag = () => createHmac('sha256', auth().secret).update(`password:${env().LOUPE_ADMIN_PASSWORD ?? ''}`).digest('hex').slice(0, 32);

/** A new server-side session: a random token in the cookie, its hash in the store. */
export async function createSessionCookie(secure: boolean): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  const loupe = await getLoupe();
  await loupe.sessions.create({ token, passwordTag: passwordTag(), expiresAt: new Date(Date.now() + SESSION_SECONDS * 1000) });
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${SESSION_SECONDS}${secure ? '; Secure' : ''}`;
}

export function clearSessionCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`;
}

function readCookie(request: Request, name: string): string | undefined {
  const header = request.headers.get('cookie') ?? '';
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

export const sessionTokenOf = (request: Request) => readCookie(request, SESSION_COOKIE);

async function hasValidSession(token: string | undefined): Promise<boolean> {
  if (!token || !adminSignInEnabled()) return false;
  return (await getLoupe()).sessions.isValid(token, passwordTag());
}

/** Signing out ends the session on the server too: the cookie is worthless afterwards, wherever it was copied. */
export async function revokeSession(request: Request): Promise<void> {
  const token = sessionTokenOf(request);
  if (token) await (await getLoupe()).sessions.revoke(token);
}

export type Principal = { kind: 'session' } | { kind: 'key'; scope: 'read' | 'admin'; name: string };

/** Who is calling: an admin session, an API key, or nobody. */
export async function principalOf(request: Request): Promise<Principal | undefined> {
  if (await hasValidSession(sessionTokenOf(request))) return { kind: 'session' };
  const header = request.headers.get('authorization');
  const key = header?.startsWith('Bearer ') ? header.slice(7).trim() : request.headers.get('x-api-key')?.trim();
  if (!key) return undefined;
  const loupe = await getLoupe();
  const record = await loupe.apiKeys.verify(key);
  if (!record) throw unauthorized('the API key is not valid (unknown, malformed or revoked)');
  return { kind: 'key', scope: record.scope, name: record.name };
}

/** Admin routes: a session, or an API key with the admin scope. */
export async function requireAdmin(request: Request): Promise<Principal> {
  const who = await principalOf(request);
  if (!who) throw unauthorized();
  if (who.kind === 'key' && who.scope !== 'admin') throw forbidden();
  if (who.kind === 'session') requireSameOrigin(request);
  return who;
}

/** Routes only a signed-in admin may use (managing API keys). */
export async function requireSession(request: Request): Promise<Principal> {
  const who = await requireAdmin(request);
  if (who.kind !== 'session') throw forbidden('API keys are managed from a signed-in admin session');
  return who;
}

const actorOf = (who: Principal | undefined) => (who === undefined ? 'anonymous' : who.kind === 'session' ? 'session' : `key:${who.name}`);

/** Notes a security-relevant action in the audit log (admins read it at GET /api/v1/audit). Never fails the request. */
export async function audit(request: Request, who: Principal | undefined, action: string, detail?: string): Promise<void> {
  try {
    await (await getLoupe()).audit.record({ action, actor: actorOf(who), detail: detail ?? null, ip: clientIp(request) });
  } catch (error) {
    logger().warn({ err: error, action }, 'could not write an audit event');
  }
}
