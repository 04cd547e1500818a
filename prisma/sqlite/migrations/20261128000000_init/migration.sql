-- CreateTable
CREATE TABLE "Catalog" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Item" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "catalogId" INTEGER NOT NULL,
    "externalId" TEXT,
    "title" TEXT NOT NULL,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "contentHash" TEXT NOT NULL,
    "storedFile" TEXT NOT NULL,
    "thumbnailFile" TEXT,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "mimeType" TEXT NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "sourceName" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Item_catalogId_fkey" FOREIGN KEY ("catalogId") REFERENCES "Catalog" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Embedding" (
    "itemId" INTEGER NOT NULL,
    "modelId" TEXT NOT NULL,
    "dim" INTEGER NOT NULL,
    "vector" BLOB NOT NULL,
    "sequence" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("itemId", "modelId"),
    CONSTRAINT "Embedding_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "Item" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Prediction" (
    "itemId" INTEGER NOT NULL,
    "modelId" TEXT NOT NULL,
    "rank" INTEGER NOT NULL,
    "classId" INTEGER NOT NULL,
    "label" TEXT NOT NULL,
    "score" REAL NOT NULL,

    PRIMARY KEY ("itemId", "modelId", "rank"),
    CONSTRAINT "Prediction_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "Item" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Box" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "itemId" INTEGER NOT NULL,
    "modelId" TEXT NOT NULL,
    "x0" REAL NOT NULL,
    "y0" REAL NOT NULL,
    "x1" REAL NOT NULL,
    "y1" REAL NOT NULL,
    "classId" INTEGER NOT NULL,
    "label" TEXT NOT NULL,
    "score" REAL NOT NULL,
    CONSTRAINT "Box_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "Item" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "IndexEvent" (
    "sequence" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "itemId" INTEGER NOT NULL,
    "catalogId" INTEGER NOT NULL,
    "modelId" TEXT NOT NULL,
    "op" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "IngestJob" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "catalogId" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
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

-- CreateTable
CREATE TABLE "JobFile" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "jobId" INTEGER NOT NULL,
    "path" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "reason" TEXT,
    "itemId" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "JobFile_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "IngestJob" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "JobFile_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "Item" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "Catalog_slug_key" ON "Catalog"("slug");

-- CreateIndex
CREATE INDEX "Item_catalogId_id_idx" ON "Item"("catalogId", "id");

-- CreateIndex
CREATE UNIQUE INDEX "Item_catalogId_contentHash_key" ON "Item"("catalogId", "contentHash");

-- CreateIndex
CREATE UNIQUE INDEX "Item_catalogId_externalId_key" ON "Item"("catalogId", "externalId");

-- CreateIndex
CREATE INDEX "Embedding_modelId_sequence_idx" ON "Embedding"("modelId", "sequence");

-- CreateIndex
CREATE INDEX "Prediction_modelId_classId_idx" ON "Prediction"("modelId", "classId");

-- CreateIndex
CREATE INDEX "Box_itemId_modelId_idx" ON "Box"("itemId", "modelId");

-- CreateIndex
CREATE INDEX "IndexEvent_modelId_sequence_idx" ON "IndexEvent"("modelId", "sequence");

-- CreateIndex
CREATE INDEX "IngestJob_status_idx" ON "IngestJob"("status");

-- CreateIndex
CREATE INDEX "IngestJob_catalogId_idx" ON "IngestJob"("catalogId");

-- CreateIndex
CREATE INDEX "JobFile_itemId_idx" ON "JobFile"("itemId");

-- CreateIndex
CREATE UNIQUE INDEX "JobFile_jobId_path_key" ON "JobFile"("jobId", "path");
