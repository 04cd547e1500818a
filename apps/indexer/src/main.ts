// loupe — the command-line entry. Reads the environment once, builds the commands, maps errors to exit codes.
import { Command, CommanderError } from 'commander';
import { CoreError } from '@loupe/core';
import { DbError } from '@loupe/db';
import { EmbeddingError } from '@loupe/embedding';
import { HeadsError } from '@loupe/heads';
import { registerAdminCommands } from './commands/admin.ts';
import { registerAnalyzeCommands } from './commands/analyze.ts';
import { registerCatalogCommands } from './commands/catalog.ts';
import { registerDetectCommands } from './commands/detect.ts';
import { registerHeadCommands } from './commands/heads.ts';
import { registerJobCommands } from './commands/jobs.ts';
import { createContext, EXIT, type CliContext } from './context.ts';
import { readEnv } from './env.ts';

/** Errors that mean "this machine or its configuration cannot do it" exit 3; bad input for the command exits 2. */
function exitCodeFor(error: unknown): number {
  if (error instanceof EmbeddingError && ['MODEL_NOT_BUILT', 'PROVIDER_UNAVAILABLE'].includes(error.code)) return EXIT.environment;
  if (error instanceof DbError && ['DATABASE_UNAVAILABLE', 'MIGRATION_FAILED', 'UNSUPPORTED_DATABASE_URL'].includes(error.code)) return EXIT.environment;
  if (error instanceof CoreError && ['SOURCE_INVALID', 'INVALID_QUERY', 'UNKNOWN_FIELD', 'HEAD_MODEL_MISMATCH', 'JOB_CONFLICT', 'NOT_FOUND'].includes(error.code)) return EXIT.usage;
  // A head cannot be trained from these labels (one class, too few examples): the request, not the machine.
  if (error instanceof HeadsError && ['TOO_FEW_CLASSES', 'TOO_FEW_EXAMPLES', 'INVALID_INPUT'].includes(error.code)) return EXIT.usage;
  return EXIT.someFailed;
}

async function main(argv: string[]): Promise<void> {
  let env;
  try {
    env = readEnv();
  } catch (error) {
    process.stderr.write(`loupe: ${(error as Error).message}\n`);
    process.exitCode = EXIT.usage;
    return;
  }
  const program = new Command('loupe')
    .description('Loupe visual search: classify, embed and localize images; ingest catalogs and search them')
    .option('-v, --verbose', 'log progress and execution-provider choices on stderr')
    .showHelpAfterError()
    .exitOverride();
  let context: CliContext | undefined;
  const ctx = () => (context ??= createContext(env, Boolean(program.opts().verbose)));
  // Commands take the device default from LOUPE_DEVICE.
  program.hook('preAction', (_top, action) => {
    if (action.options.some((o) => o.long === '--device') && action.getOptionValue('device') === undefined)
      action.setOptionValue('device', env.LOUPE_DEVICE);
  });
  registerAnalyzeCommands(program, ctx);
  registerCatalogCommands(program, ctx);
  registerDetectCommands(program, ctx);
  registerHeadCommands(program, ctx);
  registerAdminCommands(program, ctx);
  registerJobCommands(program, ctx);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return;
    }
    const message = (error as Error).message;
    process.stderr.write(`loupe: ${message}\n`);
    process.exitCode = exitCodeFor(error);
  }
}

await main(process.argv);
