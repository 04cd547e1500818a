// Upgrading a data directory across a pooling change: vectors stored with average pooling (the default before GeM)
// are not comparable with the server's GeM vectors, so at boot the server reindexes the items in the background and
// they become searchable again without a manual step.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { LoupeClient } from '@loupe/client';
import { openLoupe } from '@loupe/core';
import { checkedFetch } from './contract.ts';
import { startServer, type RunningServer } from './server.ts';

const PHOTOS = fileURLToPath(new URL('../../../tests/fixtures/photos/', import.meta.url));
const FILES = ['cat.jpg', 'espresso.jpg', 'eagle.jpg'];

describe('a data directory indexed with average pooling, served with GeM', () => {
  let server: RunningServer;
  let client: LoupeClient;

  before(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'loupe-web-avg-'));
    const source = mkdtempSync(join(tmpdir(), 'loupe-web-avg-src-'));
    for (const f of FILES) copyFileSync(join(PHOTOS, f), join(source, f));
    const old = await openLoupe({ dataDir, embedding: { device: 'cpu', pooling: 'avg' } });
    try {
      assert.equal((await old.ingest(source, { catalog: 'old' })).added, FILES.length);
    } finally {
      await old.close();
    }
    server = await startServer({ LOUPE_DATA_DIR: dataDir });
    client = new LoupeClient({ baseUrl: server.url, fetch: checkedFetch });
  });
  after(() => server?.stop());

  it('reindexes the items at boot, and they are found with the new vectors', async () => {
    const deadline = Date.now() + 90_000;
    let health = await client.health();
    while ((health.indexed ?? 0) < FILES.length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      health = await client.health();
    }
    assert.deepEqual([health.pooling, health.indexed], ['gem', FILES.length], server.log());
    assert.match(server.log(), /items without a vector of this model/);
    const found = await client.search(new Uint8Array(readFileSync(join(PHOTOS, 'eagle.jpg'))), { k: 1 });
    assert.equal(found.results[0]!.title, 'eagle.jpg');
    assert.ok(found.results[0]!.score > 0.999);
    // the reindexed items carry their ImageNet predictions under the new model too
    assert.equal(found.results[0]!.topClass, 'bald eagle');
  });
});
