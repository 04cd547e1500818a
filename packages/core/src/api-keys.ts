// API keys: created by an admin (the key is shown once, stored hashed), verified on each request, revoked.
import type { ApiKey, ApiKeyScope } from '@loupe/db';
import type { LoupeContext } from './context.ts';

export function createApiKeys({ store }: LoupeContext) {
  return {
    list: (): Promise<ApiKey[]> => store.apiKeys.list(),
    /** A new key; `key` is the secret, returned this once. */
    create: (input: { name: string; scope: ApiKeyScope }): Promise<{ key: string; apiKey: ApiKey }> => store.apiKeys.create(input),
    /** The key's record when it is valid (known, well-formed, not revoked), else null. */
    verify: (key: string): Promise<ApiKey | null> => store.apiKeys.verify(key),
    revoke: (id: number): Promise<ApiKey> => store.apiKeys.revoke(id),
  };
}

export type ApiKeys = ReturnType<typeof createApiKeys>;
