-- CreateTable
CREATE TABLE "MatchCalibration" (
    "id" SERIAL NOT NULL,
    "catalogId" INTEGER NOT NULL,
    "modelId" TEXT NOT NULL,
    "sameScore" DOUBLE PRECISION NOT NULL,
    "similarScore" DOUBLE PRECISION NOT NULL,
    "itemCount" INTEGER NOT NULL,
    "details" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MatchCalibration_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "MatchCalibration_catalogId_modelId_key" ON "MatchCalibration"("catalogId", "modelId");

-- AddForeignKey
ALTER TABLE "MatchCalibration" ADD CONSTRAINT "MatchCalibration_catalogId_fkey" FOREIGN KEY ("catalogId") REFERENCES "Catalog"("id") ON DELETE CASCADE ON UPDATE CASCADE;
