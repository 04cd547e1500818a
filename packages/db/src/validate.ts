// Input checks shared by the repositories. Bad input throws InvalidInputError before anything is written.
import { InvalidInputError } from './errors.ts';

const INT32_MAX = 2_147_483_647;

export function int(name: string, value: unknown, min = 0, max = INT32_MAX): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidInputError(`${name} must be an integer in [${min}, ${max}], got ${String(value)}`);
  }
  return value;
}

export function id(name: string, value: unknown): number {
  return int(name, value, 1);
}

export function finite(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidInputError(`${name} must be a finite number, got ${String(value)}`);
  }
  return value;
}

export function text(name: string, value: unknown, options: { max?: number; empty?: boolean } = {}): string {
  const max = options.max ?? 4096;
  if (typeof value !== 'string' || (!options.empty && value.length === 0) || value.length > max) {
    throw new InvalidInputError(
      `${name} must be a ${options.empty ? '' : 'non-empty '}string of at most ${max} characters`,
    );
  }
  if (value.includes('\0')) throw new InvalidInputError(`${name} must not contain NUL characters`);
  return value;
}

export function optionalText(name: string, value: unknown, max = 4096): string | null {
  return value === undefined || value === null ? null : text(name, value, { max });
}

const SLUG = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export function slug(value: unknown): string {
  if (typeof value !== 'string' || !SLUG.test(value)) {
    throw new InvalidInputError(
      `catalog slug must be 1-64 characters of a-z, 0-9, "-" or "_", starting with a letter or digit; got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

export function contentHash(value: unknown): string {
  if (typeof value !== 'string' || !SHA256_HEX.test(value)) {
    throw new InvalidInputError('contentHash must be a sha256 digest as 64 lowercase hex digits');
  }
  return value;
}

export function limit(value: unknown, fallback: number, max: number): number {
  return value === undefined ? fallback : int('limit', value, 1, max);
}

export function cursor(value: unknown): number {
  return value === undefined || value === null ? 0 : int('cursor', value, 0);
}

export function jsonObject(name: string, value: unknown): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidInputError(`${name} must be a JSON object`);
  }
  let encoded: string;
  try {
    encoded = JSON.stringify(value);
  } catch (cause) {
    throw new InvalidInputError(`${name} is not JSON-serializable: ${String(cause)}`);
  }
  if (encoded.length > 1_000_000) throw new InvalidInputError(`${name} is larger than 1 MB as JSON`);
  return JSON.parse(encoded) as Record<string, unknown>;
}
