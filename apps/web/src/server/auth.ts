// Admins sign in with the configured password (compared as scrypt hashes, in constant time) and get a signed,
// http-only, same-site session cookie; scripts send an API key (`Authorization: Bearer lk_…`), hashed at rest.
// Read routes are public; admin routes answer 401 without credentials and 403 with a key that lacks the admin scope.
import { createHmac, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { env } from './env';
import { forbidden, unauthorized } from './errors';
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

export function checkPassword(password: string): boolean {
  const { passwordHash, salt } = auth();
  if (!passwordHash) return false;
  return timingSafeEqual(scryptSync(password, salt, 32), passwordHash);
}

const sign = (payload: string) => createHmac('sha256', auth().secret).update(payload).digest('base64url');

export function createSessionCookie(secure: boolean): string {
  const payload = Buffer.from(JSON.stringify({ role: 'admin', exp: Math.floor(Date.now() / 1000) + SESSION_SECONDS })).toString('base64url');
  const value = `${payload}.${sign(payload)}`;
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${SESSION_SECONDS}${secure ? '; Secure' : ''}`;
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

export function hasValidSession(cookieValue: string | undefined): boolean {
  if (!cookieValue) return false;
  const [payload, signature] = cookieValue.split('.');
  if (!payload || !signature) return false;
  const expected = Buffer.from(sign(payload));
  const actual = Buffer.from(signature);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return false;
  try {
    const { exp } = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { exp: number };
    return exp > Date.now() / 1000;
  } catch {
    return false;
  }
}

export type Principal = { kind: 'session' } | { kind: 'key'; scope: 'read' | 'admin'; name: string };

/** Who is calling: an admin session, an API key, or nobody. */
export async function principalOf(request: Request): Promise<Principal | undefined> {
  if (hasValidSession(readCookie(request, SESSION_COOKIE))) return { kind: 'session' };
  const header = request.headers.get('authorization');
  const key = header?.startsWith('Bearer ') ? header.slice(7).trim() : request.headers.get('x-api-key')?.trim();
  if (!key) return undefined;
  const loupe = await getLoupe();
  const record = await loupe.store.apiKeys.verify(key);
  if (!record) throw unauthorized('the API key is not valid (unknown, malformed or revoked)');
  return { kind: 'key', scope: record.scope, name: record.name };
}

/** Admin routes: a session, or an API key with the admin scope. */
export async function requireAdmin(request: Request): Promise<Principal> {
  const who = await principalOf(request);
  if (!who) throw unauthorized();
  if (who.kind === 'key' && who.scope !== 'admin') throw forbidden();
  return who;
}

/** Routes only a signed-in admin may use (managing API keys). */
export async function requireSession(request: Request): Promise<void> {
  const who = await requireAdmin(request);
  if (who.kind !== 'session') throw forbidden('API keys are managed from a signed-in admin session');
}
