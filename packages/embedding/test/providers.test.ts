// Execution-provider choice without a GPU: CUDA detection, Vulkan driver discovery, `auto`'s log lines and reasons,
// explicit devices that cannot be had, and session options (full-placement flag, provider options) reaching ONNX
// Runtime. The WebGPU runs themselves are in webgpu.test.ts (they need a Vulkan driver).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { createEmbedder, ProviderUnavailableError, type Logger } from '../src/index.ts';
import { createSession, cudaProviderFiles, cudaUnavailableReason, openSession, vulkanDrivers, webgpuUnavailableReason } from '../src/providers.ts';
import { GraphBuilder } from '../src/onnx-graph.ts';

const temp = mkdtempSync(join(tmpdir(), 'loupe-providers-'));
after(() => rmSync(temp, { recursive: true, force: true }));

function folder(name: string, files: Record<string, string> = {}): string {
  const dir = join(temp, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

function capture(): { logger: Logger; lines: Array<{ level: string; obj: object; msg: string }> } {
  const lines: Array<{ level: string; obj: object; msg: string }> = [];
  const at = (level: string) => (obj: object | string, msg?: string) => lines.push({ level, obj: typeof obj === 'string' ? {} : obj, msg: msg ?? String(obj) });
  return { logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, lines };
}

/** y = 2x, a model any provider runs. */
function doubler(): Uint8Array {
  const g = new GraphBuilder();
  g.node('Add', ['x', 'x'], {}, 'y');
  return g.encode({ name: 'double', inputs: [{ name: 'x', shape: ['n'] }], outputs: [{ name: 'y', shape: ['n'] }] });
}

describe('CUDA detection', () => {
  it('names the missing provider libraries, and is satisfied once both sit beside the binding', () => {
    const empty = folder('cuda-none');
    const reason = cudaUnavailableReason(empty, 'linux');
    assert.match(reason!, /libonnxruntime_providers_shared\.so, libonnxruntime_providers_cuda\.so missing/);
    assert.match(reason!, /README/);

    const half = folder('cuda-half', { 'libonnxruntime_providers_cuda.so': '' });
    assert.match(cudaUnavailableReason(half, 'linux')!, /libonnxruntime_providers_shared\.so missing/);
    assert.doesNotMatch(cudaUnavailableReason(half, 'linux')!, /providers_cuda/);

    const both = folder('cuda-both', Object.fromEntries(cudaProviderFiles('linux').map((f) => [f, ''])));
    assert.equal(cudaUnavailableReason(both, 'linux'), undefined);
  });

  it('looks for the Windows file names on Windows, and refuses other platforms', () => {
    const win = folder('cuda-win', Object.fromEntries(cudaProviderFiles('win32').map((f) => [f, ''])));
    assert.equal(cudaUnavailableReason(win, 'win32'), undefined);
    assert.match(cudaUnavailableReason(win, 'linux')!, /missing/);
    assert.match(cudaUnavailableReason(win, 'darwin')!, /not supported on darwin/);
  });

  it('the real binding folder of this checkout has no CUDA libraries (the install skips them), so cuda is unavailable', async () => {
    const reason = cudaUnavailableReason();
    if (reason === undefined) return; // a machine where someone installed them: nothing to check here
    await assert.rejects(
      createSession(doubler(), 'cuda'),
      (e) => e instanceof ProviderUnavailableError && e.provider === 'cuda' && e.message.includes(reason),
    );
  });
});

describe('Vulkan drivers and WebGPU availability', () => {
  const lvp = JSON.stringify({ file_format_version: '1.0.0', ICD: { library_path: '/opt/x/libvulkan_lvp.so', api_version: '1.4.305' } });
  const nvidia = JSON.stringify({ file_format_version: '1.0.0', ICD: { library_path: 'libGLX_nvidia.so.0', api_version: '1.3.242' } });
  const loader = folder('loader', { 'libvulkan.so.1': '' });

  it('finds drivers the way the Vulkan loader does: VK_DRIVER_FILES replaces the search, VK_ADD_DRIVER_FILES adds', () => {
    const soft = folder('icd-soft', { 'lvp_icd.x86_64.json': lvp, 'notes.txt': 'not a manifest' });
    const hard = folder('icd-hard', { 'nvidia_icd.json': nvidia, 'broken.json': '{' });
    assert.deepEqual(
      vulkanDrivers({ VK_DRIVER_FILES: soft }).map((d) => [d.library, d.software]),
      [['/opt/x/libvulkan_lvp.so', true]],
    );
    assert.deepEqual(
      vulkanDrivers({ VK_DRIVER_FILES: join(soft, 'lvp_icd.x86_64.json'), VK_ADD_DRIVER_FILES: hard }).map((d) => [d.library, d.software]),
      [
        ['/opt/x/libvulkan_lvp.so', true],
        ['libGLX_nvidia.so.0', false],
      ],
    );
    const xdg = folder('xdg/vulkan/icd.d', { 'nvidia_icd.json': nvidia });
    assert.deepEqual(
      vulkanDrivers({ XDG_DATA_DIRS: join(temp, 'xdg'), XDG_CONFIG_DIRS: join(temp, 'none'), HOME: join(temp, 'none') })
        .filter((d) => d.manifest.startsWith(temp))
        .map((d) => d.manifest),
      [join(xdg, 'nvidia_icd.json')],
    );
  });

  it('without libvulkan.so.1, WebGPU is unavailable with that reason', () => {
    if (process.platform !== 'linux') return;
    const env = { LD_LIBRARY_PATH: folder('no-loader'), VK_DRIVER_FILES: folder('icd-none') };
    // ldconfig may still list a system-wide loader; only assert when the machine has none.
    const reason = webgpuUnavailableReason({ env });
    if (reason) assert.match(reason, /no Vulkan loader \(libvulkan\.so\.1\)/);
  });

  it("'auto' skips WebGPU when the only Vulkan drivers are software ones; an explicit 'webgpu' does not", () => {
    if (process.platform !== 'linux') return;
    const soft = folder('icd-soft-only', { 'lvp_icd.x86_64.json': lvp });
    const both = folder('icd-both', { 'lvp_icd.x86_64.json': lvp, 'nvidia_icd.json': nvidia });
    const auto = webgpuUnavailableReason({ forAuto: true, env: { LD_LIBRARY_PATH: loader, VK_DRIVER_FILES: soft } });
    assert.match(auto!, /only a software Vulkan driver \(libvulkan_lvp\.so\).*far slower than the cpu provider/);
    assert.equal(webgpuUnavailableReason({ env: { LD_LIBRARY_PATH: loader, VK_DRIVER_FILES: soft } }), undefined);
    assert.equal(webgpuUnavailableReason({ forAuto: true, env: { LD_LIBRARY_PATH: loader, VK_DRIVER_FILES: both } }), undefined);
    // No manifest found at all: let Dawn look (drivers can be announced in ways not modelled here).
    assert.equal(webgpuUnavailableReason({ forAuto: true, env: { LD_LIBRARY_PATH: loader, VK_DRIVER_FILES: folder('icd-empty') } }), undefined);
  });
});

describe("device: 'auto' on this machine", () => {
  it('logs one line per skipped provider with its reason, and info() names the provider in use', async () => {
    const { logger, lines } = capture();
    const embedder = await createEmbedder({ device: 'auto', logger });
    try {
      const info = embedder.info();
      const skippedLines = lines.filter((l) => l.level === 'info' && /^skipped execution provider/.test(l.msg));
      assert.equal(skippedLines.length, info.skipped.length);
      for (const [i, s] of info.skipped.entries()) {
        assert.ok(s.reason.length > 10, `a reason for ${s.provider}`);
        assert.deepEqual(skippedLines[i]!.obj, { provider: s.provider, reason: s.reason });
        assert.ok(skippedLines[i]!.msg.includes(s.reason));
      }
      assert.deepEqual(
        lines.filter((l) => /^using execution provider/.test(l.msg)).map((l) => l.obj),
        // on the CPU, the pool's layout too
        [{ provider: info.provider, ...(info.workers > 0 ? { workers: info.workers, threads: info.threads } : {}) }],
      );
      // The order is CUDA → WebGPU → CPU: whatever was skipped came before the provider in use.
      const order = ['cuda', 'webgpu', 'cpu'];
      assert.deepEqual(
        info.skipped.map((s) => s.provider),
        order.slice(0, order.indexOf(info.provider)),
      );
      if (cudaUnavailableReason()) assert.match(info.skipped[0]!.reason, /CUDA provider libraries are not installed/);
    } finally {
      await embedder.dispose();
    }
  });
});

describe('session options reach ONNX Runtime', () => {
  it('requireFullGpuPlacement is ignored by the CPU provider, and the CPU session runs', async () => {
    const session = await openSession(doubler(), 'cpu', { requireFullGpuPlacement: true, sessionConfig: { 'session.use_env_allocators': '0' } });
    try {
      const out = await session.run({ x: new ort.Tensor('float32', Float32Array.of(1, 2, 3), [3]) });
      assert.deepEqual([...(out.y!.data as Float32Array)], [2, 4, 6]);
      assert.equal(session.provider, 'cpu');
      assert.deepEqual(session.skipped, []);
    } finally {
      await session.release();
    }
  });

  it('a failing CPU run is not "recovered": its error is thrown as it is', async () => {
    const session = await openSession(doubler(), 'cpu');
    try {
      await assert.rejects(session.run({ x: new ort.Tensor('float32', Float32Array.of(1, 2), [1, 2]) }), /invalid rank|Invalid rank/i);
      assert.equal(session.provider, 'cpu');
    } finally {
      await session.release();
    }
  });
});
