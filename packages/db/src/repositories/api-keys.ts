// API keys for scripts. A key is "lk_" + 8 public characters (the prefix, used to find the row) + "_" + 32 secret
// characters; only its SHA-256 is stored (the key has 190+ random bits, so a fast hash is enough), and it is shown
// once, when created.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { StoreContext } from '../context.ts';
import { InvalidInputError, NotFoundError } from '../errors.ts';
import type { ApiKey, ApiKeyRepository, ApiKeyScope } from '../types.ts';
import * as v from '../validate.ts';

const SCOPES: readonly ApiKeyScope[] = ['read', 'admin'];
const KEY_PATTERN = /^lk_([A-Za-z0-9]{8})_([A-Za-z0-9_-]{32})$/;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function toApiKey(row: { id: number; name: string; prefix: string; scope: string; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null }): ApiKey {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scope: row.scope as ApiKeyScope,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  };
}

export function apiKeyRepository(ctx: StoreContext): ApiKeyRepository {
  const { db } = ctx;
  return {
    async create(input) {
      const name = v.text('name', input.name, { max: 100 });
      if (!SCOPES.includes(input.scope)) throw new InvalidInputError(`scope must be one of ${SCOPES.join(', ')}, got ${String(input.scope)}`);
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
      const prefix = Array.from(randomBytes(8), (b) => alphabet[b % alphabet.length]).join('');
      const secret = randomBytes(24).toString('base64url');
      const key = `lk_${prefix}_${secret}`;
      const row = await ctx.run(() => db.apiKey.create({ data: { name, prefix: `lk_${prefix}`, hash: sha256(key), scope: input.scope } }));
      return { key, apiKey: toApiKey(row) };
    },

    async verify(key) {
      const match = KEY_PATTERN.exec(key);
      if (!match) return null;
      return ctx.run(async () => {
        const row = await db.apiKey.findUnique({ where: { prefix: `lk_${match[1]}` } });
        if (!row || row.revokedAt) return null;
        const expected = Buffer.from(row.hash, 'hex');
        const actual = Buffer.from(sha256(key), 'hex');
        if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
        const used = await db.apiKey.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
        return toApiKey(used);
      });
    },

    async list() {
      return ctx.run(async () => (await db.apiKey.findMany({ orderBy: { id: 'asc' } })).map(toApiKey));
    },

    async revoke(id) {
      return ctx.run(async () => {
        const { count } = await db.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
        if (count === 0) {
          const exists = await db.apiKey.findUnique({ where: { id } });
          if (!exists) throw new NotFoundError('apiKey', id);
        }
        return toApiKey((await db.apiKey.findUnique({ where: { id } }))!);
      });
    },
  };
}
