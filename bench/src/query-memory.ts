// Peak memory of the server under 4 concurrent worst-case public queries (issue 14): PNGs that are tiny on the wire
// and huge once decoded, sent to POST /api/v1/search at once. Run twice on the built app — without the public pixel
// budget and queue (LOUPE_QUERY_MAX_PIXELS = ingest's 100 MP, 4 analysed at once: the old behaviour) and with the
// defaults (40 MP, 2 at once) — sampling the server's resident memory (itself and its children) every 20 ms.
//   npx tsx bench/src/query-memory.ts        (needs `npm run build -w @loupe/web`; prints JSON)
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { startServer } from '../../apps/web/test/server.ts';

function rssOf(pid: number): number {
  let total = 0;
  const status = (p: number) => readFileSync(`/proc/${p}/status`, 'utf8');
  const kids = (p: number): number[] => {
    try {
      return readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return [];
    }
  };
  for (const p of [pid, ...kids(pid)]) {
    try {
      total += Number(/VmRSS:\s+(\d+)/.exec(status(p))?.[1] ?? 0) * 1024;
    } catch {
      // exited
    }
  }
  return total;
}

async function png(megapixels: number): Promise<Uint8Array> {
  const side = Math.floor(Math.sqrt(megapixels * 1e6));
  return new Uint8Array(await sharp({ create: { width: side, height: side, channels: 3, background: '#808080' } }).png({ compressionLevel: 9 }).toBuffer());
}

async function run(label: string, env: Record<string, string>, image: Uint8Array) {
  const server = await startServer({ LOUPE_DEVICE: 'cpu', LOUPE_QUERY_RATE_PER_MINUTE: '0', ...env });
  const pid = server.process.pid!;
  try {
    // Warm: the model loads on the first query.
    const warm = new FormData();
    warm.set('image', new Blob([readFileSync(new URL('../../tests/fixtures/photos/cat.jpg', import.meta.url))]), 'cat.jpg');
    await (await fetch(`${server.url}/api/v1/search`, { method: 'POST', body: warm })).arrayBuffer();
    const idle = rssOf(pid);
    let peak = idle;
    const timer = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 20);
    const started = performance.now();
    const statuses = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const form = new FormData();
        form.set('image', new Blob([image as BlobPart]), 'big.png');
        const r = await fetch(`${server.url}/api/v1/search`, { method: 'POST', body: form });
        await r.arrayBuffer();
        return r.status;
      }),
    );
    const ms = Math.round(performance.now() - started);
    clearInterval(timer);
    return { label, imageBytes: image.byteLength, statuses, idleMiB: Math.round(idle / 2 ** 20), peakMiB: Math.round(peak / 2 ** 20), ms };
  } finally {
    await server.stop();
  }
}

const hundred = await png(100);
const justUnder = await png(39.9);
const results = [
  await run('no budget (100 MP allowed, 4 at once), 100 MP PNG', { LOUPE_QUERY_MAX_PIXELS: '100000000', LOUPE_QUERY_CONCURRENCY: '4' }, hundred),
  await run('defaults (40 MP, 2 at once), 100 MP PNG', {}, hundred),
  await run('defaults (40 MP, 2 at once), 39.9 MP PNG', {}, justUnder),
];
console.log(JSON.stringify(results, null, 2));
