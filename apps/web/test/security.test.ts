// Hardening (issue 14), one test per hole, against the built app: cross-site writes, hostile manifests, login
// throttling, back-pressure and the public pixel budget, security headers, refused uploads, and a fuzz of every
// route in the OpenAPI document that must never answer 500. The real model, a real SQLite store, real photos.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { LoupeClient } from '@loupe/client';
import { startServer, type RunningServer } from './server.ts';

const FIXTURES = fileURLToPath(new URL('../../../tests/fixtures/', import.meta.url));
const LOUPE_BIN = fileURLToPath(new URL('../../indexer/bin/loupe.js', import.meta.url));
const photoBytes = (f: string) => new Uint8Array(readFileSync(join(FIXTURES, 'photos', f)));
const photo = (f: string) => ({ data: photoBytes(f), name: f });
const PASSWORD = 'correct horse battery staple';

/** The session cookie a signed-in admin's browser would send. */
async function signIn(url: string): Promise<string> {
  const response = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password: PASSWORD }) });
  assert.equal(response.status, 200);
  return response.headers.get('set-cookie')!.split(';')[0]!;
}

function imageForm(bytes: Uint8Array, fields: Record<string, string> = {}): FormData {
  const form = new FormData();
  form.set('image', new Blob([bytes as BlobPart]), 'query.jpg');
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return form;
}

describe('hardening', () => {
  let server: RunningServer;
  let admin: LoupeClient;
  let adminKey: string;

  before(async () => {
    server = await startServer({ LOUPE_ADMIN_PASSWORD: PASSWORD, LOUPE_LOGIN_ATTEMPTS_PER_IP: '3', LOUPE_QUERY_RATE_PER_MINUTE: '0' });
    admin = new LoupeClient({ baseUrl: server.url });
    await admin.login(PASSWORD);
    adminKey = (await admin.keys.create('fuzz', 'admin')).key;
    const job = await admin.items.upload('base', [photo('cat.jpg'), photo('orange.jpg')]);
    await admin.jobs.wait(job.id, { timeoutMs: 120_000 });
  });
  after(async () => {
    await server?.stop();
  });

  it('a cookie session writes only with proof of origin and a JSON content type; API keys are unaffected', async () => {
    const cookie = await signIn(server.url);
    const own = new URL(server.url).origin;
    const post = (headers: Record<string, string>, body = JSON.stringify({ slug: `c-${Math.random().toString(36).slice(2, 8)}` })) =>
      fetch(`${server.url}/api/v1/catalogs`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', ...headers }, body });
    // A page on another port of the same host is same-site: SameSite=Lax sends the cookie, the Origin gives it away.
    const otherPort = new URL(server.url);
    otherPort.port = String(Number(otherPort.port) + 1);
    assert.equal((await post({ origin: otherPort.origin })).status, 403);
    assert.equal((await post({ origin: 'http://evil.example' })).status, 403);
    assert.equal((await post({ 'sec-fetch-site': 'same-site' })).status, 403);
    assert.equal((await post({})).status, 403, 'no Origin and no Sec-Fetch-Site: no proof');
    assert.equal((await post({ origin: own })).status, 201);
    assert.equal((await post({ 'sec-fetch-site': 'same-origin' })).status, 201);
    // text/plain (a form or fetch without preflight) is not parsed as JSON, even from the right origin.
    assert.equal((await post({ origin: own, 'content-type': 'text/plain' })).status, 415);
    const keyed = await fetch(`${server.url}/api/v1/catalogs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ slug: 'by-key' }),
    });
    assert.equal(keyed.status, 201);
    // A cross-site multipart upload with the cookie is refused before anything is written.
    const form = new FormData();
    form.append('files', new Blob([photoBytes('eagle.jpg') as BlobPart]), 'eagle.jpg');
    const upload = await fetch(`${server.url}/api/v1/catalogs/base/items`, { method: 'POST', headers: { cookie, origin: otherPort.origin }, body: form });
    assert.equal(upload.status, 403);
  });

  it('an uploaded manifest reads only its own upload: other server files are refused per row, without server paths', async () => {
    const rows = ['/etc/passwd', '/proc/self/environ', '../../.session-secret', `${server.dataDir}/.session-secret`, '/dev/zero', 'cat.jpg']
      .map((path) => JSON.stringify({ path }))
      .join('\n');
    const job = await admin.items.upload('manifest', [{ data: new TextEncoder().encode(rows), name: 'm.jsonl' }, photo('cat.jpg')]);
    const done = await admin.jobs.wait(job.id, { timeoutMs: 120_000 });
    assert.equal(done.status, 'done');
    assert.equal(done.added, 1);
    assert.equal(done.failed, 5);
    for (const f of done.failures) {
      assert.match(f.reason ?? '', /refused|no such file/);
      assert.ok(!(f.reason ?? '').includes(server.dataDir), f.reason ?? '');
    }
    // The finished upload is deleted; its image is stored.
    const uploads = join(server.dataDir, 'uploads');
    assert.deepEqual(existsSync(uploads) ? readdirSync(uploads) : [], []);
  });

  it('a refused upload leaves nothing in uploads/ and its message names no server path', async () => {
    const response = await fetch(`${server.url}/api/v1/catalogs/base/items`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}` },
      body: (() => {
        const form = new FormData();
        form.append('files', new Blob(['path,title\n"cat.jpg,unterminated\n']), 'm.csv');
        return form;
      })(),
    });
    assert.ok(response.status >= 400 && response.status < 500, String(response.status));
    const text = await response.text();
    assert.ok(!text.includes(server.dataDir), text);
    const uploads = join(server.dataDir, 'uploads');
    assert.deepEqual(existsSync(uploads) ? readdirSync(uploads) : [], []);
  });

  it('client faults are 4xx: box={bad, an all-zero vector, model/constructor', async () => {
    const box = await fetch(`${server.url}/api/v1/search`, { method: 'POST', body: imageForm(photoBytes('cat.jpg'), { box: '{bad' }) });
    assert.equal(box.status, 422);
    const zero = await fetch(`${server.url}/api/v1/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ vector: new Array(2048).fill(0) }) });
    assert.equal(zero.status, 400);
    assert.equal(((await zero.json()) as { error: { code: string } }).error.code, 'INVALID_QUERY');
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty'])
      assert.equal((await fetch(`${server.url}/api/v1/model/${name}`)).status, 404, name);
  });

  it('a public query over the pixel budget (a 12 KB PNG of 100 MP) is refused before decoding', async () => {
    const png = await sharp({ create: { width: 10_000, height: 10_000, channels: 3, background: '#808080' } }).png({ compressionLevel: 9 }).toBuffer();
    assert.ok(png.byteLength < 1024 * 1024);
    const response = await fetch(`${server.url}/api/v1/search`, { method: 'POST', body: imageForm(new Uint8Array(png)) });
    assert.equal(response.status, 413);
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'IMAGE_TOO_LARGE');
  });

  it('security headers on pages and API responses', async () => {
    for (const path of ['/', '/admin', '/api/v1/health', '/api/v1/nope']) {
      const response = await fetch(server.url + path);
      const csp = response.headers.get('content-security-policy') ?? '';
      assert.match(csp, /frame-ancestors 'none'/, path);
      assert.match(csp, /default-src 'self'/, path);
      assert.match(csp, /'wasm-unsafe-eval'/, path);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff', path);
      assert.equal(response.headers.get('x-frame-options'), 'DENY', path);
      assert.ok(response.headers.get('referrer-policy'), path);
    }
  });

  it('fuzz: hostile values to every route of the OpenAPI document never get a 500; health answers afterwards', async () => {
    const doc = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const hostile = ['constructor', '__proto__', '-1', '0', '1e400', '99999999999999999999', 'NaN', '%00', '..%2F..%2Fetc%2Fpasswd', '%E0%A4%A', 'x'.repeat(3000), "'; DROP TABLE Item;--"];
    const bodies: Array<{ type?: string; body: BodyInit }> = [
      { type: 'application/json', body: '{' },
      { type: 'application/json', body: 'null' },
      { type: 'application/json', body: '[]' },
      { type: 'application/json', body: JSON.stringify({ slug: '__proto__', name: { a: 1 }, k: -1, itemId: 'x', vector: [1, 'a'], password: 'x'.repeat(5000), box: '{bad', catalog: ['a'], scope: 'root', ids: [1e308] }) },
      { type: 'application/json', body: JSON.stringify({ vector: new Array(2048).fill(1e308), itemId: 2 ** 53 }) },
      { type: 'text/plain', body: '{"slug":"plain"}' },
      { type: 'multipart/form-data; boundary=x', body: '--x\r\nContent-Disposition: form-data; name="image"; filename="a.jpg"\r\n\r\nnot an image\r\n--x--' },
      { type: 'multipart/form-data', body: 'garbage' },
      { body: new Uint8Array([0xff, 0xd8, 0xff, 0x00, 0x00]) },
    ];
    const failures: string[] = [];
    let requests = 0;
    for (const [template, methods] of Object.entries(doc.paths)) {
      for (const method of Object.keys(methods).filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))) {
        for (const value of hostile) {
          const path = template.replace(/\{[^}]+\}/g, value);
          for (const auth of [{}, { authorization: `Bearer ${adminKey}` }] as Array<Record<string, string>>) {
            const variants = method === 'get' || method === 'delete' ? [{ body: undefined as BodyInit | undefined, type: undefined as string | undefined }] : bodies;
            for (const v of variants) {
              const headers: Record<string, string> = { ...auth, ...(v.type ? { 'content-type': v.type } : {}) };
              const query = `?k=${encodeURIComponent(value)}&cursor=${encodeURIComponent(value)}&classId=${encodeURIComponent(value)}&limit=${encodeURIComponent(value)}`;
              const response = await fetch(`${server.url}/api/v1${path}${query}`, { method: method.toUpperCase(), headers, body: v.body });
              requests++;
              if (response.status >= 500) failures.push(`${method.toUpperCase()} ${path.slice(0, 80)} (${v.type ?? 'no type'}) → ${response.status} ${(await response.text()).slice(0, 200)}`);
              else await response.arrayBuffer();
            }
          }
        }
      }
    }
    assert.ok(requests > 500, `only ${requests} requests`);
    assert.deepEqual(failures, []);
    assert.equal((await fetch(`${server.url}/api/v1/health`)).status, 200);
  });

  // Last: it locks this address out of signing in.
  it('wrong passwords are throttled per address (429 + Retry-After), then even the right one waits out the lockout', async () => {
    const attempt = (password: string) =>
      fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password }) });
    for (let i = 0; i < 3; i++) assert.equal((await attempt('wrong password')).status, 401);
    const locked = await attempt('wrong password');
    assert.equal(locked.status, 429);
    assert.ok(Number(locked.headers.get('retry-after')) > 60, locked.headers.get('retry-after') ?? 'no Retry-After');
    assert.equal((await attempt(PASSWORD)).status, 429, 'locked out: the right password waits too');
    assert.equal((await fetch(`${server.url}/api/v1/health`)).status, 200);
  });
});

describe('back-pressure', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ LOUPE_ADMIN_PASSWORD: PASSWORD, LOUPE_QUERY_CONCURRENCY: '1', LOUPE_QUERY_QUEUE: '1', LOUPE_QUERY_RATE_PER_MINUTE: '8' });
  });
  after(async () => {
    await server?.stop();
  });

  it('past the bounded queue a query gets 503 + Retry-After at once; past the per-IP rate 429; admin keys are not rate-limited', async () => {
    const bytes = photoBytes('espresso.jpg');
    const search = (headers: Record<string, string> = {}) => fetch(`${server.url}/api/v1/embed`, { method: 'POST', headers, body: imageForm(bytes) });
    // 6 at once: one runs, one waits, the others are turned away.
    const burst = await Promise.all(Array.from({ length: 6 }, () => search()));
    const statuses = burst.map((r) => r.status).sort();
    assert.ok(statuses.includes(200), statuses.join());
    assert.ok(statuses.includes(503), statuses.join());
    assert.ok(statuses.every((s) => s === 200 || s === 503), statuses.join());
    for (const r of burst.filter((x) => x.status === 503)) assert.ok(Number(r.headers.get('retry-after')) >= 1);
    // 6 of 8 used: two more pass, then the rate limit answers.
    const after = [];
    for (let i = 0; i < 3; i++) after.push(await search());
    assert.deepEqual(after.map((r) => r.status), [200, 200, 429]);
    assert.ok(Number(after[2]!.headers.get('retry-after')) >= 1);
    const admin = new LoupeClient({ baseUrl: server.url });
    await admin.login(PASSWORD);
    const { key } = await admin.keys.create('script', 'admin');
    for (let i = 0; i < 3; i++) assert.equal((await search({ authorization: `Bearer ${key}` })).status, 200);
  });
});

describe('admission: input is checked before it waits, and every image query counts', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer({ LOUPE_QUERY_CONCURRENCY: '1', LOUPE_QUERY_QUEUE: '1', LOUPE_QUERY_RATE_PER_MINUTE: '6' });
  });
  after(async () => {
    await server?.stop();
  });

  it('bad uploads are refused for what they are, never taking a place in the queue; /detect is rate-limited too', async () => {
    const text = new Uint8Array(readFileSync(join(FIXTURES, 'bad', 'text.jpg')));
    const post = (path: string, bytes: Uint8Array) => fetch(`${server.url}/api/v1/${path}`, { method: 'POST', body: imageForm(bytes) });
    // One real query and three non-images at once, with one place running and one waiting: the real one gets its
    // answer and each bad one its 415, none a 503 (had they joined the queue before being read, two would be turned away).
    const [good, ...bad] = await Promise.all([post('embed', photoBytes('espresso.jpg')), post('embed', text), post('embed', text), post('embed', text)]);
    assert.equal(good!.status, 200);
    assert.deepEqual(bad.map((r) => r.status), [415, 415, 415]);
    // 4 of 6 used: detect counts like every image query (it runs the detector and the backbone on every crop).
    const detects = [];
    for (let i = 0; i < 3; i++) detects.push((await post('detect', text)).status);
    assert.deepEqual(detects, [415, 415, 429]);
  });
});

describe('server-side sessions and the audit log', () => {
  let server: RunningServer;
  after(async () => {
    await server?.stop();
  });

  it('logout revokes the cookie, `loupe admin sessions --revoke-all` ends every session, a new password refuses old ones', async () => {
    server = await startServer({ LOUPE_ADMIN_PASSWORD: PASSWORD });
    const { dataDir } = server;
    const isAdmin = async (cookie: string) =>
      ((await (await fetch(`${server.url}/api/v1/auth/session`, { headers: { cookie } })).json()) as { admin: boolean }).admin;
    const [a, b] = [await signIn(server.url), await signIn(server.url)];
    assert.ok((await isAdmin(a)) && (await isAdmin(b)));
    const logout = await fetch(`${server.url}/api/v1/auth/logout`, { method: 'POST', headers: { cookie: a, origin: new URL(server.url).origin } });
    assert.equal(logout.status, 200);
    assert.equal(await isAdmin(a), false, 'a copy of the cookie kept after logout is worthless');
    assert.equal(await isAdmin(b), true, 'other sessions go on');
    const cli = await promisify(execFile)(process.execPath, [LOUPE_BIN, 'admin', 'sessions', '--revoke-all', '--data-dir', dataDir, '--json'], {
      env: { ...process.env, DATABASE_URL: '' },
    });
    assert.deepEqual(JSON.parse(cli.stdout), { revoked: 1 });
    assert.equal(await isAdmin(b), false);
    const c = await signIn(server.url);
    assert.equal(await isAdmin(c), true);
    // Wrong password once, for the audit log.
    await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password: 'not it at all' }) });
    const events = (await (await fetch(`${server.url}/api/v1/audit`, { headers: { cookie: c } })).json()) as { events: Array<{ action: string; actor: string; ip: string | null }> };
    const actions = events.events.map((e) => e.action);
    assert.deepEqual(actions.slice(0, 2), ['login-failed', 'login']);
    assert.ok(actions.includes('sessions-revoked'));
    assert.equal(actions.filter((x) => x === 'login').length, 3);
    assert.equal((await fetch(`${server.url}/api/v1/audit`)).status, 401, 'the audit log is for admins');
    // The admin password changes (and the server restarts): sessions made under the old one are refused.
    await server.stop();
    server = await startServer({ LOUPE_ADMIN_PASSWORD: 'a brand new password', LOUPE_DATA_DIR: dataDir });
    assert.equal(await isAdmin(c), false);
  });
});
