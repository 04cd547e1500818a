// 2c. Search by object on real photos. The committed photos (tests/fixtures/photos) form a catalog, ingested by Loupe
// with objects on. Each hand-labelled object (boxes.json: labelled by hand, not by the detector) of at least 2% of its
// photo is cut out and pasted, at a random size and place, into another photo of the catalog; the composite is the
// query. Recall@1 of the cut's source item: whole-image search (the composite's vector) against search by object (the
// query object that covers the pasted cut, IoU ≥ 0.3). Also, in the same run: detection time per photo, and ingest
// throughput with objects off and on (the same photos, the same shared embedder).
//   npm run bench -- --quick|--full --only objects
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLoupe } from '@loupe/core';
import { createEmbedder } from '@loupe/embedding';
import { log, median, modeFromArgs, round, writeResult } from './common.ts';
import { catalogPhotos, coveringObject, PASTE_SETTINGS, pastedQueries, pastesPerObject, PHOTOS, type PastedQueryOutcome } from './pastes.ts';

const started = performance.now();
const mode = modeFromArgs();
const photos = catalogPhotos();

const embedder = await createEmbedder({ device: 'cpu' });
const tempDir = () => mkdtempSync(join(tmpdir(), 'loupe-bench-objects-'));

// Ingest throughput, objects off then on (the second is the catalog searched below).
async function ingest(objects: boolean) {
  const loupe = await openLoupe({ dataDir: tempDir(), embedder, objects });
  const summary = await loupe.ingest(PHOTOS, { catalog: 'photos' });
  log(`ingest with objects ${objects ? 'on ' : 'off'}: ${summary.added} photos in ${summary.tookMs} ms`);
  return { loupe, imagesPerSecond: round((summary.added / summary.tookMs) * 1000, 2), ms: summary.tookMs };
}
const off = await ingest(false);
await off.loupe.close();
const on = await ingest(true);
const loupe = on.loupe;

const idOf = new Map<string, number>();
for (const { item } of (await loupe.items.list('photos', { limit: 100 })).items) idOf.set(item.sourceName, item.id);

// Detection time per photo (CenterNet + the fused crop pass), after a warm-up.
await loupe.detect(join(PHOTOS, photos[0]!));
const detectMs: number[] = [];
for (const p of photos) {
  const t0 = performance.now();
  await loupe.detect(join(PHOTOS, p));
  detectMs.push(performance.now() - t0);
}

interface Query extends PastedQueryOutcome {
  objectTop1: boolean;
  objectScore: number | null;
}
const queries: Query[] = [];
for await (const { source, label, background, composite, pasted } of pastedQueries(mode)) {
  const [whole] = await loupe.search([composite], { catalog: 'photos', k: 1 });
  const [byObject] = await loupe.searchByObjects([composite], { catalog: 'photos', k: 1 });
  if (!whole?.ok || !byObject?.ok) throw new Error('a composite query failed');
  const covering = coveringObject(byObject.value.objects, (o) => o.object.box, pasted);
  const hit = covering?.results[0];
  queries.push({
    source,
    label,
    background,
    wholeTop1: whole.value.results[0]?.id === idOf.get(source),
    objectFound: covering !== undefined,
    objectTop1: hit?.id === idOf.get(source),
    objectScore: hit ? round(hit.score, 4) : null,
  });
}
await loupe.close();
await embedder.dispose();

const share = (f: (q: Query) => boolean) => round(queries.filter(f).length / queries.length, 3);
const results = {
  catalogPhotos: photos.length,
  queries: queries.length,
  recallAt1: { wholeImage: share((q) => q.wholeTop1), byObject: share((q) => q.objectTop1) },
  pastedObjectDetected: share((q) => q.objectFound),
  perLabel: [...new Set(queries.map((q) => q.label))].sort().map((label) => {
    const mine = queries.filter((q) => q.label === label);
    return { label, queries: mine.length, wholeImage: mine.filter((q) => q.wholeTop1).length, byObject: mine.filter((q) => q.objectTop1).length };
  }),
  detectMsPerPhoto: { median: round(median(detectMs), 1), min: round(Math.min(...detectMs), 1), max: round(Math.max(...detectMs), 1) },
  ingest: { objectsOff: { imagesPerSecond: off.imagesPerSecond, ms: off.ms }, objectsOn: { imagesPerSecond: on.imagesPerSecond, ms: on.ms } },
  misses: queries.filter((q) => !q.objectTop1).map((q) => ({ source: q.source, label: q.label, background: q.background, detected: q.objectFound })),
};
log(`search by object: recall@1 ${results.recallAt1.byObject} vs whole-image ${results.recallAt1.wholeImage} on ${queries.length} pasted objects`);
log(`detection ${results.detectMsPerPhoto.median} ms/photo (median); ingest ${off.imagesPerSecond} img/s without objects, ${on.imagesPerSecond} with`);
writeResult(mode, 'objects', {
  settings: { pastesPerObject: pastesPerObject(mode), ...PASTE_SETTINGS, device: 'cpu' },
  wallSeconds: round((performance.now() - started) / 1000, 1),
  results,
});
