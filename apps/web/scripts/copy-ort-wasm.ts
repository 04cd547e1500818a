// Copies onnxruntime-web's WebAssembly runtime (the .wasm binaries and their .mjs loaders) into public/ort/, where
// in-browser mode loads them from (`wasmPaths: '/ort/'`). Run before every build; the copies are not committed.
import { copyFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = dirname(
  createRequire(join(webDir, 'package.json')).resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'),
);
const target = join(webDir, 'public', 'ort');
mkdirSync(target, { recursive: true });
// The default onnxruntime-web bundle loads the JSEP build (WebAssembly + WebGPU); the plain one is the wasm-only build.
const wanted = /^ort-wasm-simd-threaded(\.jsep)?\.(wasm|mjs)$/;
let copied = 0;
for (const name of readdirSync(dist)) {
  if (!wanted.test(name)) continue;
  const from = join(dist, name);
  const to = join(target, name);
  const a = statSync(from);
  let same = false;
  try {
    const b = statSync(to);
    same = b.size === a.size && b.mtimeMs >= a.mtimeMs;
  } catch {
    // not copied yet
  }
  if (!same) {
    copyFileSync(from, to);
    copied++;
  }
}
console.log(`onnxruntime-web runtime in public/ort/ (${copied} file(s) updated)`);
