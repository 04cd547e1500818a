// Atomic snapshots: a content-addressed data file plus a small JSON manifest written last.
//
//   <path>.json                      manifest: format, version, kind, dim, space, params, count, sequence,
//                                    and { file, bytes, sha256 } of the data file
//   <base>.<sha256[0:16]>.<kind>     data file (hnswlib's own format for 'hnsw', ours for 'exact')
//
// Commit protocol (each step durable before the next):
//   1. write the data to a temp file in the same directory, fsync it, read it back: hash + structural check
//   2. rename it to its content-addressed name, fsync the directory
//   3. write the manifest to a temp file, fsync it, rename over <path>.json, fsync the directory  <- commit point
//   4. delete data files and temp files of this snapshot that the new manifest does not name
// A crash before 3's rename leaves the old manifest naming the old data file, which is still there (old files are
// only deleted in 4). A crash after it leaves the new pair. rename() within one directory is atomic on POSIX, so a
// reader sees either the old or the new manifest, never a torn one; and the manifest's size + SHA-256 catch a data
// file damaged later. One writer per snapshot path.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InvalidArgumentError, SnapshotCorruptError, SnapshotWriteError } from './errors.ts';
import type { IndexKind, Logger, SnapshotInfo, Space } from './types.ts';
import { checkInt } from './vector.ts';

export const FORMAT = 'loupe-vector-index';
export const FORMAT_VERSION = 1;

export interface Manifest {
  format: typeof FORMAT;
  version: typeof FORMAT_VERSION;
  kind: IndexKind;
  space: Space;
  dim: number;
  /** Live vectors. */
  count: number;
  /** HNSW slots in the file including removed (tombstoned) ones; equals count for the exact index. */
  elements: number;
  sequence: number;
  params?: { M: number; efConstruction: number; efSearch: number };
  data: { file: string; bytes: number; sha256: string };
  createdAt: string;
}

export type ManifestBody = Omit<Manifest, 'format' | 'version' | 'data' | 'createdAt'>;

export function manifestPath(path: string): string {
  return `${path}.json`;
}

export function checkSequence(sequence: unknown): number {
  return checkInt('sequence', sequence, 0);
}

/** Streams a file through SHA-256, handing each chunk to `onChunk` (a structural parser) on the way. */
export async function hashFile(
  file: string,
  onChunk?: (chunk: Buffer) => void,
): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  const stream = createReadStream(file, { highWaterMark: 1 << 20 });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
    onChunk?.(chunk);
  }
  return { bytes, sha256: hash.digest('hex') };
}

async function fsyncFile(file: string): Promise<void> {
  const fh = await open(file, 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** fsync a directory so a rename in it is durable. Platforms that cannot open directories (Windows) skip it. */
async function fsyncDir(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, 'r');
  } catch (err) {
    if (isCode(err, 'EISDIR', 'EPERM', 'EACCES')) return;
    throw err;
  }
  try {
    await fh.sync();
  } catch (err) {
    if (!isCode(err, 'EINVAL', 'EBADF', 'EPERM')) throw err;
  } finally {
    await fh.close();
  }
}

function isCode(err: unknown, ...codes: string[]): boolean {
  return typeof err === 'object' && err !== null && codes.includes((err as { code?: string }).code ?? '');
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export interface CommitArgs {
  path: string;
  body: ManifestBody;
  /** Writes the data file at `tmpFile` (not yet synced). */
  writeData: (tmpFile: string) => Promise<void>;
  /** Reads the written file back (hash + structure), throwing if it is not what was meant to be written. */
  verify: (tmpFile: string) => Promise<{ bytes: number; sha256: string }>;
  logger: Logger | undefined;
}

export async function commitSnapshot(args: CommitArgs): Promise<SnapshotInfo> {
  const { path, body, logger } = args;
  if (typeof path !== 'string' || basename(path) === '' || /[\\/]$/.test(path)) {
    throw new InvalidArgumentError(
      `snapshot path must name a file base (e.g. "data/index/main"), got ${JSON.stringify(path)}`,
    );
  }
  const dir = dirname(path);
  const base = basename(path);
  const tmpData = join(dir, `.${base}.${randomUUID()}.tmp`);
  const tmpManifest = join(dir, `.${base}.${randomUUID()}.tmp`);
  const started = performance.now();
  let dataFile: string;
  let written: { bytes: number; sha256: string };
  try {
    await mkdir(dir, { recursive: true });
    await args.writeData(tmpData);
    await fsyncFile(tmpData);
    written = await args.verify(tmpData);
    dataFile = `${base}.${written.sha256.slice(0, 16)}.${body.kind}`;
    await rename(tmpData, join(dir, dataFile));
    await fsyncDir(dir);

    const manifest: Manifest = {
      format: FORMAT,
      version: FORMAT_VERSION,
      ...body,
      data: { file: dataFile, bytes: written.bytes, sha256: written.sha256 },
      createdAt: new Date().toISOString(),
    };
    const fh = await open(tmpManifest, 'w');
    try {
      await fh.writeFile(`${JSON.stringify(manifest, null, 2)}\n`);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmpManifest, manifestPath(path));
    await fsyncDir(dir);
  } catch (err) {
    await unlink(tmpData).catch(() => undefined);
    await unlink(tmpManifest).catch(() => undefined);
    if (err instanceof SnapshotWriteError) throw err;
    throw new SnapshotWriteError(`writing snapshot ${path} failed: ${(err as Error).message}`, { cause: err });
  }

  // Committed. Remove what the new manifest no longer names (failures here only leak disk space).
  try {
    const stale = new RegExp(
      `^(?:${escapeRe(base)}\\.[0-9a-f]{16}\\.(?:hnsw|exact)|\\.${escapeRe(base)}\\.[0-9a-f-]{36}\\.tmp)$`,
    );
    for (const name of await readdir(dir)) {
      if (name !== dataFile && stale.test(name)) await unlink(join(dir, name)).catch(() => undefined);
    }
  } catch (err) {
    logger?.warn?.({ err, path }, 'vector-index: could not clean old snapshot files');
  }

  const info: SnapshotInfo = {
    path,
    manifestFile: manifestPath(path),
    dataFile: join(dir, dataFile),
    kind: body.kind,
    bytes: written.bytes,
    sha256: written.sha256,
    count: body.count,
    sequence: body.sequence,
  };
  logger?.info?.(
    {
      path,
      kind: body.kind,
      count: body.count,
      sequence: body.sequence,
      bytes: written.bytes,
      ms: Math.round(performance.now() - started),
    },
    'vector-index: snapshot saved',
  );
  return info;
}

const isNonNegInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** Reads and validates `<path>.json`. Throws SnapshotCorruptError. */
export async function readManifest(path: string): Promise<Manifest> {
  let text: string;
  try {
    text = await readFile(manifestPath(path), 'utf8');
  } catch (err) {
    if (isCode(err, 'ENOENT', 'ENOTDIR'))
      throw new SnapshotCorruptError('missing', path, 'no manifest (never saved, or deleted)', { cause: err });
    throw new SnapshotCorruptError('format', path, `manifest unreadable: ${(err as Error).message}`, { cause: err });
  }
  let m: Partial<Manifest>;
  try {
    m = JSON.parse(text) as Partial<Manifest>;
  } catch (err) {
    throw new SnapshotCorruptError('format', path, 'manifest is not valid JSON', { cause: err });
  }
  const bad = (what: string): never => {
    throw new SnapshotCorruptError('format', path, `manifest: ${what}`);
  };
  if (m === null || typeof m !== 'object') bad('not an object');
  if (m.format !== FORMAT) bad(`format is ${JSON.stringify(m.format)}, expected "${FORMAT}"`);
  if (m.version !== FORMAT_VERSION)
    bad(`version ${JSON.stringify(m.version)} is not supported (expected ${FORMAT_VERSION})`);
  if (m.kind !== 'hnsw' && m.kind !== 'exact') bad('kind');
  if (m.space !== 'cosine') bad('space');
  if (!isNonNegInt(m.dim) || m.dim < 1) bad('dim');
  if (!isNonNegInt(m.count) || !isNonNegInt(m.elements) || m.count > m.elements) bad('count / elements');
  if (!isNonNegInt(m.sequence)) bad('sequence');
  const d = m.data;
  if (
    !d ||
    typeof d.file !== 'string' ||
    !isNonNegInt(d.bytes) ||
    typeof d.sha256 !== 'string' ||
    !/^[0-9a-f]{64}$/.test(d.sha256)
  )
    bad('data');
  // The data file must be a sibling named by its own hash: no path separators, no way out of the directory.
  const expected = `${basename(path)}.${d!.sha256.slice(0, 16)}.${m.kind}`;
  if (d!.file !== expected) bad(`data file name ${JSON.stringify(d!.file)}, expected ${JSON.stringify(expected)}`);
  if (m.kind === 'hnsw') {
    const p = m.params;
    if (!p || !isNonNegInt(p.M) || !isNonNegInt(p.efConstruction) || !isNonNegInt(p.efSearch) || p.efSearch < 1)
      bad('params');
  }
  return m as Manifest;
}

/** Resolves the data file named by the manifest and checks its size; hashing happens in the caller's read pass. */
export async function dataFileOf(path: string, m: Manifest): Promise<string> {
  const file = join(dirname(path), m.data.file);
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (err) {
    if (isCode(err, 'ENOENT'))
      throw new SnapshotCorruptError('missing', path, `data file ${m.data.file} is missing`, { cause: err });
    throw new SnapshotCorruptError('format', path, `data file unreadable: ${(err as Error).message}`, { cause: err });
  }
  if (size !== m.data.bytes) {
    throw new SnapshotCorruptError('truncated', path, `data file has ${size} bytes, manifest says ${m.data.bytes}`);
  }
  return file;
}

export function checkChecksum(path: string, m: Manifest, actual: { bytes: number; sha256: string }): void {
  if (actual.bytes !== m.data.bytes) {
    throw new SnapshotCorruptError(
      'truncated',
      path,
      `data file has ${actual.bytes} bytes, manifest says ${m.data.bytes}`,
    );
  }
  if (actual.sha256 !== m.data.sha256) {
    throw new SnapshotCorruptError(
      'checksum',
      path,
      `data file SHA-256 ${actual.sha256.slice(0, 16)}… does not match the manifest`,
    );
  }
}
