import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ItemListQuery } from '@loupe/api';
import { itemJson, jobJson } from '../../../../../../server/api';
import { requireAdmin } from '../../../../../../server/auth';
import { env } from '../../../../../../server/env';
import { badRequest, handle } from '../../../../../../server/errors';
import { saveMultipartUpload } from '../../../../../../server/http';
import { getLoupe } from '../../../../../../server/loupe';
import { wakeWorker } from '../../../../../../server/worker';

export const dynamic = 'force-dynamic';
type Context = { params: Promise<{ slug: string }> };

/** A page of the catalog's items (in id order), optionally only those whose top class is `classId`. */
export const GET = handle(async (request: Request, { params }: Context) => {
  const q = ItemListQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const page = await (await getLoupe()).items.list((await params).slug, q);
  return Response.json({ items: page.items.map(itemJson), nextCursor: page.nextCursor });
});

/**
 * Uploads images to a catalog (admin): multipart with one or more files in `files` — images, one zip, or one manifest
 * (.jsonl/.csv) together with the images it names. Answers 202 with the job; the worker ingests in the background.
 */
export const POST = handle(async (request: Request, { params }: Context) => {
  await requireAdmin(request);
  const { slug } = await params;
  const loupe = await getLoupe();
  // In the shared media store: a worker on another machine (LOUPE_WORKERS=0 here) reads the upload from there.
  const dir = loupe.jobs.newUploadDir();
  const saved = await saveMultipartUpload(request, dir, env().LOUPE_MAX_UPLOAD_MB * 1024 * 1024);
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
  // A refused upload (not a zip, a manifest that is not valid CSV, …) leaves nothing behind.
  const job = await loupe.jobs.enqueueIngest(source, { catalog: slug, catalogName: saved.fields.name }).catch(async (error: unknown) => {
    await rm(dir, { recursive: true, force: true });
    throw error;
  });
  wakeWorker();
  return Response.json(jobJson(job), { status: 202 });
});
