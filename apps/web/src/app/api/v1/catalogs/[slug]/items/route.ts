import { rm } from 'node:fs/promises';
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
  const job = await loupe.jobs.enqueueUpload(dir, saved.files, { catalog: slug, catalogName: saved.fields.name });
  wakeWorker();
  return Response.json(jobJson(job), { status: 202 });
});
