// A manifest: JSON Lines (.jsonl, .ndjson) or CSV (.csv) listing images with their external id, title and metadata.
// Paths are relative to the manifest's folder (or absolute). Columns other than path/externalId/title go into the
// item's metadata.
import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import type { JsonObject, JsonValue } from '@loupe/db';
import { InvalidSourceError } from '../errors.ts';
import type { IngestSource, SourceItem } from './types.ts';

const ID_KEYS = ['externalId', 'external_id', 'id'];

const row = z
  .object({ path: z.string().min(1, 'path is empty'), title: z.string().optional(), metadata: z.record(z.string(), z.unknown()).optional() })
  .catchall(z.unknown());

interface ManifestRow {
  line: number;
  path: string;
  externalId?: string;
  title?: string;
  metadata: JsonObject;
}

function toRow(raw: unknown, line: number, file: string): ManifestRow {
  const parsed = row.safeParse(raw);
  if (!parsed.success)
    throw new InvalidSourceError(`${file} line ${line}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'row'}: ${i.message}`).join('; ')}`);
  const { path, title, metadata, ...rest } = parsed.data;
  let externalId: string | undefined;
  const extra: JsonObject = {};
  for (const [key, value] of Object.entries(rest)) {
    if (ID_KEYS.includes(key) && externalId === undefined && value !== undefined && value !== '') externalId = String(value);
    else if (!ID_KEYS.includes(key) && value !== undefined && value !== '') extra[key] = value as JsonValue;
  }
  return { line, path, externalId, title: title || undefined, metadata: { ...(metadata as JsonObject | undefined), ...extra } };
}

export async function readManifestRows(file: string): Promise<ManifestRow[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InvalidSourceError(`cannot read the manifest ${file}: ${(error as Error).message}`, { cause: error });
  }
  const lower = file.toLowerCase();
  if (lower.endsWith('.csv')) {
    let records: Record<string, string>[];
    try {
      records = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true });
    } catch (error) {
      throw new InvalidSourceError(`${file}: not valid CSV: ${(error as Error).message}`, { cause: error });
    }
    return records.map((r, i) => toRow(r, i + 2, file));
  }
  const rows: ManifestRow[] = [];
  text.split('\n').forEach((lineText, i) => {
    if (lineText.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(lineText);
    } catch {
      throw new InvalidSourceError(`${file} line ${i + 1}: not valid JSON`);
    }
    rows.push(toRow(value, i + 1, file));
  });
  return rows;
}

export async function manifestSource(file: string): Promise<IngestSource> {
  const full = resolve(file);
  const info = await stat(full);
  const rows = await readManifestRows(full);
  const seen = new Set<string>();
  for (const r of rows) {
    if (seen.has(r.path)) throw new InvalidSourceError(`${file} line ${r.line}: path ${r.path} is listed twice`);
    seen.add(r.path);
  }
  const base = dirname(full);
  return {
    kind: 'manifest',
    identity: `manifest:${full}:${info.size}:${Math.round(info.mtimeMs)}`,
    count: async () => rows.length,
    async *entries(skip): AsyncGenerator<SourceItem> {
      for (const r of rows) {
        if (skip(r.path)) continue;
        const target = isAbsolute(r.path) ? r.path : resolve(base, r.path);
        yield {
          ok: true,
          key: r.path,
          read: async () => {
            try {
              return new Uint8Array(await readFile(target));
            } catch (error) {
              const code = (error as NodeJS.ErrnoException).code;
              throw new InvalidSourceError(code === 'ENOENT' ? `no such file: ${r.path}` : `cannot read ${r.path}: ${code}`);
            }
          },
          ...(r.externalId !== undefined ? { externalId: r.externalId } : {}),
          ...(r.title !== undefined ? { title: r.title } : {}),
          metadata: r.metadata,
        };
      }
    },
  };
}
