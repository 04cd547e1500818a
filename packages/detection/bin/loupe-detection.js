#!/usr/bin/env node
// The compiled CLI (scripts/cli.ts). In the Loupe repository, use `npm run model` instead: it runs the sources.
await import('../dist/scripts/cli.js');
