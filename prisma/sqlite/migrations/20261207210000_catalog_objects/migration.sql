-- AlterTable
ALTER TABLE "Box" ADD COLUMN "mask" JSONB;

-- AlterTable
ALTER TABLE "Catalog" ADD COLUMN "objects" TEXT NOT NULL DEFAULT 'boxes';
