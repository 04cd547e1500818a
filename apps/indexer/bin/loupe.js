#!/usr/bin/env node
// The loupe CLI runs its TypeScript sources through tsx, so the workspace packages need no separate build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
