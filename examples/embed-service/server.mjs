#!/usr/bin/env node
// A tiny HTTP service: POST an image's bytes to /embed, get its ImageNet classes and its 2048-d vector back.
//   PORT=8080 HOST=127.0.0.1 node server.mjs
import { createServer } from 'node:http';
import { createEmbedder, EmbeddingError } from '@loupe/embedding';

const MAX_BYTES = 20 * 1024 * 1024;
const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '127.0.0.1';

const embedder = await createEmbedder(); // one model for the whole process; requests share it

function send(response, status, body) {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

async function readBody(request) {
  const chunks = [];
  let size = 0;
  for await (const chunk of request) {
    size += chunk.length;
    if (size > MAX_BYTES) throw Object.assign(new Error(`the upload is over ${MAX_BYTES} bytes`), { status: 413 });
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

const server = createServer(async (request, response) => {
  try {
    if (request.method === 'GET' && request.url === '/health')
      return send(response, 200, { ok: true, ...embedder.info() });
    if (request.method !== 'POST' || request.url !== '/embed')
      return send(response, 404, { error: 'POST the image bytes to /embed' });
    const bytes = await readBody(request);
    if (bytes.length === 0) return send(response, 400, { error: 'empty body: POST the image bytes' });
    const [analysis] = await embedder.analyze([bytes], { topK: 5 });
    const { modelId, dim } = embedder.info();
    send(response, 200, {
      model: modelId,
      dim,
      width: analysis.width,
      height: analysis.height,
      predictions: analysis.predictions,
      vector: Array.from(analysis.vector),
    });
  } catch (err) {
    // Bad images (corrupt, unsupported, too large) are the client's fault and say why; the service keeps serving.
    if (err instanceof EmbeddingError) return send(response, 400, { error: err.message, code: err.code });
    if (err.status) return send(response, err.status, { error: err.message });
    console.error(err);
    send(response, 500, { error: 'internal error' });
  }
});

server.listen(port, host, () => {
  const { port: actual } = server.address();
  console.log(`listening on http://${host}:${actual}`);
});

for (const signal of ['SIGINT', 'SIGTERM'])
  process.once(signal, () => server.close(() => embedder.dispose().then(() => process.exit(0))));
