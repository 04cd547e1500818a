-- CreateTable
CREATE TABLE "MatchCalibration" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "catalogId" INTEGER NOT NULL,
    "modelId" TEXT NOT NULL,
    "sameScore" REAL NOT NULL,
    "similarScore" REAL NOT NULL,
    "itemCount" INTEGER NOT NULL,
    "details" JSONB NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "MatchCalibration_catalogId_fkey" FOREIGN KEY ("catalogId") REFERENCES "Catalog" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "MatchCalibration_catalogId_modelId_key" ON "MatchCalibration"("catalogId", "modelId");
