// The CPU inference pool: ONNX Runtime sessions in worker threads (piscina), one forward pass per worker at a time.
//
// Measured on the 2-core machine this was built on (BENCHMARKS.md, "Every core busy"): onnxruntime-node's run holds
// the JavaScript thread that calls it, and two sessions awaited together in one thread do not overlap; two worker
// threads with one intra-op thread each do run at the same time (1.8–1.9× one thread), as fast as one session on two
// threads — and the main thread stays free to decode, write the database and answer queries meanwhile.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { Piscina } from 'piscina';
import { InvalidInputError } from './errors.ts';
import { packageRoot } from './model-store.ts';
import { resolveAtRunTime, type ProviderSession } from './providers.ts';

/** The most workers chosen by default: each holds its own copy of the model and its activations (~0.3 GB for fp32). */
export const MAX_DEFAULT_WORKERS = 8;

/**
 * How many workers and intra-op threads each, for this machine: workers × threads ≈ the cores. `workers: 0` runs the
 * session on the calling thread instead (no pool).
 */
export function poolLayout(options: { workers?: number; threads?: number }, cores = availableParallelism()): { workers: number; threads: number } {
  const { workers, threads } = options;
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 0))
    throw new InvalidInputError(`workers must be a whole number ≥ 0, got ${workers}`);
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1)) throw new InvalidInputError(`threads must be a positive integer, got ${threads}`);
  const perWorker = threads ?? 1;
  return { workers: workers ?? Math.max(1, Math.min(MAX_DEFAULT_WORKERS, Math.floor(cores / perWorker))), threads: perWorker };
}

/** The worker's script: plain JavaScript in the package's worker/ folder (found from a bundle too). */
function workerScript(): string {
  const own = join(packageRoot(), 'worker', 'session-worker.mjs');
  if (existsSync(own)) return own;
  // inside a bundle this module's URL is not the package's
  return join(dirname(resolveAtRunTime('@loupe/embedding/package.json')), 'worker', 'session-worker.mjs');
}

interface WireTensor {
  type: ort.Tensor.Type;
  data: ort.Tensor.DataType;
  dims: readonly number[];
}

export interface PoolSettings {
  workers: number;
  threads: number;
  sessionConfig?: Record<string, string>;
}

/**
 * A ProviderSession (provider 'cpu') whose runs go to a pool of worker threads; `workers` runs at a time, the rest
 * wait their turn in order. Every worker opens its session before this resolves, so a bad model file fails here.
 */
export async function openPooledSession(model: string, settings: PoolSettings): Promise<ProviderSession & { readonly workers: number }> {
  const pool = new Piscina({
    filename: workerScript(),
    minThreads: settings.workers,
    maxThreads: settings.workers,
    idleTimeout: Number.POSITIVE_INFINITY, // a worker's session is expensive to open again
    concurrentTasksPerWorker: 1,
  });
  const base = { model, threads: settings.threads, ...(settings.sessionConfig ? { sessionConfig: settings.sessionConfig } : {}) };
  try {
    // one opening task per worker: idle workers take one each
    await Promise.all(Array.from({ length: settings.workers }, () => pool.run(base)));
  } catch (error) {
    await pool.destroy();
    throw error;
  }
  let released = false;
  // Runs handed to the pool and not settled yet. release() waits for them: a worker terminated inside onnxruntime's
  // native run takes the whole process down ("terminate called after throwing an instance of 'Napi::Error'"), and
  // piscina's close() was seen terminating a worker mid-run.
  const inFlight = new Set<Promise<unknown>>();
  return {
    provider: 'cpu',
    skipped: [],
    workers: settings.workers,
    async run(feeds, outputs) {
      if (released) throw new Error('the session was released');
      const wire: Record<string, { data: Float32Array; dims: readonly number[] }> = {};
      const transfer: ArrayBuffer[] = [];
      for (const [name, tensor] of Object.entries(feeds)) {
        const data = tensor.data as Float32Array;
        wire[name] = { data, dims: tensor.dims };
        // the batch was made for this run: hand its memory over instead of copying it
        if (data.byteOffset === 0 && data.byteLength === data.buffer.byteLength) transfer.push(data.buffer as ArrayBuffer);
      }
      const running = pool.run({ ...base, feeds: wire, outputs }, { transferList: transfer }) as Promise<Record<string, WireTensor>>;
      const settled = running.catch(() => undefined).finally(() => inFlight.delete(settled));
      inFlight.add(settled);
      const out = await running;
      const tensors: Record<string, ort.Tensor> = {};
      for (const [name, t] of Object.entries(out)) tensors[name] = new ort.Tensor(t.type, t.data as Float32Array, t.dims);
      return tensors;
    },
    async release() {
      if (released) return;
      released = true;
      while (inFlight.size > 0) await Promise.all([...inFlight]);
      await pool.destroy();
    },
  };
}
