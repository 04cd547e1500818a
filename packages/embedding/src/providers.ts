// Execution-provider choice for onnxruntime-node: 'auto' tries CUDA, then WebGPU, then CPU, and says why each
// skipped provider was skipped. A missing provider never crashes the process.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
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
  providerOptions?: { cuda?: Record<string, unknown>; webgpu?: Record<string, unknown> };
  /** Extra session config entries, e.g. { 'session.disable_cpu_ep_fallback': '1' } to prove GPU placement. */
  sessionConfig?: Record<string, string>;
  logger?: Logger;
}

/** Folder holding onnxruntime-node's native binding; CUDA needs its provider libraries to sit beside it. */
export function onnxRuntimeBinaryDir(): string {
  const entry = createRequire(import.meta.url).resolve('onnxruntime-node');
  return join(dirname(entry), '..', 'bin', 'napi-v6', process.platform, process.arch);
}

/** Why CUDA cannot be tried here, or undefined when its libraries are present. */
export function cudaUnavailableReason(binaryDir = onnxRuntimeBinaryDir()): string | undefined {
  if (process.platform !== 'linux' && process.platform !== 'win32') return `CUDA is not supported on ${process.platform}`;
  const lib = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
  if (!existsSync(join(binaryDir, lib)))
    return `CUDA provider libraries are not installed (${lib} is missing beside the onnxruntime-node binding; see the embedding README to install them)`;
  return undefined;
}

let vulkanLoaderFound: boolean | undefined;

/**
 * Why WebGPU cannot be tried here, or undefined when the Vulkan loader is present. Checked first because Dawn prints
 * a multi-line warning on stderr when libvulkan.so.1 is missing, on every start of a CPU-only machine.
 */
export function webgpuUnavailableReason(): string | undefined {
  if (process.platform !== 'linux') return undefined; // D3D12 / Metal back Dawn elsewhere
  if (vulkanLoaderFound === undefined) {
    // The dynamic loader's own search path, not configuration: LD_LIBRARY_PATH first, then the ld.so cache.
    // eslint-disable-next-line no-restricted-properties
    const dirs = (process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean);
    vulkanLoaderFound = dirs.some((d) => existsSync(join(d, 'libvulkan.so.1')));
    if (!vulkanLoaderFound) {
      try {
        vulkanLoaderFound = execFileSync('ldconfig', ['-p'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).includes('libvulkan.so.1');
      } catch {
        vulkanLoaderFound = ['/usr/lib/x86_64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu'].some((d) =>
          existsSync(join(d, 'libvulkan.so.1')),
        );
      }
    }
  }
  return vulkanLoaderFound ? undefined : 'no Vulkan loader (libvulkan.so.1) on this machine, which WebGPU needs on Linux';
}

function sessionOptions(provider: ProviderName, settings: SessionSettings): ort.InferenceSession.SessionOptions {
  const ep: ort.InferenceSession.ExecutionProviderConfig =
    provider === 'cpu'
      ? 'cpu'
      : ({ name: provider, ...(settings.providerOptions?.[provider] ?? {}) } as ort.InferenceSession.ExecutionProviderConfig);
  return {
    executionProviders: [ep],
    graphOptimizationLevel: 'all',
    ...(settings.threads ? { intraOpNumThreads: settings.threads, interOpNumThreads: 1 } : {}),
    ...(settings.sessionConfig ? { extra: { session: settings.sessionConfig } } : {}),
  } as ort.InferenceSession.SessionOptions;
}

function shortReason(error: unknown): string {
  const message = String((error as Error)?.message ?? error);
  if (/No supported adapters|Failed to get a WebGPU adapter/i.test(message))
    return 'no WebGPU adapter: no Vulkan driver with the features Dawn needs was found';
  if (/Failed to load shared library/i.test(message)) return 'provider libraries could not be loaded';
  return message.split('\n')[0]!.slice(0, 300);
}

export async function createSession(model: string | Uint8Array, device: Device, settings: SessionSettings = {}): Promise<ProviderChoice> {
  const order: ProviderName[] = device === 'auto' ? ['cuda', 'webgpu', 'cpu'] : [device];
  const skipped: ProviderChoice['skipped'] = [];
  for (const provider of order) {
    const unavailable = provider === 'cuda' ? cudaUnavailableReason() : provider === 'webgpu' ? webgpuUnavailableReason() : undefined;
    if (unavailable) {
      skipped.push({ provider, reason: unavailable });
      continue;
    }
    try {
      const options = sessionOptions(provider, settings);
      const session =
        typeof model === 'string' ? await ort.InferenceSession.create(model, options) : await ort.InferenceSession.create(model, options);
      for (const s of skipped) settings.logger?.info?.({ provider: s.provider, reason: s.reason }, `skipped execution provider ${s.provider}`);
      settings.logger?.info?.({ provider }, `using execution provider ${provider}`);
      return { session, provider, skipped };
    } catch (error) {
      skipped.push({ provider, reason: shortReason(error) });
    }
  }
  const last = skipped[skipped.length - 1]!;
  throw new ProviderUnavailableError(`execution provider ${last.provider} is unavailable: ${last.reason}`, last.provider);
}
