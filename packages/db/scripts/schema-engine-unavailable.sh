#!/bin/sh
# Stand-in for Prisma's native schema engine. `prisma generate` only needs PRISMA_SCHEMA_ENGINE_BINARY to name an
# existing file (otherwise the CLI tries to download the engine at start). Commands that really need the engine
# (migrate dev/deploy/diff, db push/pull) end here with a clear message instead of a download attempt.
echo "The Prisma schema engine is not installed in this project: migrations are applied by @loupe/db's own runner." >&2
echo "To author a migration, see packages/db/README.md (\"Authoring a migration\")." >&2
exit 1
