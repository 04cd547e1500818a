-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_IngestJob" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "kind" TEXT NOT NULL DEFAULT 'ingest',
    "catalogId" INTEGER,
    "source" TEXT NOT NULL,
    "params" JSONB NOT NULL DEFAULT '{}',
    "status" TEXT NOT NULL DEFAULT 'queued',
    "progress" JSONB NOT NULL DEFAULT '{}',
    "result" JSONB,
    "workerId" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "cancelRequested" BOOLEAN NOT NULL DEFAULT false,
    "filesSeen" INTEGER NOT NULL DEFAULT 0,
    "filesAdded" INTEGER NOT NULL DEFAULT 0,
    "filesDuplicate" INTEGER NOT NULL DEFAULT 0,
    "filesFailed" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "heartbeatAt" DATETIME,
    CONSTRAINT "IngestJob_catalogId_fkey" FOREIGN KEY ("catalogId") REFERENCES "Catalog" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_IngestJob" ("id", "catalogId", "source", "status", "filesSeen", "filesAdded", "filesDuplicate", "filesFailed", "error", "createdAt", "updatedAt", "startedAt", "finishedAt", "heartbeatAt") SELECT "id", "catalogId", "source", "status", "filesSeen", "filesAdded", "filesDuplicate", "filesFailed", "error", "createdAt", "updatedAt", "startedAt", "finishedAt", "heartbeatAt" FROM "IngestJob";
DROP TABLE "IngestJob";
ALTER TABLE "new_IngestJob" RENAME TO "IngestJob";
CREATE INDEX "IngestJob_status_idx" ON "IngestJob"("status");
CREATE INDEX "IngestJob_catalogId_idx" ON "IngestJob"("catalogId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
