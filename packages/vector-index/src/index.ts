// @loupe/vector-index — the public surface. Nothing else in src/ is imported by other packages.
import { SnapshotCorruptError } from './errors.ts';
import { loadExactSnapshot } from './exact.ts';
import { loadHnswSnapshot } from './hnsw.ts';
import { dataFileOf, manifestPath, readManifest } from './snapshot.ts';
import type { LoadedIndex, LoadOptions, SnapshotInfo } from './types.ts';
import { checkInt } from './vector.ts';

// Indexes
export { createVectorIndex, HNSW_DEFAULTS } from './hnsw.ts';
export { createExactIndex } from './exact.ts';

// Errors
export {
  DuplicateIdError,
  IndexClosedError,
  InvalidArgumentError,
  InvalidVectorError,
  SnapshotCorruptError,
  SnapshotWriteError,
  VectorIndexError,
} from './errors.ts';
export type { SnapshotCorruptReason, VectorIndexErrorCode } from './errors.ts';

// Types
export type {
  ExactIndexOptions,
  HnswIndexOptions,
  IndexKind,
  IndexStats,
  LoadedIndex,
  LoadOptions,
  Logger,
  SaveOptions,
  SearchHit,
  SearchOptions,
  SnapshotInfo,
  Space,
  VectorIndex,
  VectorLike,
} from './types.ts';

/**
 * Loads a snapshot written by `index.save(path, { sequence })`, of either kind, after checking the manifest, the
 * data file's size, SHA-256 and structure, and the expected dimension. Any problem is a SnapshotCorruptError
 * (see its `reason`); the caller then rebuilds the index from the database.
 */
export async function loadVectorIndex(path: string, options: LoadOptions): Promise<LoadedIndex> {
  const dim = checkInt('dim', options?.dim, 1, 1 << 16);
  const m = await readManifest(path);
  if (m.dim !== dim) throw new SnapshotCorruptError('mismatch', path, `dimension ${m.dim}, expected ${dim}`);
  if (options.space !== undefined && m.space !== options.space) {
    throw new SnapshotCorruptError('mismatch', path, `space ${m.space}, expected ${options.space}`);
  }
  if (options.kind !== undefined && m.kind !== options.kind) {
    throw new SnapshotCorruptError('mismatch', path, `kind ${m.kind}, expected ${options.kind}`);
  }
  const started = performance.now();
  const file = await dataFileOf(path, m);
  const loaded =
    m.kind === 'hnsw'
      ? await loadHnswSnapshot(path, file, m, options.efSearch, options.logger)
      : await loadExactSnapshot(path, file, m, options.logger);
  const info: SnapshotInfo = {
    path,
    manifestFile: manifestPath(path),
    dataFile: file,
    kind: m.kind,
    bytes: m.data.bytes,
    sha256: m.data.sha256,
    count: m.count,
    sequence: m.sequence,
  };
  options.logger?.info?.(
    { path, kind: m.kind, count: m.count, sequence: m.sequence, ms: Math.round(performance.now() - started) },
    'vector-index: snapshot loaded',
  );
  return { ...loaded, info };
}
