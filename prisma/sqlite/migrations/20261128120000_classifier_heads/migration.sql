-- CreateTable
CREATE TABLE "ClassifierHead" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "catalogId" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    "labelField" TEXT NOT NULL,
    "classes" JSONB NOT NULL,
    "metrics" JSONB NOT NULL,
    "modelId" TEXT NOT NULL,
    "settings" JSONB NOT NULL,
    "onnx" BLOB NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ClassifierHead_catalogId_fkey" FOREIGN KEY ("catalogId") REFERENCES "Catalog" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ItemLabel" (
    "itemId" INTEGER NOT NULL,
    "headId" INTEGER NOT NULL,
    "label" TEXT NOT NULL,
    "score" REAL NOT NULL,
    "source" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("itemId", "headId"),
    CONSTRAINT "ItemLabel_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "Item" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ItemLabel_headId_fkey" FOREIGN KEY ("headId") REFERENCES "ClassifierHead" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "ClassifierHead_catalogId_active_idx" ON "ClassifierHead"("catalogId", "active");

-- CreateIndex
CREATE UNIQUE INDEX "ClassifierHead_catalogId_version_key" ON "ClassifierHead"("catalogId", "version");

-- CreateIndex
CREATE INDEX "ItemLabel_headId_label_idx" ON "ItemLabel"("headId", "label");
