#!/usr/bin/env node
// The loupe CLI runs its TypeScript sources through tsx, so the workspace packages need no separate build step.
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

// The published workspace packages resolve to their sources under the "@loupe/source" export condition; npm sets it
// for its scripts (.npmrc), this hook also when the CLI is started with plain `node`.
register('data:text/javascript,export const resolve = (s, c, next) => next(s, { ...c, conditions: [...c.conditions, "@loupe/source"] });');
registerTsx();
await import('../src/main.ts');
