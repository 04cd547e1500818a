// The client on its own, against a small HTTP server that records what it receives: requests are formed as the
// API's schemas expect (multipart fields, JSON bodies, query strings, credentials), and errors keep the server's code.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { SearchJson, SearchOptions } from '@loupe/api';
import { LoupeApiError, LoupeClient } from '../src/index.ts';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

describe('LoupeClient', () => {
  let server: Server;
  let base: string;
  const seen: Seen[] = [];
  let reply: (req: Seen) => { status: number; body: unknown; headers?: Record<string, string> } = () => ({ status: 200, body: {} });

  before(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const s = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) };
        seen.push(s);
        const r = reply(s);
        res.writeHead(r.status, { 'content-type': 'application/json', ...r.headers });
        res.end(JSON.stringify(r.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address() as { port: number };
    base = `http://127.0.0.1:${address.port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** The multipart fields of a recorded request, read back with the platform's own parser. */
  const formOf = (s: Seen) => new Response(s.body as BodyInit, { headers: { 'content-type': String(s.headers['content-type']) } }).formData();

  it('sends an image search as multipart whose fields parse with the server\'s schema', async () => {
    const client = new LoupeClient({ baseUrl: `${base}/`, apiKey: 'lk_test' });
    await client.search({ data: new Uint8Array([1, 2, 3]), name: 'q.jpg' }, { k: 5, catalog: 'zoo', exact: true, box: { x0: 1, y0: 2, x1: 30, y1: 40 } });
    const s = seen.at(-1)!;
    assert.deepEqual([s.method, s.url, s.headers.authorization], ['POST', '/api/v1/search', 'Bearer lk_test']);
    const form = await formOf(s);
    const image = form.get('image') as File;
    assert.deepEqual([image.name, [...new Uint8Array(await image.arrayBuffer())]], ['q.jpg', [1, 2, 3]]);
    const fields = Object.fromEntries([...form.entries()].filter(([k]) => k !== 'image'));
    assert.deepEqual(SearchOptions.parse(fields), { k: 5, catalog: 'zoo', exact: true, box: { x0: 1, y0: 2, x1: 30, y1: 40 } });
  });

  it('pages with a cursor alone, and more-like-this as JSON', async () => {
    const client = new LoupeClient({ baseUrl: base });
    await client.searchMore('abc.12', { k: 7 });
    assert.deepEqual(SearchJson.parse(JSON.parse(seen.at(-1)!.body.toString())), { cursor: 'abc.12', k: 7, exact: false });
    assert.equal(seen.at(-1)!.headers['content-type'], 'application/json');
    await client.searchByItem(3, { k: 2 });
    assert.deepEqual(JSON.parse(seen.at(-1)!.body.toString()), { itemId: 3, k: 2 });
    await client.items.list('zoo', { limit: 10, cursor: null, classId: 7 });
    assert.equal(seen.at(-1)!.url, '/api/v1/catalogs/zoo/items?limit=10&classId=7');
  });

  it('keeps the session cookie after login, and turns error bodies into LoupeApiError with the code', async () => {
    const client = new LoupeClient({ baseUrl: base });
    reply = () => ({ status: 200, body: { signedIn: true }, headers: { 'set-cookie': 'loupe_session=abc.def; Path=/; HttpOnly' } });
    await client.login('pw');
    reply = () => ({ status: 404, body: { error: { code: 'NOT_FOUND', message: 'no item 9' } } });
    await assert.rejects(client.items.get(9), (e) => e instanceof LoupeApiError && e.status === 404 && e.code === 'NOT_FOUND' && /no item 9/.test(e.message));
    assert.equal(seen.at(-1)!.headers.cookie, 'loupe_session=abc.def');
    reply = () => ({ status: 502, body: 'bad gateway' });
    await assert.rejects(client.stats(), (e) => e instanceof LoupeApiError && e.status === 502 && e.code === 'HTTP_ERROR');
    reply = () => ({ status: 200, body: {} });
  });

  it('sends a GET once more when the connection drops before an answer, and never repeats a POST', async () => {
    let drops = 0;
    const flaky = createServer((req, res) => {
      if (drops++ === 0) return req.socket.destroy(); // no response at all
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ catalogs: [] }));
    });
    await new Promise<void>((resolve) => flaky.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(flaky.address() as { port: number }).port}`;
    try {
      assert.deepEqual(await new LoupeClient({ baseUrl: url }).catalogs.list(), []);
      assert.equal(drops, 2);
      drops = 0;
      await assert.rejects(new LoupeClient({ baseUrl: url }).catalogs.create('x'), TypeError);
      assert.equal(drops, 1, 'the POST was sent once');
    } finally {
      await new Promise<void>((resolve) => flaky.close(() => resolve()));
    }
  });
});
