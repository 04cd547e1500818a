// 7. Hostile traffic during an ingest (issue 14's soak): the built web app with its defaults (per-IP rate limit,
// bounded query queue, pixel budget) takes 8 clients of mixed good and hostile requests for a fixed time while its
// worker ingests an upload. Per request kind: count, status codes, p50/p99; overall: 5xx other than 503 BUSY (must be
// 0), hostile requests answered 2xx (must be 0), connection errors and timeouts, 503 and 429 (counted, not failures),
// the server's RSS (peak, sampled every 250 ms, and final), the ingest's outcome, and /api/v1/health afterwards.
//   npm run bench -- --quick|--full --only soak
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import sharp from 'sharp';
import { benchmarkInternals, openLoupe } from '@loupe/core';
import { log, mib, modeFromArgs, quantile, REPO_ROOT, round, writeResult } from './common.ts';
import { imageBody, MULTIPART, startBuiltServer, treeRss } from './web.ts';

const started = performance.now();
const mode = modeFromArgs();
const quick = mode === 'quick';
const DURATION = quick ? 8 : 60;
const CONNECTIONS = 8;
const RSS_EVERY_MS = 250;
const notes: string[] = [];

const fixtures = join(REPO_ROOT, 'tests', 'fixtures');
const photosDir = join(fixtures, 'photos');
const photos = readdirSync(photosDir)
  .filter((f) => f.endsWith('.jpg'))
  .sort()
  .map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(photosDir, name))) }));
// The upload ingested while the load runs (objects on, the server's default): all 14 photos, or 4 for --quick.
const ingestPhotos = quick ? photos.slice(0, 4) : photos;

// The catalog the searches find: the photos, ingested in-process (objects off: only the whole-image index is searched).
const dataDir = mkdtempSync(join(tmpdir(), 'loupe-bench-soak-'));
{
  const loupe = await openLoupe({ dataDir, embedding: { device: 'cpu' } });
  await loupe.ingest(photosDir, { catalog: 'photos', objects: false });
  const index = await benchmarkInternals(loupe).index();
  await index.catchUp();
  await index.snapshot();
  log(`soak: data directory with ${index.size} items`);
  await loupe.close();
}

// Hostile payloads: the committed bad files (tests/fixtures/bad) and a real 100-megapixel PNG of ~12 KB (valid under
// the ingest limit, over the public query budget: the one that cost ~1.1 GB per request before issue 14).
const bad = (f: string) => new Uint8Array(readFileSync(join(fixtures, 'bad', f)));
const png100mp = new Uint8Array(await sharp({ create: { width: 10_000, height: 10_000, channels: 3, background: '#808080' } }).png({ compressionLevel: 9 }).toBuffer());

const password = `soak-${randomUUID()}`;
const server = await startBuiltServer('soak', { LOUPE_DATA_DIR: dataDir, LOUPE_ADMIN_PASSWORD: password });
const origin = new URL(server.url).origin;
const pid = server.process.pid!;

// An admin session (its cookie is what the cross-site requests carry) and an admin-scope API key: the good clients
// search with it, unlimited by design, so the per-IP rate limit (all clients here are 127.0.0.1) does not turn them
// away; the "public search" kind goes without it and meets the limit.
const login = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password }) });
if (login.status !== 200) throw new Error(`login answered ${login.status}: ${await login.text()}`);
const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
const keyResponse = await fetch(`${server.url}/api/v1/keys`, {
  method: 'POST',
  headers: { cookie, origin, 'content-type': 'application/json' },
  body: JSON.stringify({ name: 'soak', scope: 'admin' }),
});
if (keyResponse.status !== 201) throw new Error(`creating a key answered ${keyResponse.status}: ${await keyResponse.text()}`);
const adminKey = ((await keyResponse.json()) as { key: string }).key;
const asAdmin = { authorization: `Bearer ${adminKey}` };

type Req = { method: 'GET' | 'POST'; path: string; headers: Record<string, string>; body?: Buffer<ArrayBuffer> };
interface Kind {
  name: string;
  what: string;
  hostile: boolean;
  /** Answers that are right for this kind (503 BUSY is always counted apart, never a failure). */
  expected: (status: number) => boolean;
  expectText: string;
  variants: Req[];
  /** Requests of this kind per round of the schedule. */
  weight: number;
}
const search = (file: { name: string; bytes: Uint8Array; type?: string }, headers: Record<string, string>, fields: Record<string, string> = { k: '10' }): Req => ({
  method: 'POST',
  path: '/api/v1/search',
  headers: { ...headers, 'content-type': MULTIPART },
  body: imageBody(file, fields),
});
const is4xx = (s: number) => s >= 400 && s < 500;
const json = (headers: Record<string, string>, path: string, body: string): Req => ({ method: 'POST', path, headers: { ...headers, 'content-type': 'application/json' }, body: Buffer.from(body) });
const KINDS: Kind[] = [
  { name: 'search', what: 'multipart search, a real photo, k = 10, admin key', hostile: false, expected: (s) => s === 200, expectText: '200', variants: photos.map((p) => search(p, asAdmin)), weight: 3 },
  {
    name: 'public search',
    what: 'the same without a key: the per-IP rate limit applies',
    hostile: false,
    expected: (s) => s === 200 || s === 429,
    expectText: '200 or 429',
    variants: photos.map((p) => search(p, {})),
    weight: 1,
  },
  { name: 'truncated JPEG', what: 'a JPEG cut after 400 bytes', hostile: true, expected: is4xx, expectText: '4xx', variants: [search({ name: 'cut.jpg', bytes: bad('truncated.jpg') }, asAdmin)], weight: 1 },
  { name: 'not an image', what: 'a text file named .jpg', hostile: true, expected: is4xx, expectText: '4xx', variants: [search({ name: 'text.jpg', bytes: bad('text.jpg') }, asAdmin)], weight: 1 },
  {
    name: 'declared bomb',
    what: 'a 370-byte PNG declaring 50000 × 50000',
    hostile: true,
    expected: is4xx,
    expectText: '4xx',
    variants: [search({ name: 'bomb.png', bytes: bad('bomb.png'), type: 'image/png' }, asAdmin)],
    weight: 1,
  },
  {
    name: '100 MP PNG',
    what: `a real 10000 × 10000 PNG of ${Math.round(png100mp.byteLength / 1024)} KB (over the public pixel budget)`,
    hostile: true,
    expected: is4xx,
    expectText: '4xx',
    variants: [search({ name: 'big.png', bytes: png100mp, type: 'image/png' }, asAdmin)],
    weight: 1,
  },
  { name: 'huge k', what: 'a real photo with k = 1000000', hostile: true, expected: is4xx, expectText: '4xx', variants: [search(photos[0]!, asAdmin, { k: '1000000' })], weight: 1 },
  {
    name: 'path traversal',
    what: 'GET /api/v1/items/..%2f..%2fetc%2fpasswd (and /image, /thumbnail)',
    hostile: true,
    expected: is4xx,
    expectText: '4xx',
    variants: ['', '/image', '/thumbnail'].map((tail) => ({ method: 'GET' as const, path: `/api/v1/items/..%2f..%2f..%2fetc%2fpasswd${tail}`, headers: asAdmin })),
    weight: 1,
  },
  {
    name: 'cross-site admin POST',
    what: 'create a catalog with the admin cookie and a foreign Origin',
    hostile: true,
    expected: is4xx,
    expectText: '4xx',
    variants: [json({ cookie, origin: 'http://evil.example' }, '/api/v1/catalogs', JSON.stringify({ slug: 'pwned' }))],
    weight: 1,
  },
  { name: 'forged key', what: 'create a catalog with a made-up API key', hostile: true, expected: is4xx, expectText: '4xx', variants: [json({ authorization: 'Bearer loupe_forged0000000000' }, '/api/v1/catalogs', '{"slug":"forged"}')], weight: 1 },
  {
    name: 'JSON garbage',
    what: 'search with a broken or hostile JSON body',
    hostile: true,
    expected: is4xx,
    expectText: '4xx',
    variants: ['{"itemId": [', 'null', JSON.stringify({ vector: new Array(2048).fill(0) }), JSON.stringify({ itemId: '__proto__', k: -1 })].map((b) => json(asAdmin, '/api/v1/search', b)),
    weight: 1,
  },
  { name: 'wrong password', what: 'sign-in with a wrong password', hostile: true, expected: is4xx, expectText: '4xx (401, then 429 locked out)', variants: [json({}, '/api/v1/auth/login', '{"password":"wrong password"}')], weight: 1 },
];

// The schedule every connection cycles through: rounds of every kind by weight, each round the next variant (photo).
const rounds = Math.max(...KINDS.map((k) => k.variants.length));
interface Tally {
  statuses: Map<number, number>;
  latencies: number[];
  busy: number;
  unexpected: number;
}
const tallies = new Map<string, Tally>(KINDS.map((k) => [k.name, { statuses: new Map(), latencies: [], busy: 0, unexpected: 0 }]));
const unexpectedSamples: string[] = [];
const warmUp: Record<string, Record<number, number>> = Object.fromEntries(KINDS.map((k) => [k.name, {}]));
let warmUpUnexpected = 0;
// autocannon calls a request's onResponse and then, synchronously, emits 'response' with its latency: the kind and
// status of the answer being counted pass from one to the other here.
let answered: { kind: Kind; status: number; body: string } | undefined;
const schedule: Array<Req & { onResponse: (status: number, body: string) => void }> = [];
for (let r = 0; r < rounds; r++)
  for (const kind of KINDS)
    for (let w = 0; w < kind.weight; w++) schedule.push({ ...kind.variants[(r * kind.weight + w) % kind.variants.length]!, onResponse: (status, body) => (answered = { kind, status, body }) });

function count(kind: Kind, status: number, body: string, ms: number): void {
  const t = tallies.get(kind.name)!;
  t.statuses.set(status, (t.statuses.get(status) ?? 0) + 1);
  t.latencies.push(ms);
  if (status === 503 && body.includes('"BUSY"')) t.busy++;
  else if (!kind.expected(status)) {
    t.unexpected++;
    if (unexpectedSamples.length < 20) unexpectedSamples.push(`${kind.name} → ${status} ${body.slice(0, 200)}`);
  }
}

// Memory: the server's process tree every 250 ms, from warm-up to the end.
const rssSamples: Array<{ at: number; bytes: number }> = [];
let loadStart = 0;
const sampler = setInterval(() => rssSamples.push({ at: performance.now(), bytes: treeRss(pid) }), RSS_EVERY_MS);

const getJob = async (id: number) =>
  (await (await fetch(`${server.url}/api/v1/jobs/${id}`, { headers: asAdmin })).json()) as { status: string; total: number; added: number; duplicates: number; failed: number; error: string | null };

let ok = true;
let health = 0;
let result: autocannon.Result;
let ingest: { photos: number; status: string; added: number; duplicates: number; failed: number; error: string | null; seconds: number; doneDuringLoad: boolean; storedDuringLoad: number };
let rssBefore = 0;
let rssAtLoadEnd = 0;
let rssFinal = 0;
try {
  // Warm-up: every hostile variant and one good search of each kind, one at a time (Next.js loads a route's code on its first request). The
  // answers are checked like the load's (so a short --quick run still tries every kind) but not timed.
  for (const kind of KINDS)
    for (const r of kind.hostile ? kind.variants : kind.variants.slice(0, 1)) {
      const response = await fetch(server.url + r.path, { method: r.method, headers: r.headers, body: r.body });
      const text = await response.text();
      warmUp[kind.name]![response.status] = (warmUp[kind.name]![response.status] ?? 0) + 1;
      if (!kind.expected(response.status)) {
        warmUpUnexpected++;
        unexpectedSamples.push(`warm-up: ${kind.name} → ${response.status} ${text.slice(0, 200)}`);
      }
    }
  rssBefore = treeRss(pid);

  // The ingest: an upload of the photos to a new catalog, through the API; the server's worker ingests it.
  const form = new FormData();
  for (const p of ingestPhotos) form.append('files', new Blob([p.bytes as BlobPart]), p.name);
  const upload = await fetch(`${server.url}/api/v1/catalogs/soak/items`, { method: 'POST', headers: asAdmin, body: form });
  if (upload.status !== 202) throw new Error(`the upload answered ${upload.status}: ${await upload.text()}`);
  const jobId = ((await upload.json()) as { id: number }).id;
  loadStart = performance.now();
  let ingestDoneAt: number | undefined;
  const ingestFinished = (status: string) => status === 'done' || status === 'failed' || status === 'cancelled';
  const poll = setInterval(() => {
    void getJob(jobId)
      .then((j) => {
        if (ingestDoneAt === undefined && ingestFinished(j.status)) ingestDoneAt = performance.now();
      })
      .catch(() => undefined);
  }, 1000);

  log(`soak: ${CONNECTIONS} clients × ${DURATION} s, ${KINDS.length} kinds of request, while the server ingests ${ingestPhotos.length} photos (job ${jobId})`);
  let connected = 0;
  result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: server.url,
        connections: CONNECTIONS,
        duration: DURATION,
        timeout: 30,
        requests: schedule,
        // each connection starts at its own place in the schedule, so the kinds are mixed from the first second
        setupClient: (client) => {
          const at = Math.round((connected++ * schedule.length) / CONNECTIONS);
          client.setRequests([...schedule.slice(at), ...schedule.slice(0, at)]);
        },
      },
      (error, r) => (error ? reject(error) : resolve(r)),
    );
    instance.on('response', (_client, status, _bytes, ms) => {
      if (answered && answered.status === status) count(answered.kind, status, answered.body, ms);
      answered = undefined;
    });
  });
  const loadSeconds = (performance.now() - loadStart) / 1000;
  rssAtLoadEnd = treeRss(pid);
  clearInterval(poll);
  const atLoadEnd = await getJob(jobId);

  // The ingest goes on to its end (it is part of the run), then the server must still be healthy.
  const deadline = Date.now() + 15 * 60_000;
  let job = atLoadEnd;
  while (!ingestFinished(job.status) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 1000));
    job = await getJob(jobId);
  }
  ingestDoneAt ??= performance.now();
  ingest = {
    photos: ingestPhotos.length,
    status: job.status,
    added: job.added,
    duplicates: job.duplicates,
    failed: job.failed,
    error: job.error,
    seconds: round((ingestDoneAt - loadStart) / 1000, 1),
    doneDuringLoad: (ingestDoneAt - loadStart) / 1000 <= loadSeconds,
    storedDuringLoad: atLoadEnd.added,
  };
  log(
    `soak: ingest ${ingest.status}: ${ingest.added} of ${ingest.photos} photos stored (${ingest.failed} failed), ${ingest.seconds} s after the load began; ` +
      `${ingest.storedDuringLoad} stored while the load ran`,
  );
  if (ingest.status !== 'done' || ingest.added !== ingest.photos) ok = false;
  const h = await fetch(`${server.url}/api/v1/health`);
  health = h.status;
  await h.arrayBuffer();
  if (health !== 200) ok = false;
  await new Promise((r) => setTimeout(r, 2000));
  rssFinal = treeRss(pid);
} finally {
  clearInterval(sampler);
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

/** p50, p99 and max of the answers' latencies (null when a kind got no answer in the time: short --quick runs). */
const percentiles = (ms: number[]) => (ms.length === 0 ? null : { p50: round(quantile(ms, 0.5), 1), p99: round(quantile(ms, 0.99), 1), max: round(Math.max(...ms), 1) });
const kinds = KINDS.map((k) => {
  const t = tallies.get(k.name)!;
  return {
    name: k.name,
    what: k.what,
    hostile: k.hostile,
    expected: k.expectText,
    requests: t.latencies.length,
    statuses: Object.fromEntries([...t.statuses].sort((a, b) => a[0] - b[0])),
    warmUp: warmUp[k.name]!,
    busy503: t.busy,
    unexpected: t.unexpected,
    latencyMs: percentiles(t.latencies),
  };
});
const all = [...tallies.values()];
const statusesOf = (pred: (s: number) => boolean, which = all) => which.reduce((a, t) => a + [...t.statuses].filter(([s]) => pred(s)).reduce((b, [, n]) => b + n, 0), 0);
const hostileTallies = KINDS.filter((k) => k.hostile).map((k) => tallies.get(k.name)!);
const busy = all.reduce((a, t) => a + t.busy, 0);
const latencies = all.flatMap((t) => t.latencies);
const overall = {
  requests: latencies.length,
  throughputRps: round(latencies.length / DURATION, 1),
  latencyMs: percentiles(latencies),
  serverErrors: statusesOf((s) => s >= 500) - busy,
  busy503: busy,
  rateLimited429: statusesOf((s) => s === 429),
  hostileAnswered2xx: statusesOf((s) => s >= 200 && s < 300, hostileTallies),
  unexpected: all.reduce((a, t) => a + t.unexpected, 0),
  connectionErrors: result.errors - result.timeouts,
  timeouts: result.timeouts,
  uncounted: result.requests.total - latencies.length,
};
if (overall.serverErrors > 0 || overall.unexpected > 0 || overall.connectionErrors > 0 || warmUpUnexpected > 0) ok = false;

// Memory over time, the peak of each second since the load began (negative: the warm-up), for the chart.
const timeline: Array<{ second: number; rssMiB: number }> = [];
for (const s of rssSamples) {
  const second = Math.floor((s.at - loadStart) / 1000);
  const last = timeline[timeline.length - 1];
  if (last?.second === second) last.rssMiB = Math.max(last.rssMiB, mib(s.bytes));
  else timeline.push({ second, rssMiB: mib(s.bytes) });
}
const peak = Math.max(rssBefore, rssAtLoadEnd, rssFinal, ...rssSamples.map((s) => s.bytes));

for (const k of kinds)
  log(
    `soak ${k.name.padEnd(22)} ${String(k.requests).padStart(6)} requests  ${Object.entries(k.statuses)
      .map(([s, n]) => `${s}×${n}`)
      .join(' ')} (warm-up ${Object.entries(k.warmUp)
      .map(([s, n]) => `${s}×${n}`)
      .join(' ')})  p50 ${k.latencyMs?.p50 ?? '—'} ms  p99 ${k.latencyMs?.p99 ?? '—'} ms${k.unexpected ? `  UNEXPECTED ${k.unexpected}` : ''}`,
  );
log(
  `soak overall: ${overall.requests} requests (${overall.throughputRps}/s), p50 ${overall.latencyMs?.p50 ?? '—'} ms, p99 ${overall.latencyMs?.p99 ?? '—'} ms; 5xx other than 503 BUSY ${overall.serverErrors}, ` +
    `hostile answered 2xx ${overall.hostileAnswered2xx}, unexpected ${overall.unexpected}, 503 BUSY ${overall.busy503}, 429 ${overall.rateLimited429}, ` +
    `connection errors ${overall.connectionErrors}, timeouts ${overall.timeouts}`,
);
log(`soak server RSS: ${mib(rssBefore)} MiB after warm-up, peak ${mib(peak)} MiB, ${mib(rssAtLoadEnd)} at the end of the load, final ${mib(rssFinal)} MiB; health after: ${health}`);
for (const u of unexpectedSamples) log(`  unexpected: ${u}`);

notes.push('every client is 127.0.0.1: the good searches carry an admin-scope API key (not rate-limited by design); "public search" goes without and meets the per-IP limit (429, counted, not a failure)');
notes.push('the hostile image queries also carry the admin key, so the rate limit does not shield the decoder from them');
notes.push('autocannon cycles every connection through the same schedule; latencies are per answer, as autocannon times them; client, server and the ingest share the machine’s 2 cores');
const path = writeResult(mode, 'soak', {
  settings: {
    server: 'next start on 127.0.0.1 (apps/web/test/server.ts) with its defaults: per-IP query rate limit, bounded query queue, public pixel budget; an admin password set',
    catalog: { items: photos.length, objects: false },
    ingest: { photos: ingestPhotos.length, via: 'POST /api/v1/catalogs/soak/items (multipart), the server’s worker, objects on' },
    durationSeconds: DURATION,
    connections: CONNECTIONS,
    rssSampleMs: RSS_EVERY_MS,
    tool: 'autocannon',
    kinds: KINDS.map((k) => ({ name: k.name, what: k.what, hostile: k.hostile, perRound: k.weight, expected: k.expectText })),
    goal: 'no 5xx other than 503 BUSY, every hostile request a 4xx, no connection errors, the ingest done, health 200 afterwards',
  },
  notes,
  wallSeconds: round((performance.now() - started) / 1000),
  results: {
    ok,
    kinds,
    overall,
    ingest: ingest!,
    healthAfter: health,
    serverRssMiB: { beforeLoad: mib(rssBefore), peak: mib(peak), atLoadEnd: mib(rssAtLoadEnd), final: mib(rssFinal) },
    rssTimeline: timeline,
    warmUpUnexpected,
    unexpectedSamples,
  },
});
log(`soak: ${ok ? 'ok' : 'FAILED'}; wrote ${path}`);
if (!ok) process.exitCode = 1;
