// loupe admin sessions --revoke-all | loupe admin audit — the web app's admin sessions and audit log, from the shell
// (for a leaked cookie, or after changing the admin password without a restart).
import type { Command } from 'commander';
import { EXIT, type CliContext } from '../context.ts';
import { parsePositiveInt } from '../options.ts';
import { storeOptions, withLoupe, type StoreFlags } from './catalog.ts';

export function registerAdminCommands(program: Command, ctx: () => CliContext): void {
  const admin = program.command('admin').description("the web app's admin sessions and audit log");
  storeOptions(admin.command('sessions'))
    .description('signed-in admin sessions; --revoke-all signs every browser out')
    .option('--revoke-all', 'end every admin session now')
    .action(async (flags: StoreFlags & { revokeAll?: boolean }) => {
      const c = ctx();
      if (!flags.revokeAll) {
        c.err('nothing to do: pass --revoke-all to end every admin session');
        c.setExitCode(EXIT.usage);
        return;
      }
      await withLoupe(c, flags, async (loupe) => {
        const revoked = await loupe.sessions.revokeAll();
        await loupe.audit.record({ action: 'sessions-revoked', actor: 'cli', detail: String(revoked) });
        c.out(flags.json ? JSON.stringify({ revoked }) : `revoked ${revoked} admin session${revoked === 1 ? '' : 's'}`);
      });
    });
  storeOptions(admin.command('audit'))
    .description('the audit log, newest first: sign-ins, wrong passwords, keys created, deletions')
    .option('--limit <n>', 'how many events', parsePositiveInt, 50)
    .action(async (flags: StoreFlags & { limit: number }) => {
      const c = ctx();
      await withLoupe(c, flags, async (loupe) => {
        const { events } = await loupe.audit.list({ limit: Math.min(flags.limit, 1000) });
        if (flags.json) c.out(JSON.stringify(events));
        else for (const e of events) c.out(`${e.createdAt.toISOString()}  ${e.action}  ${e.actor}${e.ip ? ` from ${e.ip}` : ''}${e.detail ? `  ${e.detail}` : ''}`);
      });
    });
}
