// Flag parsers shared by the commands.
import { InvalidArgumentError, Option } from 'commander';

export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  return n;
}

export function parseWholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`expected a whole number ≥ 0, got "${value}"`);
  return n;
}

/** `--workers`: inference worker threads on the CPU (0: in the main thread). */
export const WORKERS_FLAG = ['--workers <n>', 'inference worker threads on the CPU, each with its own session (default: cores ÷ threads; 0: none, in the main thread)'] as const;

export function parseScore(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError(`expected a number from 0 to 1, got "${value}"`);
  return n;
}

export function precisionOption(): Option {
  return new Option('--precision <precision>', 'network build: fp32, or int8 (faster on CPUs; vectors under their own model id)').choices(['fp32', 'int8']);
}

export function deviceOption(): Option {
  return new Option('--device <device>', 'execution provider: auto tries cuda, webgpu, then cpu').choices(['auto', 'cpu', 'cuda', 'webgpu']);
}
