-- CreateTable
CREATE TABLE "ClassifierHead" (
    "id" SERIAL NOT NULL,
    "catalogId" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    "labelField" TEXT NOT NULL,
    "classes" JSONB NOT NULL,
    "metrics" JSONB NOT NULL,
    "modelId" TEXT NOT NULL,
    "settings" JSONB NOT NULL,
    "onnx" BYTEA NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ClassifierHead_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ItemLabel" (
    "itemId" INTEGER NOT NULL,
    "headId" INTEGER NOT NULL,
    "label" TEXT NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "source" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ItemLabel_pkey" PRIMARY KEY ("itemId","headId")
);

-- CreateIndex
CREATE INDEX "ClassifierHead_catalogId_active_idx" ON "ClassifierHead"("catalogId", "active");

-- CreateIndex
CREATE UNIQUE INDEX "ClassifierHead_catalogId_version_key" ON "ClassifierHead"("catalogId", "version");

-- CreateIndex
CREATE INDEX "ItemLabel_headId_label_idx" ON "ItemLabel"("headId", "label");

-- AddForeignKey
ALTER TABLE "ClassifierHead" ADD CONSTRAINT "ClassifierHead_catalogId_fkey" FOREIGN KEY ("catalogId") REFERENCES "Catalog"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ItemLabel" ADD CONSTRAINT "ItemLabel_itemId_fkey" FOREIGN KEY ("itemId") REFERENCES "Item"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ItemLabel" ADD CONSTRAINT "ItemLabel_headId_fkey" FOREIGN KEY ("headId") REFERENCES "ClassifierHead"("id") ON DELETE CASCADE ON UPDATE CASCADE;
