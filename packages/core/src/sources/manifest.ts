// A manifest: JSON Lines (.jsonl, .ndjson) or CSV (.csv) listing images with their external id, title and metadata.
// Paths are relative to the manifest's folder; a path that resolves (after symbolic links) outside the allowed roots
// — the manifest's folder unless the caller allows more — is refused for that row, as is anything but a regular
// file. Columns other than path/externalId/title go into the item's metadata. A bad row fails that row only.
import { dirname, resolve } from 'node:path';
import { realpath, stat } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import type { JsonObject, JsonValue } from '@loupe/db';
import { InvalidSourceError } from '../errors.ts';
import { confinedPath, readCapped } from './confined.ts';
import { DEFAULT_SOURCE_LIMITS, type IngestSource, type SourceItem, type SourceLimits } from './types.ts';

const ID_KEYS = ['externalId', 'external_id', 'id'];
/** The manifest file itself is read whole; past this it is refused. */
const MAX_MANIFEST_BYTES = 256 * 1024 * 1024;

const row = z
  .object({ path: z.string().min(1, 'path is empty'), title: z.string().optional(), metadata: z.record(z.string(), z.unknown()).optional() })
  .catchall(z.unknown());

type ManifestRow =
  | { line: number; ok: true; path: string; externalId?: string; title?: string; metadata: JsonObject }
  | { line: number; ok: false; key: string; reason: string };

function toRow(raw: unknown, line: number): ManifestRow {
  const parsed = row.safeParse(raw);
  if (!parsed.success) {
    const path = (raw as { path?: unknown } | null)?.path;
    const key = typeof path === 'string' && path !== '' ? path : `line ${line}`;
    return { line, ok: false, key, reason: `line ${line}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'row'}: ${i.message}`).join('; ')}` };
  }
  const { path, title, metadata, ...rest } = parsed.data;
  let externalId: string | undefined;
  const extra: JsonObject = {};
  for (const [key, value] of Object.entries(rest)) {
    if (ID_KEYS.includes(key) && externalId === undefined && value !== undefined && value !== '') externalId = String(value);
    else if (!ID_KEYS.includes(key) && value !== undefined && value !== '') extra[key] = value as JsonValue;
  }
  return { line, ok: true, path, externalId, title: title || undefined, metadata: { ...(metadata as JsonObject | undefined), ...extra } };
}

export async function readManifestRows(file: string): Promise<ManifestRow[]> {
  const name = file.split(/[\\/]/).pop() ?? 'the manifest';
  let text: string;
  try {
    text = Buffer.from(await readCapped(file, MAX_MANIFEST_BYTES)).toString('utf8');
  } catch (error) {
    throw new InvalidSourceError(`cannot read the manifest ${name}: ${(error as Error).message}`, { cause: error });
  }
  let rows: ManifestRow[];
  if (file.toLowerCase().endsWith('.csv')) {
    let records: Record<string, string>[];
    try {
      records = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true });
    } catch (error) {
      throw new InvalidSourceError(`${name}: not valid CSV: ${(error as Error).message}`, { cause: error });
    }
    rows = records.map((r, i) => toRow(r, i + 2));
  } else {
    rows = [];
    text.split('\n').forEach((lineText, i) => {
      if (lineText.trim() === '') return;
      let value: unknown;
      try {
        value = JSON.parse(lineText);
      } catch {
        rows.push({ line: i + 1, ok: false, key: `line ${i + 1}`, reason: `line ${i + 1}: not valid JSON` });
        return;
      }
      rows.push(toRow(value, i + 1));
    });
  }
  // Keys identify rows within the job: a path listed again fails that row, under a key of its own.
  const seen = new Set<string>();
  return rows.map((r) => {
    const key = r.ok ? r.path : r.key;
    if (!seen.has(key)) {
      seen.add(key);
      return r;
    }
    const again = `${key} (line ${r.line})`;
    seen.add(again);
    return { line: r.line, ok: false, key: again, reason: r.ok ? `line ${r.line}: the path ${r.path} is listed twice` : r.reason };
  });
}

export interface ManifestOptions {
  /** Folders (besides the manifest's own) whose files rows may name, e.g. the CLI's `--allow-root`. */
  allowRoots?: readonly string[];
  limits?: Partial<SourceLimits>;
}

export async function manifestSource(file: string, options: ManifestOptions = {}): Promise<IngestSource> {
  const full = resolve(file);
  const info = await stat(full);
  const rows = await readManifestRows(full);
  const maxBytes = options.limits?.maxEntryBytes ?? DEFAULT_SOURCE_LIMITS.maxEntryBytes;
  const roots = await Promise.all([dirname(full), ...(options.allowRoots ?? [])].map((r) => realpath(resolve(r))));
  const base = roots[0]!; // the manifest's folder, symbolic links resolved like every row's path
  return {
    kind: 'manifest',
    identity: `manifest:${full}:${info.size}:${Math.round(info.mtimeMs)}`,
    count: async () => rows.length,
    async *entries(skip): AsyncGenerator<SourceItem> {
      for (const r of rows) {
        if (!r.ok) {
          if (!skip(r.key)) yield { ok: false, key: r.key, reason: r.reason };
          continue;
        }
        if (skip(r.path)) continue;
        yield {
          ok: true,
          key: r.path,
          read: async () => readCapped(await confinedPath(r.path, base, roots), maxBytes),
          ...(r.externalId !== undefined ? { externalId: r.externalId } : {}),
          ...(r.title !== undefined ? { title: r.title } : {}),
          metadata: r.metadata,
        };
      }
    },
  };
}
