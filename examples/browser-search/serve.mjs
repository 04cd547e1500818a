#!/usr/bin/env node
// Serves the page (public/), the model files the bin built (/model/), onnxruntime-web's WebAssembly (/ort/), and
// forwards /api/ to the Loupe server, so the page talks to one origin and needs no CORS.
//   LOUPE_URL=http://127.0.0.1:3000 PORT=5173 node serve.mjs
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const loupe = new URL(process.env.LOUPE_URL ?? 'http://127.0.0.1:3000');
const port = Number(process.env.PORT ?? 5173);
const host = process.env.HOST ?? '127.0.0.1';
const roots = {
  '/model/': join(dirname(require.resolve('@loupe/embedding/package.json')), 'model'),
  '/ort/': dirname(
    require.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm', {
      paths: [dirname(require.resolve('@loupe/embedding/package.json'))],
    }),
  ),
  '/': join(dirname(fileURLToPath(import.meta.url)), 'public'),
};
const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

async function forward(request, response) {
  const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : Readable.toWeb(request);
  const headers = { 'content-type': request.headers['content-type'] ?? '' };
  const upstream = await fetch(new URL(request.url, loupe), { method: request.method, headers, body, duplex: 'half' });
  response.writeHead(upstream.status, {
    'content-type': upstream.headers.get('content-type') ?? 'application/octet-stream',
  });
  response.end(Buffer.from(await upstream.arrayBuffer()));
}

const server = createServer((request, response) => {
  const path = decodeURIComponent(new URL(request.url, 'http://x').pathname);
  if (path.startsWith('/api/')) {
    forward(request, response).catch((err) => {
      response.writeHead(502, { 'content-type': 'text/plain' });
      response.end(`cannot reach Loupe at ${loupe.origin}: ${err.message}`);
    });
    return;
  }
  const prefix = Object.keys(roots).find((p) => path.startsWith(p));
  const file = normalize(join(roots[prefix], path.slice(prefix.length) || 'index.html'));
  if (!file.startsWith(roots[prefix]) || !existsSync(file) || !statSync(file).isFile()) {
    response.writeHead(404, { 'content-type': 'text/plain' });
    return response.end('not found');
  }
  response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(response);
});

server.listen(port, host, () =>
  console.log(`listening on http://${host}:${server.address().port} (Loupe at ${loupe.origin})`),
);
