// Admin sessions (server-side, revocable) and the audit log, for the web app and the CLI.
import type { AuditRepository, SessionRepository } from '@loupe/db';
import type { LoupeContext } from './context.ts';

export type Sessions = SessionRepository;
export type Audit = AuditRepository;

export function createSecurity(ctx: LoupeContext): { sessions: Sessions; audit: Audit } {
  const { sessions, audit } = ctx.store;
  return {
    sessions: {
      create: (input) => sessions.create(input),
      isValid: (token, tag) => sessions.isValid(token, tag),
      revoke: (token) => sessions.revoke(token),
      revokeAll: () => sessions.revokeAll(),
    },
    audit: { record: (input) => audit.record(input), list: (options) => audit.list(options) },
  };
}
