import { z } from 'zod';
import { requireSession } from '../../../../server/auth';
import { handle } from '../../../../server/errors';
import { readJson } from '../../../../server/http';
import { getLoupe } from '../../../../server/loupe';

export const dynamic = 'force-dynamic';

const keyJson = (k: { id: number; name: string; prefix: string; scope: string; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null }) => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  scope: k.scope,
  createdAt: k.createdAt.toISOString(),
  lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
  revoked: k.revokedAt !== null,
});

/** API keys (signed-in admin only). */
export const GET = handle(async (request: Request) => {
  await requireSession(request);
  return Response.json({ keys: (await (await getLoupe()).store.apiKeys.list()).map(keyJson) });
});

/** Creates a key: `{ "name", "scope": "read" | "admin" }` → the key, shown this once. */
export const POST = handle(async (request: Request) => {
  await requireSession(request);
  const body = z.object({ name: z.string().trim().min(1).max(100), scope: z.enum(['read', 'admin']) }).parse(await readJson(request));
  const { key, apiKey } = await (await getLoupe()).store.apiKeys.create(body);
  return Response.json({ key, ...keyJson(apiKey) }, { status: 201 });
});
