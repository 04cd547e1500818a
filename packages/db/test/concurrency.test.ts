// Several writer PROCESSES insert and delete while a reader catches up from the change log over and over. The
// reader must end with exactly the database's state: no add or remove may become visible with a sequence below one
// it has already passed (on PostgreSQL that is what the advisory lock around sequence allocation guarantees).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createStore } from '../src/index.ts';
import { providers } from './helpers.ts';

const writerScript = join(fileURLToPath(import.meta.url), '..', 'fixtures', 'writer.ts');
const WRITERS = 3;
const PER_WRITER = 25;
const MODEL = 'concurrency-model';

function runWriter(
  url: string,
  catalogId: number,
  prefix: string,
): Promise<{ sequences: number[]; deleted: number[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', writerScript, url, String(catalogId), prefix, String(PER_WRITER), MODEL],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve(JSON.parse(out) as { sequences: number[]; deleted: number[] });
      else reject(new Error(`writer ${prefix} exited with ${code}: ${err}`));
    });
  });
}

for (const provider of providers) {
  describe(`concurrent writers on ${provider.name}`, { skip: provider.skip }, () => {
    test('processes write at once; a catching-up reader converges on the database', async () => {
      const db = await provider.create();
      const store = await createStore({ databaseUrl: db.url });
      try {
        const catalog = await store.catalogs.create({ slug: 'concurrent' });
        const index = new Map<number, number>(); // itemId → sequence of the add the reader applied
        let S = 0;
        let passes = 0;
        const catchUp = async (): Promise<void> => {
          for await (const batch of store.embeddings.changesAfter({ modelId: MODEL, after: S, batchSize: 25 })) {
            for (const change of batch.changes) {
              assert.ok(change.sequence > S, 'changes arrive in sequence order');
              if (change.op === 'add') index.set(change.itemId, change.sequence);
              else index.delete(change.itemId);
            }
            S = batch.lastSequence;
          }
          passes++;
        };

        let running = true;
        const writers = Promise.all(
          Array.from({ length: WRITERS }, (_, w) => runWriter(db.url, catalog.id, `w${w}`)),
        ).finally(() => {
          running = false;
        });
        while (running) {
          await catchUp();
          await new Promise((r) => setTimeout(r, 5));
        }
        const results = await writers;
        await catchUp();

        const sequences = results.flatMap((r) => r.sequences);
        assert.equal(new Set(sequences).size, WRITERS * PER_WRITER, 'every insert got its own sequence');
        const deleted = results.flatMap((r) => r.deleted);
        const expectedCount = WRITERS * PER_WRITER - deleted.length;
        assert.equal(await store.items.count({ catalogId: catalog.id }), expectedCount);

        const truth = new Map<number, number>();
        for await (const rows of store.embeddings.streamAfter({ modelId: MODEL, after: 0 })) {
          for (const row of rows) truth.set(row.itemId, row.sequence);
        }
        assert.equal(truth.size, expectedCount);
        assert.deepEqual(
          [...index.entries()].sort((a, b) => a[0] - b[0]),
          [...truth.entries()].sort((a, b) => a[0] - b[0]),
          'the reader, caught up incrementally, holds exactly the database state',
        );
        assert.ok(passes > 1, 'the reader caught up while the writers were running');
      } finally {
        await store.close();
        await db.drop();
      }
    });
  });
}
