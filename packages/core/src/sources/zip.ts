// A zip file, streamed entry by entry with yauzl. Hostile archives are expected: entries with absolute paths or
// ".." are refused (zip-slip), as are entries over the size or compression-ratio limits (zip bombs); sizes are
// checked against the central directory before reading and again while inflating (yauzl validates entry sizes).
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { InvalidSourceError, SourceLimitError } from '../errors.ts';
import { DEFAULT_SOURCE_LIMITS, isImageName, type IngestSource, type SourceItem, type SourceLimits } from './types.ts';

function openZip(path: string): Promise<ZipFile> {
  return new Promise((ok, fail) =>
    // decodeStrings off: yauzl would fail the whole archive on one unsafe name; we decode and judge each entry.
    yauzl.open(path, { lazyEntries: true, autoClose: true, validateEntrySizes: true, decodeStrings: false }, (error, zip) =>
      error ? fail(new InvalidSourceError(`${basename(path)} is not a readable zip file: ${error.message}`, { cause: error })) : ok(zip!),
    ),
  );
}

/** Why an entry name is unsafe to treat as a path, or undefined when it is a plain relative path. */
export function unsafeEntryReason(name: string): string | undefined {
  if (name.includes('\\')) return 'unsafe path: contains a backslash';
  if (name.startsWith('/') || /^[a-zA-Z]:/.test(name)) return 'unsafe path: absolute';
  if (name.split('/').some((part) => part === '..')) return 'unsafe path: contains ".." (zip-slip)';
  if (name.includes('\0')) return 'unsafe path: contains a NUL byte';
  return undefined;
}

function readEntry(zip: ZipFile, entry: Entry, limit: number): Promise<Uint8Array> {
  return new Promise((ok, fail) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error || !stream) return fail(error ?? new Error('no stream'));
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) stream.destroy(new Error(`inflates past ${limit} bytes`));
        else chunks.push(chunk);
      });
      stream.on('error', fail);
      stream.on('end', () => ok(new Uint8Array(Buffer.concat(chunks))));
    });
  });
}

export async function zipSource(path: string, limits: Partial<SourceLimits> = {}): Promise<IngestSource> {
  const l = { ...DEFAULT_SOURCE_LIMITS, ...limits };
  const full = resolve(path);
  const info = await stat(full);
  const header = await openZip(full);
  const entryCount = header.entryCount;
  header.close();
  if (entryCount > l.maxEntries) throw new SourceLimitError(`${basename(path)} has ${entryCount} entries; the limit is ${l.maxEntries}`);
  return {
    kind: 'zip',
    identity: `zip:${full}:${info.size}:${Math.round(info.mtimeMs)}`,
    count: async () => entryCount,
    async *entries(skip): AsyncGenerator<SourceItem> {
      const zip = await openZip(full);
      let total = 0;
      const queue: Array<{ entry?: Entry; error?: Error; end?: boolean }> = [];
      let wake: (() => void) | undefined;
      const push = (x: (typeof queue)[number]) => {
        queue.push(x);
        wake?.();
      };
      zip.on('entry', (entry: Entry) => push({ entry }));
      zip.on('end', () => push({ end: true }));
      zip.on('error', (error: Error) => push({ error }));
      zip.readEntry();
      try {
        for (;;) {
          if (queue.length === 0) await new Promise<void>((r) => (wake = r));
          const next = queue.shift()!;
          if (next.error) throw new InvalidSourceError(`${basename(path)}: damaged zip: ${next.error.message}`, { cause: next.error });
          if (next.end) return;
          const entry = next.entry!;
          const key = yauzl.getFileNameLowLevel(
            entry.generalPurposeBitFlag,
            entry.fileName as unknown as Buffer,
            entry.extraFields,
            false,
          );
          const isDir = key.endsWith('/');
          const unsafe = unsafeEntryReason(key);
          if (isDir || skip(key)) {
            // nothing to do: folders, and entries a resumed job already has
          } else if (unsafe) yield { ok: false, key, reason: unsafe };
          else if (isImageName(key)) {
            const size = entry.uncompressedSize;
            const ratio = entry.compressedSize > 0 ? size / entry.compressedSize : size > 0 ? Infinity : 0;
            if (size > l.maxEntryBytes) yield { ok: false, key, reason: `entry too large: ${size} bytes uncompressed (limit ${l.maxEntryBytes})` };
            else if (ratio > l.maxCompressionRatio)
              yield { ok: false, key, reason: `compression ratio ${ratio.toFixed(0)}:1 exceeds ${l.maxCompressionRatio}:1 (zip bomb?)` };
            else {
              total += size;
              if (total > l.maxTotalBytes) throw new SourceLimitError(`${basename(path)} inflates past ${l.maxTotalBytes} bytes in total`);
              let bytes: Uint8Array | undefined;
              let failure: string | undefined;
              try {
                bytes = await readEntry(zip, entry, l.maxEntryBytes);
              } catch (error) {
                failure = `cannot read the zip entry: ${(error as Error).message}`;
              }
              if (bytes) {
                const data = bytes;
                yield { ok: true, key, read: async () => data };
              } else yield { ok: false, key, reason: failure! };
            }
          }
          zip.readEntry();
        }
      } finally {
        zip.close();
      }
    },
  };
}
