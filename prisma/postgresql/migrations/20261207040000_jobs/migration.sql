-- AlterTable
ALTER TABLE "IngestJob" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "cancelRequested" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "kind" TEXT NOT NULL DEFAULT 'ingest',
ADD COLUMN     "params" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "progress" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "result" JSONB,
ADD COLUMN     "workerId" TEXT,
ALTER COLUMN "catalogId" DROP NOT NULL;
