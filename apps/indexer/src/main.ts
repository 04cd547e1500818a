// loupe — the command-line entry. Reads the environment once, builds the commands, maps errors to exit codes.
import { Command, CommanderError } from 'commander';
import { EmbeddingError } from '@loupe/embedding';
import { registerAnalyzeCommands } from './commands/analyze.ts';
import { createContext, EXIT, type CliContext } from './context.ts';
import { readEnv } from './env.ts';

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
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return;
    }
    const message = (error as Error).message;
    process.stderr.write(`loupe: ${message}\n`);
    const environmental = error instanceof EmbeddingError && ['MODEL_NOT_BUILT', 'PROVIDER_UNAVAILABLE'].includes(error.code);
    process.exitCode = environmental ? EXIT.environment : EXIT.someFailed;
  }
}

await main(process.argv);
