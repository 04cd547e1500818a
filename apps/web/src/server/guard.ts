// Request guards that are rules of the server, not of one route: proof of origin for cookie sessions, the login
// throttle, and admission control (per-IP rate limit, bounded queue, pixel budget) for public image queries.
import pLimit from 'p-limit';
import { RateLimiterMemory, type RateLimiterRes } from 'rate-limiter-flexible';
import { env } from './env';
import { ApiError, forbidden } from './errors';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The client's address. `next start` appends the socket's address to X-Forwarded-For, so the last entry is the one
 * a client cannot forge (behind a reverse proxy it is the proxy's view of the client, if it appends too).
 */
export function clientIp(request: Request): string {
  const forwarded = request.headers.get('x-forwarded-for');
  const last = forwarded?.split(',').pop()?.trim();
  return last || 'unknown';
}

/**
 * A state-changing request that rides on a cookie must come from this site: `Sec-Fetch-Site: same-origin`, or an
 * `Origin` whose host is this request's host. A page on another port or subdomain (same-site for SameSite=Lax)
 * fails both. API keys are never sent by a browser on its own, so key requests skip this.
 */
export function requireSameOrigin(request: Request): void {
  if (SAFE_METHODS.has(request.method)) return;
  const site = request.headers.get('sec-fetch-site');
  if (site === 'same-origin') return;
  const origin = request.headers.get('origin');
  const host = request.headers.get('x-forwarded-host') ?? request.headers.get('host');
  if (origin && origin !== 'null' && host) {
    try {
      if (new URL(origin).host === host) return;
    } catch {
      // not a URL: refused below
    }
  }
  throw forbidden('a signed-in request that changes something must come from this site (its Origin does not match)');
}

export const tooManyRequests = (message: string, retryAfterMs: number) =>
  Object.assign(new ApiError(429, 'TOO_MANY_REQUESTS', message), { retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) });

const g = globalThis as unknown as {
  loupeGuards?: { loginIp: RateLimiterMemory; loginAll: RateLimiterMemory; queries?: RateLimiterMemory; queue: ReturnType<typeof pLimit> };
};

function guards() {
  if (!g.loupeGuards) {
    const e = env();
    g.loupeGuards = {
      // Wrong passwords: past the limit, the IP (or everyone) is locked out for the block duration.
      loginIp: new RateLimiterMemory({ keyPrefix: 'login-ip', points: e.LOUPE_LOGIN_ATTEMPTS_PER_IP, duration: 15 * 60, blockDuration: 15 * 60 }),
      loginAll: new RateLimiterMemory({ keyPrefix: 'login-all', points: e.LOUPE_LOGIN_ATTEMPTS_GLOBAL, duration: 60, blockDuration: 60 }),
      ...(e.LOUPE_QUERY_RATE_PER_MINUTE > 0 ? { queries: new RateLimiterMemory({ keyPrefix: 'query', points: e.LOUPE_QUERY_RATE_PER_MINUTE, duration: 60 }) } : {}),
      queue: pLimit(e.LOUPE_QUERY_CONCURRENCY),
    };
  }
  return g.loupeGuards;
}

/** Refuses (429 + Retry-After) a sign-in from a locked-out IP, or while too many wrong passwords arrive overall. */
export async function loginGate(request: Request): Promise<{ failed: () => Promise<void>; succeeded: () => Promise<void> }> {
  const { loginIp, loginAll } = guards();
  const ip = clientIp(request);
  for (const [limiter, key, who] of [[loginIp, ip, 'from this address'], [loginAll, 'all', 'overall']] as const) {
    const state = await limiter.get(key);
    if (state && state.consumedPoints >= limiter.points)
      throw tooManyRequests(`too many wrong passwords ${who}; try again later`, state.msBeforeNext);
  }
  return {
    failed: async () => {
      await Promise.all([loginIp.consume(ip), loginAll.consume('all')].map((p) => p.catch((r: RateLimiterRes) => r)));
    },
    succeeded: async () => {
      await loginIp.delete(ip);
    },
  };
}

/**
 * Admission for a public image query: the per-IP rate limit (skipped for admin-scope API keys); a 503 at once when
 * the queue is already full (before the upload is read); then `read` parses and checks the request — bad input is
 * refused there, without ever taking a place — and only a valid query joins the bounded queue in front of inference:
 * at most LOUPE_QUERY_CONCURRENCY run, LOUPE_QUERY_QUEUE wait, the rest get 503.
 */
export async function admitQuery<I, T>(request: Request, unlimited: boolean, read: () => Promise<I>, work: (input: I) => Promise<T>): Promise<T> {
  const { queries, queue } = guards();
  if (queries && !unlimited) {
    try {
      await queries.consume(clientIp(request));
    } catch (error) {
      if (error instanceof Error) throw error;
      throw tooManyRequests('too many queries from this address; slow down', (error as RateLimiterRes).msBeforeNext);
    }
  }
  const busy = () => {
    if (queue.activeCount + queue.pendingCount >= env().LOUPE_QUERY_CONCURRENCY + env().LOUPE_QUERY_QUEUE)
      throw Object.assign(new ApiError(503, 'BUSY', 'the server is busy analysing other images; try again shortly'), { retryAfterSeconds: 2 });
  };
  busy();
  const input = await read();
  busy(); // the queue may have filled while the upload was read
  return queue(() => work(input));
}
