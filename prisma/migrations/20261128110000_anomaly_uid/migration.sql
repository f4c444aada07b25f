-- AlterTable
-- IF NOT EXISTS: the api_keys migration generated alongside may already carry this column.
ALTER TABLE "Anomaly" ADD COLUMN IF NOT EXISTS "uid" UUID NOT NULL DEFAULT gen_random_uuid();

-- CreateIndex
CREATE UNIQUE INDEX IF NOT EXISTS "Anomaly_uid_key" ON "Anomaly"("uid");
