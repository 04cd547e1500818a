// One inference worker of the pool (src/inference-pool.ts), run by piscina in a worker thread. Plain JavaScript, so
// that the same file serves the TypeScript sources, the built package and a bundling app. Each worker keeps its own
// ONNX Runtime session per model file, opened on the first task that names it.
//
// Why a thread of its own: onnxruntime-node's session.run holds the calling JavaScript thread for the whole forward
// pass (measured: no timer fired during a 700 ms run), so on the main thread every other piece of work (decoding, the
// database, an HTTP query) would wait for it.
import * as ort from 'onnxruntime-node';

const sessions = new Map();

function sessionOf(task) {
  const key = `${task.model}\u0000${task.threads}`;
  let session = sessions.get(key);
  if (!session) {
    session = ort.InferenceSession.create(task.model, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      intraOpNumThreads: task.threads,
      interOpNumThreads: 1,
      ...(task.sessionConfig ? { extra: task.sessionConfig } : {}),
    });
    session.catch(() => sessions.delete(key)); // a failed open is retried by the next task
    sessions.set(key, session);
  }
  return session;
}

/** task: { model, threads, sessionConfig?, feeds?: { name: { data: Float32Array, dims } }, outputs? }; no feeds: only open. */
export default async function run(task) {
  const session = await sessionOf(task);
  if (!task.feeds) return {};
  const feeds = {};
  for (const [name, { data, dims }] of Object.entries(task.feeds)) feeds[name] = new ort.Tensor('float32', data, dims);
  const out = await session.run(feeds, task.outputs);
  const result = {};
  for (const [name, tensor] of Object.entries(out)) result[name] = { type: tensor.type, data: tensor.data, dims: tensor.dims };
  return result;
}
