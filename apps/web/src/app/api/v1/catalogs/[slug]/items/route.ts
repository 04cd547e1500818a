import { randomUUID } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { itemJson, itemLabelJson, jobJson } from '../../../../../../server/api';
import { requireAdmin } from '../../../../../../server/auth';
import { env } from '../../../../../../server/env';
import { badRequest, handle, notFound } from '../../../../../../server/errors';
import { saveMultipartUpload } from '../../../../../../server/http';
import { getLoupe } from '../../../../../../server/loupe';
import { wakeWorker } from '../../../../../../server/worker';

export const dynamic = 'force-dynamic';
type Context = { params: Promise<{ slug: string }> };

const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(48),
  cursor: z.coerce.number().int().positive().optional(),
  classId: z.coerce.number().int().min(0).max(999).optional(),
});

/** A page of the catalog's items (newest ids last), optionally only those whose top class is `classId`. */
export const GET = handle(async (request: Request, { params }: Context) => {
  const { slug } = await params;
  const q = listQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const loupe = await getLoupe();
  const catalog = await loupe.store.catalogs.getBySlug(slug);
  if (!catalog) throw notFound(`no catalog "${slug}"`);
  const page = await loupe.store.items.list({ catalogId: catalog.id, limit: q.limit, cursor: q.cursor ?? null, classId: q.classId, modelId: loupe.modelId });
  const hydrated = await loupe.store.items.getByIds(
    page.items.map((i) => i.id),
    { modelId: loupe.modelId },
  );
  // Under an active classifier head, each item also carries its label (predicted or confirmed).
  const head = await loupe.store.heads.active(catalog.id);
  const labels = head ? await loupe.store.labels.forItems(head.id, hydrated.map((i) => i.id)) : undefined;
  const items = hydrated.map((i) => {
    const l = labels?.get(i.id);
    return { ...itemJson(i, slug), ...(labels ? { label: l ? itemLabelJson(l) : null } : {}) };
  });
  return Response.json({ items, nextCursor: page.nextCursor });
});

/**
 * Uploads images to a catalog (admin): multipart with one or more files in `files` — images, one zip, or one manifest
 * (.jsonl/.csv) together with the images it names. Answers 202 with the job; the worker ingests in the background.
 */
export const POST = handle(async (request: Request, { params }: Context) => {
  await requireAdmin(request);
  const { slug } = await params;
  const e = env();
  const loupe = await getLoupe();
  const uploads = join(resolve(e.LOUPE_DATA_DIR), 'uploads');
  const dir = join(uploads, randomUUID());
  const saved = await saveMultipartUpload(request, dir, e.LOUPE_MAX_UPLOAD_MB * 1024 * 1024);
  if (saved.files.length === 0) {
    await rm(dir, { recursive: true, force: true });
    throw badRequest('no files: send them in the multipart field "files"', 'MISSING_FILES');
  }
  const zips = saved.files.filter((f) => /\.zip$/i.test(f.name));
  const manifests = saved.files.filter((f) => /\.(jsonl|ndjson|csv)$/i.test(f.name));
  let source = dir;
  if (zips.length === 1 && saved.files.length === 1) source = zips[0]!.path;
  else if (manifests.length === 1) {
    // A manifest names its images by their original names: give every file back its own name.
    for (const f of saved.files) await rename(f.path, join(dir, f.name));
    source = join(dir, manifests[0]!.name);
  } else if (zips.length > 0) {
    await rm(dir, { recursive: true, force: true });
    throw badRequest('send one zip file alone, or images (and at most one manifest)');
  }
  const job = await loupe.enqueueIngest(source, { catalog: slug, catalogName: saved.fields.name });
  wakeWorker();
  return Response.json(jobJson(job, slug), { status: 202 });
});
