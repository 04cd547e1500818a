// Server-side admin sessions and the audit log. A session row is found by the SHA-256 of the cookie's random token
// (the token itself is never stored); it is valid while unexpired and made under the current admin password.
import { createHash } from 'node:crypto';
import type { StoreContext } from '../context.ts';
import type { AuditEvent, AuditRepository, SessionRepository } from '../types.ts';
import * as v from '../validate.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

export function sessionRepository(ctx: StoreContext): SessionRepository {
  const { db } = ctx;
  return {
    async create(input) {
      const token = v.text('token', input.token, { max: 200 });
      const passwordTag = v.text('passwordTag', input.passwordTag, { max: 200 });
      await ctx.run(() => db.adminSession.create({ data: { tokenHash: sha256(token), passwordTag, expiresAt: input.expiresAt } }));
    },
    async isValid(token, passwordTag) {
      if (typeof token !== 'string' || token.length === 0 || token.length > 200) return false;
      return ctx.run(async () => {
        const row = await db.adminSession.findUnique({ where: { tokenHash: sha256(token) } });
        return row !== null && row.expiresAt.getTime() > Date.now() && row.passwordTag === passwordTag;
      });
    },
    async revoke(token) {
      await ctx.run(() => db.adminSession.deleteMany({ where: { tokenHash: sha256(token) } }));
    },
    async revokeAll() {
      return ctx.run(async () => (await db.adminSession.deleteMany({})).count);
    },
  };
}

export function auditRepository(ctx: StoreContext): AuditRepository {
  const { db } = ctx;
  const toEvent = (row: AuditEvent): AuditEvent => ({ id: row.id, action: row.action, actor: row.actor, detail: row.detail, ip: row.ip, createdAt: row.createdAt });
  return {
    async record(input) {
      const data = {
        action: v.text('action', input.action, { max: 100 }),
        actor: v.text('actor', input.actor.slice(0, 200), { max: 200 }),
        detail: input.detail == null ? null : input.detail.slice(0, 2000),
        ip: input.ip == null ? null : input.ip.slice(0, 100),
      };
      return toEvent(await ctx.run(() => db.auditEvent.create({ data })));
    },
    async list(options = {}) {
      const limit = v.limit(options.limit, 100, 1000);
      const cursor = options.cursor == null ? null : v.id('cursor', options.cursor);
      return ctx.run(async () => {
        const rows = await db.auditEvent.findMany({ where: cursor === null ? {} : { id: { lt: cursor } }, orderBy: { id: 'desc' }, take: limit + 1 });
        const page = rows.slice(0, limit).map(toEvent);
        return { events: page, nextCursor: rows.length > limit ? page[page.length - 1]!.id : null };
      });
    },
  };
}
