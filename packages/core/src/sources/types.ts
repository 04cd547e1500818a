// What ingest reads from: a folder, a zip file or a manifest, each giving entries in a stable order.
import type { JsonObject } from '@loupe/db';

export interface SourceEntry {
  /** Stable key of the entry within its source (relative path); what a resumed job uses to skip it. */
  key: string;
  /** The bytes, read on demand (zip entries are read while the archive is walked). */
  read(): Promise<Uint8Array>;
  externalId?: string;
  title?: string;
  metadata?: JsonObject;
}

/** An entry refused while listing the source (unsafe path, over a size limit): recorded as failed. */
export interface RejectedEntry {
  key: string;
  reason: string;
}

export type SourceItem = ({ ok: true } & SourceEntry) | ({ ok: false } & RejectedEntry);

export interface IngestSource {
  kind: 'folder' | 'zip' | 'manifest';
  /** Identifies the source across runs: the same identity resumes the same unfinished job. */
  identity: string;
  /** How many entries the source will yield (for progress and ETA). */
  count(): Promise<number>;
  /** Entries in a stable order; `skip(key)` true means the caller already has it, so its bytes are not read. */
  entries(skip: (key: string) => boolean): AsyncGenerator<SourceItem>;
}

export interface SourceLimits {
  /** Most entries a zip may hold (default 100 000). */
  maxEntries: number;
  /** Largest uncompressed size of one entry (default 50 MB). */
  maxEntryBytes: number;
  /** Largest total uncompressed size of a zip (default 10 GB). */
  maxTotalBytes: number;
  /** Largest compression ratio of one entry, a zip-bomb guard (default 200). */
  maxCompressionRatio: number;
}

export const DEFAULT_SOURCE_LIMITS: SourceLimits = {
  maxEntries: 100_000,
  maxEntryBytes: 50 * 1024 * 1024,
  maxTotalBytes: 10 * 1024 * 1024 * 1024,
  maxCompressionRatio: 200,
};

/** File name extensions ingest picks up from folders and zips; the real format is still sniffed from the bytes. */
export const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.jpe', '.png', '.webp', '.gif', '.avif', '.tif', '.tiff']);

export function isImageName(name: string): boolean {
  const base = name.split('/').pop() ?? name;
  if (base.startsWith('.')) return false; // hidden files, macOS "._" resource forks
  const dot = base.lastIndexOf('.');
  return dot > 0 && IMAGE_EXTENSIONS.has(base.slice(dot).toLowerCase());
}

/**
 * Documented limits on what one source entry may carry (a manifest row, a zip entry's name). An entry over a limit
 * fails on its own with the reason; the job goes on.
 */
export const ENTRY_LIMITS = {
  /** An entry's key (its path within the source), also stored as the item's source name. */
  maxKeyChars: 1024,
  maxTitleChars: 1000,
  maxExternalIdChars: 1000,
  /** The metadata object as JSON (UTF-8 bytes). */
  maxMetadataBytes: 64 * 1024,
} as const;

/** Why an entry's fields go over ENTRY_LIMITS, or undefined. */
export function entryFieldProblem(entry: { key: string; title?: string; externalId?: string; metadata?: unknown }): string | undefined {
  const l = ENTRY_LIMITS;
  if (entry.key.length > l.maxKeyChars) return `the path has ${entry.key.length} characters; the limit is ${l.maxKeyChars}`;
  if (entry.title !== undefined && entry.title.length > l.maxTitleChars) return `the title has ${entry.title.length} characters; the limit is ${l.maxTitleChars}`;
  if (entry.externalId !== undefined && entry.externalId.length > l.maxExternalIdChars)
    return `the external id has ${entry.externalId.length} characters; the limit is ${l.maxExternalIdChars}`;
  if (entry.metadata !== undefined) {
    const bytes = Buffer.byteLength(JSON.stringify(entry.metadata) ?? '');
    if (bytes > l.maxMetadataBytes) return `the metadata is ${bytes} bytes as JSON; the limit is ${l.maxMetadataBytes}`;
  }
  return undefined;
}
