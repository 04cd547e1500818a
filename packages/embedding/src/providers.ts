// Execution-provider choice for onnxruntime-node: 'auto' tries CUDA, then WebGPU, then CPU, and says why each
// skipped provider was skipped. A missing provider never crashes the process, and a GPU provider that fails during a
// run is replaced by the CPU for that very run (openSession).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { ProviderUnavailableError } from './errors.ts';
import type { Device, Logger } from './types.ts';

export type ProviderName = 'cpu' | 'cuda' | 'webgpu';

export interface ProviderChoice {
  session: ort.InferenceSession;
  provider: ProviderName;
  skipped: Array<{ provider: string; reason: string }>;
}

export interface SessionSettings {
  threads?: number;
  /** Passed to the provider as they are: `{ webgpu: { preferredLayout: 'NHWC' }, cuda: { deviceId: 1 } }`. */
  providerOptions?: { cuda?: Record<string, unknown>; webgpu?: Record<string, unknown> };
  /**
   * GPU providers only: refuse a session in which any node would run on the CPU (ONNX Runtime's
   * `session.disable_cpu_ep_fallback`). Session creation then fails unless every node is placed on the GPU.
   */
  requireFullGpuPlacement?: boolean;
  /** Extra session config entries (ONNX Runtime's `session.*` keys), for every provider tried. */
  sessionConfig?: Record<string, string>;
  logger?: Logger;
}

/** ONNX Runtime's session config key that turns "some nodes fall back to the CPU" into a session-creation error. */
export const DISABLE_CPU_FALLBACK = 'session.disable_cpu_ep_fallback';

/** Folder holding onnxruntime-node's native binding; CUDA needs its provider libraries to sit beside it. */
export function onnxRuntimeBinaryDir(): string {
  return join(dirname(resolveAtRunTime('onnxruntime-node')), '..', 'bin', 'napi-v6', process.platform, process.arch);
}

/**
 * A package's file path by Node's own resolver, fetched at run time: a bundler (the Next.js app) rewrites a static
 * `createRequire(…).resolve(…)` into its module id, which is no path.
 */
export function resolveAtRunTime(specifier: string): string {
  const runtime = process.getBuiltinModule?.('node:module') as { createRequire: typeof createRequire } | undefined;
  return (runtime?.createRequire ?? createRequire)(import.meta.url).resolve(specifier);
}

/** The files the CUDA provider needs beside the onnxruntime-node binding (the install step that fetches them puts them there). */
export function cudaProviderFiles(platform: NodeJS.Platform = process.platform): string[] {
  return platform === 'win32'
    ? ['onnxruntime_providers_shared.dll', 'onnxruntime_providers_cuda.dll']
    : ['libonnxruntime_providers_shared.so', 'libonnxruntime_providers_cuda.so'];
}

/**
 * Why CUDA cannot be tried here, or undefined when its provider libraries are present in `binaryDir`. Presence is all
 * this checks: a missing NVIDIA driver, CUDA runtime or cuDNN shows up when the session is created (and `auto` then
 * skips CUDA with that reason).
 */
export function cudaUnavailableReason(binaryDir = onnxRuntimeBinaryDir(), platform: NodeJS.Platform = process.platform): string | undefined {
  if (platform !== 'linux' && platform !== 'win32') return `CUDA is not supported on ${platform}`;
  const missing = cudaProviderFiles(platform).filter((lib) => !existsSync(join(binaryDir, lib)));
  if (missing.length > 0)
    return `CUDA provider libraries are not installed (${missing.join(', ')} missing beside the onnxruntime-node binding; see the embedding README to install them)`;
  return undefined;
}

/**
 * The variables that the dynamic loader and the Vulkan loader themselves read to find libvulkan.so.1 and Vulkan
 * drivers. Not configuration of Loupe: reading them is the only way to predict what Dawn will find, without starting
 * it (Dawn prints a multi-line warning on stderr when it finds nothing).
 */
function loaderEnvironment(): Record<string, string | undefined> {
  // eslint-disable-next-line no-restricted-properties
  const env = process.env;
  const keys = ['LD_LIBRARY_PATH', 'VK_DRIVER_FILES', 'VK_ICD_FILENAMES', 'VK_ADD_DRIVER_FILES', 'XDG_CONFIG_HOME', 'XDG_CONFIG_DIRS', 'XDG_DATA_DIRS', 'XDG_DATA_HOME', 'HOME'];
  return Object.fromEntries(keys.map((k) => [k, env[k]]));
}

let vulkanLoaderFound: boolean | undefined; // for the process's own environment, which does not change under ld.so

function hasVulkanLoader(env: Record<string, string | undefined>, cache: boolean): boolean {
  if (cache && vulkanLoaderFound !== undefined) return vulkanLoaderFound;
  // The dynamic loader's own search order: LD_LIBRARY_PATH first, then the ld.so cache.
  const dirs = (env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean);
  let found = dirs.some((d) => existsSync(join(d, 'libvulkan.so.1')));
  if (!found) {
    try {
      found = execFileSync('ldconfig', ['-p'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).includes('libvulkan.so.1');
    } catch {
      found = ['/usr/lib/x86_64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu'].some((d) => existsSync(join(d, 'libvulkan.so.1')));
    }
  }
  if (cache) vulkanLoaderFound = found;
  return found;
}

export interface VulkanDriver {
  /** The ICD manifest (JSON) that announces the driver. */
  manifest: string;
  /** Its `library_path`, as written there. */
  library: string;
  /** A CPU implementation of Vulkan (Mesa's lavapipe, SwiftShader): correct, but far slower than the CPU provider. */
  software: boolean;
}

const SOFTWARE_DRIVER = /lvp|lavapipe|swiftshader/i;

function manifestsIn(path: string): string[] {
  try {
    if (statSync(path).isDirectory())
      return readdirSync(path)
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => join(path, f));
    return [path];
  } catch {
    return [];
  }
}

/**
 * The Vulkan drivers (ICDs) the Vulkan loader would consider, found as it finds them on Linux: VK_DRIVER_FILES (or
 * the older VK_ICD_FILENAMES) replaces the search; otherwise the `vulkan/icd.d` folders under the XDG config and data
 * folders, /etc and /usr/local/etc; VK_ADD_DRIVER_FILES adds to either.
 */
export function vulkanDrivers(env: Record<string, string | undefined> = loaderEnvironment()): VulkanDriver[] {
  const list = (v: string | undefined) => (v ?? '').split(':').filter(Boolean);
  let paths: string[];
  const explicit = list(env.VK_DRIVER_FILES ?? env.VK_ICD_FILENAMES);
  if (explicit.length > 0) paths = explicit;
  else {
    const config = [...list(env.XDG_CONFIG_HOME ?? (env.HOME ? join(env.HOME, '.config') : undefined)), ...list(env.XDG_CONFIG_DIRS || '/etc/xdg')];
    const data = [...list(env.XDG_DATA_HOME ?? (env.HOME ? join(env.HOME, '.local/share') : undefined)), ...list(env.XDG_DATA_DIRS || '/usr/local/share:/usr/share')];
    paths = [...config, '/usr/local/etc', '/etc', ...data].map((d) => join(d, 'vulkan', 'icd.d'));
  }
  paths.push(...list(env.VK_ADD_DRIVER_FILES));
  const drivers: VulkanDriver[] = [];
  for (const manifest of [...new Set(paths.flatMap(manifestsIn))]) {
    let library = '';
    try {
      const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { ICD?: { library_path?: unknown } };
      library = String(parsed.ICD?.library_path ?? '');
    } catch {
      continue; // not a driver manifest: the loader ignores it too
    }
    if (!library) continue;
    drivers.push({ manifest, library, software: SOFTWARE_DRIVER.test(basename(library)) || SOFTWARE_DRIVER.test(basename(manifest)) });
  }
  return drivers;
}

/**
 * Why WebGPU cannot be tried here, or undefined when it can. On Linux it needs the Vulkan loader (checked first,
 * because Dawn warns on stderr on every start of a CPU-only machine without it). With `forAuto`, a machine whose only
 * Vulkan drivers are software ones (lavapipe) is skipped too: WebGPU would work there but run 50–100× slower than
 * the CPU provider, which is not what `device: 'auto'` is for. An explicit `device: 'webgpu'` still uses it (CI does).
 */
export function webgpuUnavailableReason(options: { forAuto?: boolean; env?: Record<string, string | undefined> } = {}): string | undefined {
  if (process.platform !== 'linux') return undefined; // D3D12 / Metal back Dawn elsewhere
  const env = options.env ?? loaderEnvironment();
  if (!hasVulkanLoader(env, !options.env)) return 'no Vulkan loader (libvulkan.so.1) on this machine, which WebGPU needs on Linux';
  if (options.forAuto) {
    const drivers = vulkanDrivers(env);
    if (drivers.length > 0 && drivers.every((d) => d.software))
      return `only a software Vulkan driver (${drivers.map((d) => basename(d.library)).join(', ')}) is installed: WebGPU would run on the CPU, far slower than the cpu provider (ask for device 'webgpu' to use it anyway)`;
  }
  return undefined;
}

function sessionOptions(provider: ProviderName, settings: SessionSettings): ort.InferenceSession.SessionOptions {
  const ep: ort.InferenceSession.ExecutionProviderConfig =
    provider === 'cpu'
      ? 'cpu'
      : ({ name: provider, ...(settings.providerOptions?.[provider] ?? {}) } as ort.InferenceSession.ExecutionProviderConfig);
  // Config entries go in flat, with their full keys: the binding joins nested `extra` keys with '.', so
  // `extra: { session: { 'session.x': … } }` would become 'session.session.x', which ONNX Runtime silently ignores.
  const entries: Record<string, string> = { ...(settings.sessionConfig ?? {}) };
  if (settings.requireFullGpuPlacement && provider !== 'cpu') entries[DISABLE_CPU_FALLBACK] = '1';
  if (provider === 'cpu') delete entries[DISABLE_CPU_FALLBACK]; // meaningless for the CPU provider itself
  return {
    executionProviders: [ep],
    graphOptimizationLevel: 'all',
    ...(settings.threads ? { intraOpNumThreads: settings.threads, interOpNumThreads: 1 } : {}),
    ...(Object.keys(entries).length > 0 ? { extra: entries } : {}),
  } as ort.InferenceSession.SessionOptions;
}

function shortReason(error: unknown, provider?: ProviderName): string {
  const message = String((error as Error)?.message ?? error);
  if (/No supported adapters|Failed to get a WebGPU adapter/i.test(message))
    return 'no WebGPU adapter: no Vulkan driver with the features Dawn needs was found';
  if (/Failed to load shared library/i.test(message)) return 'provider libraries could not be loaded';
  if (/fallback to CPU EP has been explicitly disabled/i.test(message))
    return `not every node of the model can run on ${provider ?? 'the GPU'} (requireFullGpuPlacement forbids running the rest on the CPU)`;
  // A kernel's failure: "Non-zero status code returned while running Concat node. Name:'y' Status Message:
  // /onnxruntime_src/…/shader_helper.cc:306 <C++ signature> <condition> was false. Too many storage buffers…" → the op
  // and the sentence meant for people.
  const kernel = /running (\S+) node\. Name:'([^']*)' Status Message: (.*)/s.exec(message);
  if (kernel) {
    let detail = kernel[3]!.trim();
    const located = /^\S+\.(?:cc|h|cpp):\d+ (.*)$/s.exec(detail); // a source location, then the C++ function
    if (located) detail = located[1]!.replace(/^[\w:~<>,&*\s]*?\([^)]*\)\s+/, '').replace(/^.*? was false\.\s*/s, '');
    return `${kernel[1]} node '${kernel[2]}': ${detail.split('\n')[0]!.slice(0, 240)}`;
  }
  return message.split('\n')[0]!.slice(0, 300);
}

export async function createSession(model: string | Uint8Array, device: Device, settings: SessionSettings = {}): Promise<ProviderChoice> {
  const order: ProviderName[] = device === 'auto' ? ['cuda', 'webgpu', 'cpu'] : [device];
  const skipped: ProviderChoice['skipped'] = [];
  for (const provider of order) {
    const unavailable =
      provider === 'cuda' ? cudaUnavailableReason() : provider === 'webgpu' ? webgpuUnavailableReason({ forAuto: device === 'auto' }) : undefined;
    if (unavailable) {
      skipped.push({ provider, reason: unavailable });
      continue;
    }
    try {
      const options = sessionOptions(provider, settings);
      const session =
        typeof model === 'string' ? await ort.InferenceSession.create(model, options) : await ort.InferenceSession.create(model, options);
      for (const s of skipped) settings.logger?.info?.({ provider: s.provider, reason: s.reason }, `skipped execution provider ${s.provider}: ${s.reason}`);
      settings.logger?.info?.({ provider }, `using execution provider ${provider}`);
      return { session, provider, skipped };
    } catch (error) {
      skipped.push({ provider, reason: `session creation failed: ${shortReason(error, provider)}` });
    }
  }
  const last = skipped[skipped.length - 1]!;
  throw new ProviderUnavailableError(`execution provider ${last.provider} is unavailable: ${last.reason}`, last.provider);
}

/** A session on the chosen provider that survives a GPU provider failing during a run. */
export interface ProviderSession {
  /** The provider in use now: 'cpu' after a GPU provider failed during a run. */
  readonly provider: ProviderName;
  /** Providers tried before this one and why they are not in use, including one that failed during a run. */
  readonly skipped: ReadonlyArray<{ provider: string; reason: string }>;
  /** session.run; when a GPU provider throws, the same feeds are run on the CPU (see openSession). */
  run(feeds: Record<string, ort.Tensor>, outputs?: readonly string[]): Promise<Record<string, ort.Tensor>>;
  release(): Promise<void>;
}

/**
 * createSession, plus the mid-run fallback: when a run on a GPU provider throws, the same feeds are run on a CPU
 * session (created then, once). If the CPU run succeeds, the GPU provider was at fault: the CPU becomes the provider
 * for good (logged once at `warn`, and listed in `skipped` as "failed during a run"), and the GPU session is released
 * once no run uses it. If the CPU run fails too, the input was at fault: its error is thrown and the GPU stays.
 */
export async function openSession(model: string | Uint8Array, device: Device, settings: SessionSettings = {}): Promise<ProviderSession> {
  let active = await createSession(model, device, settings);
  let cpu: Promise<ProviderChoice> | undefined;
  let released = false;
  const inFlight = new Map<ProviderChoice, number>();
  const retired = new Set<ProviderChoice>();

  const releaseIfIdle = async (choice: ProviderChoice) => {
    if (retired.has(choice) && !inFlight.get(choice)) {
      retired.delete(choice);
      await choice.session.release().catch(() => undefined);
    }
  };
  const runOn = async (choice: ProviderChoice, feeds: Record<string, ort.Tensor>, outputs?: readonly string[]) => {
    inFlight.set(choice, (inFlight.get(choice) ?? 0) + 1);
    try {
      return (outputs ? await choice.session.run(feeds, outputs) : await choice.session.run(feeds)) as Record<string, ort.Tensor>;
    } finally {
      inFlight.set(choice, inFlight.get(choice)! - 1);
      await releaseIfIdle(choice);
    }
  };

  return {
    get provider() {
      return active.provider;
    },
    get skipped() {
      return active.skipped;
    },
    async run(feeds, outputs) {
      if (released) throw new Error('the session was released');
      const current = active;
      try {
        return await runOn(current, feeds, outputs);
      } catch (error) {
        if (current.provider === 'cpu') throw error;
        if (active !== current) return runOn(active, feeds, outputs); // another run already moved to the CPU
        cpu ??= createSession(model, 'cpu', { ...settings, logger: undefined });
        const onCpu = await cpu;
        const result = await runOn(onCpu, feeds, outputs); // throws when the input, not the provider, is at fault
        if (active === current) {
          const reason = `failed during a run: ${shortReason(error, current.provider)}`;
          settings.logger?.warn?.({ provider: current.provider, reason }, `execution provider ${current.provider} failed during a run; using cpu from now on`);
          active = { ...onCpu, skipped: [...current.skipped, { provider: current.provider, reason }] };
          retired.add(current);
          await releaseIfIdle(current);
        }
        return result;
      }
    },
    async release() {
      if (released) return;
      released = true;
      const cpuChoice = cpu ? await cpu.catch(() => undefined) : undefined;
      const all = new Set([active, ...retired, ...(cpuChoice ? [cpuChoice] : [])]);
      await Promise.all([...all].map((c) => c.session.release().catch(() => undefined)));
    },
  };
}
