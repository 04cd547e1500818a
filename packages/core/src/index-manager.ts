// Keeps one HNSW index per model in step with the database, which is the truth. On open it loads the last snapshot
// (or starts empty when there is none or it is damaged) and catches up on the change log after the snapshot's
// sequence; `catchUp()` repeats that at any time, so any process — CLI, web server, replicas — converges on the
// database without a restart. Snapshots are atomic and name the sequence they cover.
import { mkdir } from 'node:fs/promises';
import lockfile from 'proper-lockfile';
import { join } from 'node:path';
import type { Store } from '@loupe/db';
import {
  createExactIndex,
  createVectorIndex,
  loadVectorIndex,
  SnapshotCorruptError,
  type SearchHit,
  type VectorIndex,
} from '@loupe/vector-index';
import type { Logger } from './types.ts';

export interface IndexSearchOptions {
  k: number;
  ef?: number;
  minScore?: number;
  catalogIds?: readonly number[];
  classId?: number;
  /** Brute-force cosine over every vector (exact recall; slower on large collections). */
  exact?: boolean;
  /** Leave this item out (more-like-this). */
  excludeId?: number;
  /** Only these items (e.g. those with a given label under the catalog's head). */
  ids?: ReadonlySet<number>;
}

interface ItemFacts {
  catalogId: number;
  classId: number | null;
}

/**
 * An object index keys object r of item i as i · OBJECT_SLOTS + r (the store keeps at most this many objects per
 * item, best first), so that ids stay numbers and a hit names its item and object.
 */
export const OBJECT_SLOTS = 32;

/** Where the index snapshot of a model lives under a data directory (for tools that inspect it). */
export function indexSnapshotPath(dataDir: string, modelId: string): string {
  return join(dataDir, 'index', modelId.replace(/[^a-zA-Z0-9._-]/g, '_'));
}

export class IndexManager {
  private sequence: number;
  private readonly facts = new Map<number, ItemFacts>();
  private exact: VectorIndex | undefined;
  private running: Promise<number> | undefined;
  private changesSinceSnapshot = 0;
  /** Object indexes: how many objects each item has in the index. */
  private readonly objectCounts = new Map<number, number>();

  private constructor(
    private readonly store: Store,
    readonly modelId: string,
    private readonly index: VectorIndex,
    sequence: number,
    private readonly snapshotPath: string,
    /** An object index: each stored row holds an item's object vectors one after another. */
    readonly objects: boolean,
    private readonly logger?: Logger,
  ) {
    this.sequence = sequence;
  }

  static snapshotPathFor(dataDir: string, modelId: string): string {
    return indexSnapshotPath(dataDir, modelId);
  }

  static async open(options: { store: Store; modelId: string; dim: number; dataDir: string; objects?: boolean; logger?: Logger }): Promise<IndexManager> {
    const { store, modelId, dim, dataDir, logger } = options;
    const path = IndexManager.snapshotPathFor(dataDir, modelId);
    await mkdir(join(dataDir, 'index'), { recursive: true });
    let index: VectorIndex | undefined;
    let sequence = 0;
    // Two tries: another process may be replacing the snapshot right now (its old data file vanishes after the swap).
    for (let attempt = 0; attempt < 2 && !index; attempt++) {
      try {
        const loaded = await loadVectorIndex(path, { dim, space: 'cosine', kind: 'hnsw', logger });
        index = loaded.index;
        sequence = loaded.sequence;
      } catch (error) {
        if (!(error instanceof SnapshotCorruptError)) throw error;
        const final = attempt === 1 || error.reason === 'missing';
        if (final && error.reason !== 'missing') logger?.warn?.({ err: error.message }, 'index snapshot unusable; rebuilding from the database');
        if (final) index = createVectorIndex({ dim, space: 'cosine', logger });
        else await new Promise((r) => setTimeout(r, 200));
      }
    }
    if (!index) throw new Error('unreachable');
    const manager = new IndexManager(store, modelId, index, sequence, path, options.objects ?? false, logger);
    if (sequence > 0) await manager.loadFacts();
    await manager.catchUp();
    return manager;
  }

  /** Catalog and class of every indexed item, for filters (the snapshot stores only ids and vectors). */
  private async loadFacts(): Promise<void> {
    for await (const rows of this.store.embeddings.streamAfter({ modelId: this.modelId, after: 0, batchSize: 5000 })) {
      for (const r of rows) {
        if (r.sequence > this.sequence) continue;
        const facts = { catalogId: r.catalogId, classId: r.classId };
        if (!this.objects) this.facts.set(r.itemId, facts);
        else {
          const count = r.vector.length / this.index.dim;
          this.objectCounts.set(r.itemId, count);
          for (let k = 0; k < count; k++) this.facts.set(r.itemId * OBJECT_SLOTS + k, facts);
        }
      }
    }
  }

  /** Applies every change after the covered sequence; concurrent callers share one pass. Returns the new sequence. */
  catchUp(): Promise<number> {
    this.running ??= this.applyChanges().finally(() => (this.running = undefined));
    return this.running;
  }

  private async applyChanges(): Promise<number> {
    let applied = 0;
    for await (const batch of this.store.embeddings.changesAfter({ modelId: this.modelId, after: this.sequence, batchSize: 1000 })) {
      for (const change of batch.changes) {
        if (change.op === 'add') this.add(change.itemId, change.vector, { catalogId: change.catalogId, classId: change.classId });
        else this.remove(change.itemId);
        applied++;
      }
      this.sequence = batch.lastSequence;
    }
    if (applied > 0) {
      this.exact?.close();
      this.exact = undefined;
      this.changesSinceSnapshot += applied;
      this.logger?.debug?.({ applied, sequence: this.sequence }, 'index caught up');
    }
    return this.sequence;
  }

  /** An item's vector, or (object index) its objects' vectors replacing those it had. */
  private add(itemId: number, vector: Float32Array, facts: ItemFacts): void {
    const dim = this.index.dim;
    if (!this.objects) {
      if (vector.length !== dim) return this.logger?.warn?.({ itemId, dim: vector.length }, 'a stored vector of the wrong length; skipped');
      this.index.upsert(itemId, vector);
      this.facts.set(itemId, facts);
      return;
    }
    const count = Math.min(OBJECT_SLOTS, Math.floor(vector.length / dim));
    this.remove(itemId, count);
    for (let k = 0; k < count; k++) {
      this.index.upsert(itemId * OBJECT_SLOTS + k, vector.subarray(k * dim, (k + 1) * dim));
      this.facts.set(itemId * OBJECT_SLOTS + k, facts);
    }
    this.objectCounts.set(itemId, count);
  }

  /** An item's vector, or (object index) its objects' vectors from the `from`-th on. */
  private remove(itemId: number, from = 0): void {
    if (!this.objects) {
      this.index.remove(itemId);
      this.facts.delete(itemId);
      return;
    }
    const count = this.objectCounts.get(itemId) ?? 0;
    for (let k = from; k < count; k++) {
      this.index.remove(itemId * OBJECT_SLOTS + k);
      this.facts.delete(itemId * OBJECT_SLOTS + k);
    }
    if (from === 0) this.objectCounts.delete(itemId);
  }

  /** The item an index id belongs to (the id itself, or for an object index its item). */
  itemOf(id: number): number {
    return this.objects ? Math.floor(id / OBJECT_SLOTS) : id;
  }

  get size(): number {
    return this.index.size;
  }

  get coveredSequence(): number {
    return this.sequence;
  }

  get pendingSnapshotChanges(): number {
    return this.changesSinceSnapshot;
  }

  /** The catalog of an indexed item. */
  catalogOf(itemId: number): number | undefined {
    return this.facts.get(itemId)?.catalogId;
  }

  /** The indexed items of one catalog, in id order. */
  idsOf(catalogId: number): number[] {
    const ids: number[] = [];
    for (const [id, f] of this.facts) if (f.catalogId === catalogId) ids.push(id);
    return ids.sort((a, b) => a - b);
  }

  vectorOf(itemId: number): Float32Array | undefined {
    return this.index.get(itemId);
  }

  search(query: Float32Array, options: IndexSearchOptions): SearchHit[] {
    const catalogs = options.catalogIds ? new Set(options.catalogIds) : undefined;
    const filtering = catalogs !== undefined || options.classId !== undefined || options.excludeId !== undefined || options.ids !== undefined;
    const filter = filtering
      ? (id: number) => {
          const item = this.itemOf(id);
          if (item === options.excludeId) return false;
          if (options.ids && !options.ids.has(item)) return false;
          const f = this.facts.get(id);
          if (!f) return false;
          if (catalogs && !catalogs.has(f.catalogId)) return false;
          return options.classId === undefined || f.classId === options.classId;
        }
      : undefined;
    const target = options.exact ? this.exactIndex() : this.index;
    return target.search(query, { k: options.k, ef: options.ef, minScore: options.minScore, filter });
  }

  /** An exact index over the same vectors, built on first use and dropped when the index changes. */
  private exactIndex(): VectorIndex {
    if (!this.exact) {
      const exact = createExactIndex({ dim: this.index.dim, space: 'cosine', initialCapacity: Math.max(16, this.index.size) });
      for (const id of this.index.ids()) exact.add(id, this.index.get(id)!);
      this.exact = exact;
    }
    return this.exact;
  }

  /**
   * Writes an atomic snapshot covering the current sequence. Processes sharing a data directory (the CLI and the web
   * server) take a lock first: one writer at a time, and when another process is writing one, this one skips —
   * a snapshot only saves catch-up work, the database stays the truth. Returns whether it wrote.
   */
  async snapshot(): Promise<boolean> {
    let release: (() => Promise<void>) | undefined;
    try {
      release = await lockfile.lock(this.snapshotPath, { realpath: false, stale: 60_000, retries: 0 });
    } catch (error) {
      if ((error as { code?: string }).code !== 'ELOCKED') throw error;
      this.logger?.debug?.({ path: this.snapshotPath }, 'another process is writing the index snapshot; skipped');
      return false;
    }
    try {
      const sequence = this.sequence;
      await this.index.save(this.snapshotPath, { sequence });
      this.changesSinceSnapshot = 0;
      this.logger?.debug?.({ sequence, size: this.index.size }, 'index snapshot written');
      return true;
    } finally {
      await release();
    }
  }

  close(): void {
    this.exact?.close();
    this.index.close();
  }
}
