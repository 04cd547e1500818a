import { CreateApiKey } from '@loupe/api';
import { keyJson } from '../../../../server/api';
import { audit, requireSession } from '../../../../server/auth';
import { handle } from '../../../../server/errors';
import { readJson } from '../../../../server/http';
import { getLoupe } from '../../../../server/loupe';

export const dynamic = 'force-dynamic';

/** API keys (signed-in admin only). */
export const GET = handle(async (request: Request) => {
  await requireSession(request);
  return Response.json({ keys: (await (await getLoupe()).apiKeys.list()).map(keyJson) });
});

/** Creates a key: `{ "name", "scope": "read" | "admin" }` → the key, shown this once. */
export const POST = handle(async (request: Request) => {
  const who = await requireSession(request);
  const { key, apiKey } = await (await getLoupe()).apiKeys.create(CreateApiKey.parse(await readJson(request)));
  await audit(request, who, 'key-created', `${apiKey.prefix} "${apiKey.name}" (${apiKey.scope})`);
  return Response.json({ key, ...keyJson(apiKey) }, { status: 201 });
});
