// What every command gets: validated config, a logger on stderr, and exit codes that mean one thing each.
import pino, { type Logger } from 'pino';
import type { CliEnv } from './env.ts';

export const EXIT = {
  ok: 0,
  /** Some inputs failed (each one named on stderr); the others were processed. */
  someFailed: 1,
  /** Bad flags or configuration. */
  usage: 2,
  /** The environment cannot do the work: model not built, device unavailable, database unreachable. */
  environment: 3,
} as const;

export interface CliContext {
  env: CliEnv;
  logger: Logger;
  out: (line: string) => void;
  err: (line: string) => void;
  setExitCode: (code: number) => void;
}

export function createContext(env: CliEnv, verbose: boolean): CliContext {
  const logger = pino({ level: verbose ? 'info' : env.LOUPE_LOG_LEVEL, base: undefined }, pino.destination(2));
  return {
    env,
    logger,
    out: (line) => process.stdout.write(line + '\n'),
    err: (line) => process.stderr.write(line + '\n'),
    setExitCode: (code) => {
      process.exitCode = Math.max(Number(process.exitCode ?? 0), code);
    },
  };
}
