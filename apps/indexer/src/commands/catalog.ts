// loupe catalogs | ingest | search | items | stats | reindex — the catalog commands, on @loupe/core.
import { CATALOG_OBJECTS, MATCHES, openLoupe, type Catalog, type CatalogObjects, type Loupe, type Match, type SearchResult } from '@loupe/core';
import type { Device, Precision } from '@loupe/embedding';
import { Option, type Command } from 'commander';
import { resolve } from 'node:path';
import { EXIT, type CliContext } from '../context.ts';
import { deviceOption, parsePositiveInt, parseScore, parseWholeNumber, precisionOption, WORKERS_FLAG } from '../options.ts';
import { createProgressView } from '../progress.ts';

export interface StoreFlags {
  dataDir?: string;
  databaseUrl?: string;
  device?: Device;
  precision?: Precision;
  threads?: number;
  workers?: number;
  batchSize?: number;
  json?: boolean;
}

export async function withLoupe<T>(ctx: CliContext, flags: StoreFlags, work: (loupe: Loupe) => Promise<T>): Promise<T> {
  const loupe = await openLoupe({
    dataDir: resolve(flags.dataDir ?? ctx.env.LOUPE_DATA_DIR),
    mediaDir: resolve(ctx.env.LOUPE_MEDIA_DIR ?? flags.dataDir ?? ctx.env.LOUPE_DATA_DIR),
    databaseUrl: flags.databaseUrl ?? ctx.env.DATABASE_URL,
    embedding: {
      device: flags.device ?? ctx.env.LOUPE_DEVICE,
      threads: flags.threads ?? ctx.env.LOUPE_THREADS,
      workers: flags.workers ?? ctx.env.LOUPE_INFERENCE_WORKERS,
      batchSize: flags.batchSize,
      pooling: ctx.env.LOUPE_POOLING,
      precision: flags.precision ?? ctx.env.LOUPE_PRECISION,
    },
    objects: ctx.env.LOUPE_OBJECTS === 'on',
    logger: ctx.logger,
  });
  try {
    return await work(loupe);
  } finally {
    await loupe.close();
  }
}

export function storeOptions(command: Command): Command {
  return command
    .option('--data-dir <dir>', 'data directory (default LOUPE_DATA_DIR, else ./data)')
    .option('--database-url <url>', 'database (default DATABASE_URL, else SQLite in the data directory)')
    .option('--json', 'machine-readable output');
}

export function modelOptions(command: Command): Command {
  return storeOptions(command)
    .addOption(deviceOption())
    .addOption(precisionOption())
    .option('--threads <n>', 'ONNX Runtime intra-op threads', parsePositiveInt)
    .option(...WORKERS_FLAG, parseWholeNumber)
    .option('--batch-size <n>', 'images per forward pass', parsePositiveInt);
}

const objectsOption = () =>
  new Option('--objects <what>', 'what ingest finds in its items besides their class: objects (boxes), objects with masks (slower), or nothing').choices(CATALOG_OBJECTS);
const FINDS: Record<CatalogObjects, string> = { boxes: 'objects', masks: 'objects with masks', off: 'no objects' };
const catalogJson = (c: Catalog) => JSON.stringify({ id: c.id, slug: c.slug, name: c.name, objects: c.objects });

export function registerCatalogCommands(program: Command, ctx: () => CliContext): void {
  const catalogs = program.command('catalogs').description('create, change and list catalogs');
  storeOptions(catalogs.command('create').argument('<slug>').option('--name <name>', 'display name').addOption(objectsOption().default('boxes')))
    .description('create a catalog (slug: lowercase letters, digits, dashes)')
    .action(async (slug: string, flags: StoreFlags & { name?: string; objects: CatalogObjects }) => {
      const c = ctx();
      await withLoupe(c, flags, async (loupe) => {
        const catalog = await loupe.catalogs.create(slug, { ...(flags.name ? { name: flags.name } : {}), objects: flags.objects });
        c.out(flags.json ? catalogJson(catalog) : `created catalog ${catalog.slug} (${catalog.name}); ingest finds ${FINDS[catalog.objects]}`);
      });
    });
  storeOptions(catalogs.command('set').argument('<slug>').option('--name <name>', 'new display name').addOption(objectsOption()))
    .description("rename a catalog or change what ingest finds in its items (applies to items added or reindexed from now on)")
    .action(async (slug: string, flags: StoreFlags & { name?: string; objects?: CatalogObjects }) => {
      const c = ctx();
      if (flags.name === undefined && flags.objects === undefined) {
        c.err('nothing to change: give --name and/or --objects');
        c.setExitCode(EXIT.usage);
        return;
      }
      await withLoupe(c, flags, async (loupe) => {
        const catalog = await loupe.catalogs.update(slug, { ...(flags.name === undefined ? {} : { name: flags.name }), ...(flags.objects ? { objects: flags.objects } : {}) });
        c.out(flags.json ? catalogJson(catalog) : `catalog ${catalog.slug} (${catalog.name}): ingest finds ${FINDS[catalog.objects]}`);
      });
    });
  storeOptions(catalogs.command('list'))
    .description('list catalogs with their item counts')
    .action(async (flags: StoreFlags) => {
      const c = ctx();
      await withLoupe(c, flags, async (loupe) => {
        const list = await loupe.catalogs.list();
        if (flags.json) for (const x of list) c.out(JSON.stringify({ id: x.id, slug: x.slug, name: x.name, objects: x.objects, items: x.itemCount }));
        else if (list.length === 0) c.out('no catalogs yet: `loupe ingest <folder|zip|manifest> --catalog <slug>` creates one');
        else for (const x of list) c.out(`${x.slug.padEnd(24)} ${String(x.itemCount).padStart(7)} items  ${FINDS[x.objects].padEnd(18)}  ${x.name}`);
      });
    });

  modelOptions(program.command('ingest'))
    .description('add a folder, zip file or manifest (.jsonl/.csv) of images to a catalog; resumes an interrupted run')
    .argument('<source>', 'folder, zip file, or manifest')
    .requiredOption('--catalog <slug>', 'target catalog (created if missing)')
    .option('--progress-every <ms>', 'plain progress line interval when not on a terminal', (v) => Number(v), 2000)
    .option(
      '--allow-root <dir>',
      "a folder (besides the manifest's own) whose files a manifest's rows may name; repeatable",
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    )
    .option('--enqueue', 'queue the ingest as a job for `loupe worker` (or the web server) and return at once')
    .option('--no-objects', 'skip object detection (no search by object for these items until `loupe reindex`)')
    .action(async (source: string, flags: StoreFlags & { catalog: string; progressEvery: number; allowRoot: string[]; enqueue?: boolean; objects: boolean }) => {
      const c = ctx();
      if (flags.enqueue) {
        await withLoupe(c, flags, async (loupe) => {
          // The source is copied into the shared media store first: the worker that runs the job may be elsewhere.
          const { job, rejected } = await loupe.jobs.enqueueStagedIngest(source, { catalog: flags.catalog, allowRoots: flags.allowRoot });
          for (const r of rejected) c.err(`${r.key}: ${r.reason} (not queued)`);
          if (rejected.length > 0) c.setExitCode(EXIT.someFailed);
          // Duplicates (and unreadable images) are found by the worker that runs it: `loupe jobs show <job>` counts them.
          const failed = job.filesFailed + rejected.length;
          if (flags.json) c.out(JSON.stringify({ job: job.id, queued: job.filesSeen, duplicates: job.filesDuplicate, failed }));
          else
            c.out(
              `queued job ${job.id}: ${job.filesSeen} files copied into the media store for ${flags.catalog}${failed > 0 ? ` (${failed} refused)` : ''}${job.status !== 'queued' ? ` (already ${job.status})` : ''}; \`loupe jobs show ${job.id}\` follows it`,
            );
        });
        return;
      }
      const controller = new AbortController();
      const onSignal = () => {
        c.err('interrupted: finishing the current batch; run the same command again to resume');
        controller.abort();
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      // With --json, stdout carries only the summary; progress goes to stderr as plain lines.
      const view = createProgressView('ingest', { plainIntervalMs: flags.progressEvery, plain: flags.json });
      try {
        const summary = await withLoupe(c, flags, (loupe) =>
          loupe.ingest(source, {
            catalog: flags.catalog,
            allowRoots: flags.allowRoot,
            objects: flags.objects,
            signal: controller.signal,
            onProgress: (p) => view.update(p.done, p.total, `${p.added} added, ${p.duplicates} duplicates, ${p.failed} failed`),
          }),
        );
        view.stop();
        if (flags.json)
          c.out(JSON.stringify({ job: summary.job, added: summary.added, duplicates: summary.duplicates, failed: summary.failed, tookMs: summary.tookMs, stagesMs: summary.stagesMs }));
        else {
          c.out(
            `${summary.interrupted ? 'interrupted' : 'done'}: job ${summary.job}${summary.resumed ? ' (resumed)' : ''} into ${summary.catalog} — ` +
              `${summary.added} added, ${summary.duplicates} duplicates, ${summary.failed.length} failed in ${(summary.tookMs / 1000).toFixed(1)} s`,
          );
          for (const f of summary.failed) c.out(`  failed: ${f.file}: ${f.reason}`);
        }
        if (summary.failed.length > 0 || summary.interrupted) c.setExitCode(EXIT.someFailed);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });

  modelOptions(program.command('search'))
    .description('find the catalog items most similar to each query image')
    .argument('<image...>')
    .option('--catalog <slug>', 'search only this catalog')
    .option('--k <n>', 'how many results', parsePositiveInt, 10)
    .option('--min-score <s>', 'drop results below this cosine similarity', parseScore)
    .addOption(new Option('--min-match <m>', 'drop results weaker than this match: same (near-duplicates), similar, weak (all)').choices([...MATCHES]))
    .option('--exact', 'brute-force search instead of HNSW')
    .option('--label <label>', "only items with this label under the catalog's active head (needs --catalog)")
    .option('--objects', 'search by object: detect each query’s objects and find the items holding similar ones (one result per item, with the matched object as "region")')
    .action(async (images: string[], flags: StoreFlags & { catalog?: string; k: number; minScore?: number; minMatch?: Match; exact?: boolean; label?: string; objects?: boolean }) => {
      const c = ctx();
      await withLoupe(c, flags, async (loupe) => {
        if (flags.objects) return searchObjects(c, loupe, images, flags);
        const responses = await loupe.search(images, searchOptions(flags));
        for (const r of responses) {
          const query = images[r.index]!;
          if (!r.ok) {
            c.err(`${query}: ${r.error.message}`);
            c.setExitCode(EXIT.someFailed);
            continue;
          }
          const results = r.value.results.map((x) => ({
            ...resultRow(x),
            // With a catalog that has an active head: the item's label under it.
            ...(x.label !== undefined ? { label: x.label ? { label: x.label.label, score: Number(x.label.score.toFixed(4)), source: x.label.source } : null } : {}),
          }));
          const head = r.value.query?.head;
          if (flags.json) c.out(JSON.stringify({ query, ...(head ? { head: { version: head.version, field: head.labelField, label: head.predictions[0]?.label ?? null, score: Number((head.predictions[0]?.score ?? 0).toFixed(4)) } } : {}), results, tookMs: r.value.tookMs }));
          else {
            const top = r.value.query?.predictions[0];
            c.out(`${query}${top ? `  (${top.label} ${(top.score * 100).toFixed(0)}%)` : ''}  ${r.value.tookMs} ms`);
            if (results.length === 0) c.out('  no results');
            if (head?.predictions[0]) c.out(`  ${flags.catalog}: ${head.predictions[0].label} ${(head.predictions[0].score * 100).toFixed(0)}%`);
            results.forEach((x, i) =>
              c.out(`  ${String(i + 1).padStart(2)}. ${x.match.padEnd(7)} ${x.score.toFixed(3)}  #${x.id}  ${x.file}${x.title !== x.file.split('/').pop() ? `  “${x.title}”` : ''}${x.label ? `  [${x.label.label}${x.label.source === 'predicted' ? '?' : ''}]` : ''}  ${whereText(x)}`),
            );
          }
        }
      });
    });

  const items = program.command('items').description('manage catalog items');
  storeOptions(items.command('rm').argument('<id...>'))
    .description('delete items (and their embeddings; the index follows)')
    .action(async (ids: string[], flags: StoreFlags) => {
      const c = ctx();
      const numbers = ids.map((id) => {
        const n = Number(id);
        if (!Number.isInteger(n) || n < 1) throw new Error(`not an item id: ${id}`);
        return n;
      });
      await withLoupe(c, flags, async (loupe) => {
        const { deleted } = await loupe.removeItems(numbers);
        c.out(flags.json ? JSON.stringify({ deleted }) : `deleted ${deleted} of ${numbers.length} items`);
        if (deleted < numbers.length) c.setExitCode(EXIT.someFailed);
      });
    });

  modelOptions(program.command('stats'))
    .description('counts, index size, model and execution provider')
    .action(async (flags: StoreFlags) => {
      const c = ctx();
      await withLoupe(c, flags, async (loupe) => {
        const s = await loupe.stats();
        if (flags.json) c.out(JSON.stringify({ catalogs: s.catalogs, items: s.items, indexed: s.indexed, model: s.model, pooling: s.pooling, precision: s.precision, provider: s.provider, inferenceWorkers: s.inferenceWorkers }));
        else {
          // Items without a vector of this model (e.g. after LOUPE_POOLING changed) are not searchable until reindexed.
          const missing = s.items - s.indexed;
          c.out(
            [
              `catalogs  ${s.catalogs}`,
              `items     ${s.items}`,
              `indexed   ${s.indexed}${missing > 0 ? ` (${missing} without a vector of this model: run \`loupe reindex\`)` : ''}`,
              `model     ${s.model}`,
              `pooling   ${s.pooling}`,
              `precision ${s.precision}`,
              `provider  ${s.provider}${s.inferenceWorkers ? ` (${s.inferenceWorkers} inference workers)` : ''}`,
              `database  ${s.database}`,
            ].join('\n'),
          );
        }
      });
    });

  modelOptions(program.command('reindex'))
    .description('compute the active model’s embeddings for items that lack them')
    .option('--catalog <slug>', 'only this catalog')
    .option('--all', 'recompute every item, not only those missing an embedding')
    .action(async (flags: StoreFlags & { catalog?: string; all?: boolean }) => {
      const c = ctx();
      const view = flags.json ? undefined : createProgressView('reindex');
      await withLoupe(c, flags, async (loupe) => {
        const r = await loupe.reindex({ catalog: flags.catalog, all: flags.all, onProgress: (done, total) => view?.update(done, total, '') });
        view?.stop();
        c.out(
          flags.json
            ? JSON.stringify({ reindexed: r.reindexed, objects: r.objects, failed: r.failed, model: loupe.modelId })
            : `reindexed ${r.reindexed} items for ${loupe.modelId}; detected the objects of ${r.objects}`,
        );
        for (const f of r.failed) c.err(`item ${f.id}: ${f.reason}`);
        if (r.failed.length > 0) c.setExitCode(EXIT.someFailed);
      });
    });
}

type SearchFlags = { catalog?: string; k: number; minScore?: number; minMatch?: Match; exact?: boolean; label?: string };
const searchOptions = (f: SearchFlags) => ({ catalog: f.catalog, k: f.k, minScore: f.minScore, minMatch: f.minMatch, exact: f.exact, label: f.label });

/**
 * A search result as the CLI prints it (search and search --objects alike); across catalogs, the same image's items
 * in the other catalogs as `alsoIn` (absent when none).
 */
function resultRow(x: SearchResult) {
  return {
    id: x.id,
    externalId: x.item.externalId,
    title: x.item.title,
    file: x.item.sourceName,
    catalog: x.catalog,
    score: Number(x.score.toFixed(4)),
    match: x.match,
    ...(x.alsoIn ? { alsoIn: x.alsoIn.map((c) => ({ id: c.id, catalog: c.catalog, externalId: c.externalId, title: c.title })) } : {}),
  };
}

/** "in shop, also in archive #12" — where a text row's image is. */
const whereText = (x: ReturnType<typeof resultRow>) => `in ${x.catalog}${x.alsoIn ? `, also in ${x.alsoIn.map((c) => `${c.catalog} #${c.id}`).join(', ')}` : ''}`;

/** `search --objects`: one JSON line per query object, `{file, object, results}`; text lists each object's matches. */
async function searchObjects(
  c: CliContext,
  loupe: Loupe,
  images: string[],
  flags: SearchFlags & { json?: boolean },
): Promise<void> {
  const responses = await loupe.searchByObjects(images, searchOptions(flags));
  const round = (v: number) => Number(v.toFixed(1));
  for (const r of responses) {
    const file = images[r.index]!;
    if (!r.ok) {
      c.err(`${file}: ${r.error.message}`);
      c.setExitCode(EXIT.someFailed);
      continue;
    }
    if (!flags.json) c.out(`${file}  ${r.value.objects.length} object${r.value.objects.length === 1 ? '' : 's'}  ${r.value.tookMs} ms`);
    for (const { object, results } of r.value.objects) {
      const box = { x0: round(object.box.x0), y0: round(object.box.y0), x1: round(object.box.x1), y1: round(object.box.y1) };
      const rows = results.map((x) => ({
        ...resultRow(x),
        region: { x0: round(x.region.x0), y0: round(x.region.y0), x1: round(x.region.x1), y1: round(x.region.y1), label: x.region.label },
      }));
      if (flags.json) c.out(JSON.stringify({ file, object: { label: object.label, score: Number(object.score.toFixed(4)), box }, results: rows }));
      else {
        c.out(`  ${object.label} ${(object.score * 100).toFixed(0)}%  [${box.x0}, ${box.y0}, ${box.x1}, ${box.y1}]`);
        if (rows.length === 0) c.out('    no results');
        rows.forEach((x, i) => c.out(`    ${String(i + 1).padStart(2)}. ${x.match.padEnd(7)} ${x.score.toFixed(3)}  #${x.id}  ${x.file}  ${x.region.label} [${x.region.x0}, ${x.region.y0}, ${x.region.x1}, ${x.region.y1}]  ${whereText(x)}`));
      }
    }
  }
}
