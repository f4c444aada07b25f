-- CreateSchema

-- CreateEnum
CREATE TYPE "RecordKind" AS ENUM ('PACKET', 'FLOW', 'TABULAR');

-- CreateEnum
CREATE TYPE "JobState" AS ENUM ('QUEUED', 'ACTIVE', 'COMPLETED', 'FAILED', 'CANCELLED');

-- CreateTable
CREATE TABLE "Site" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Site_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Profile" (
    "id" UUID NOT NULL,
    "siteId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "RecordKind" NOT NULL DEFAULT 'PACKET',
    "detectors" JSONB NOT NULL,
    "contamination" DOUBLE PRECISION NOT NULL DEFAULT 0.01,
    "alertsPerDay" DOUBLE PRECISION,
    "storeTraffic" BOOLEAN NOT NULL DEFAULT false,
    "retrainEvery" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Profile_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Model" (
    "id" UUID NOT NULL,
    "profileId" UUID NOT NULL,
    "detector" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "params" JSONB NOT NULL,
    "state" JSONB NOT NULL,
    "threshold" DOUBLE PRECISION NOT NULL,
    "featureSpec" JSONB NOT NULL,
    "metrics" JSONB NOT NULL,
    "trainedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "active" BOOLEAN NOT NULL DEFAULT false,
    "trainingJobId" UUID,

    CONSTRAINT "Model_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TrafficRecord" (
    "id" BIGSERIAL NOT NULL,
    "profileId" UUID NOT NULL,
    "time" TIMESTAMP(3) NOT NULL,
    "record" JSONB NOT NULL,
    "label" TEXT,

    CONSTRAINT "TrafficRecord_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Anomaly" (
    "id" BIGSERIAL NOT NULL,
    "profileId" UUID NOT NULL,
    "time" TIMESTAMP(3) NOT NULL,
    "record" JSONB NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "detectorScores" JSONB NOT NULL,
    "modelIds" TEXT[],
    "explanation" JSONB NOT NULL,
    "srcIp" TEXT,
    "destIp" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Anomaly_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TrainingJob" (
    "id" UUID NOT NULL,
    "profileId" UUID NOT NULL,
    "state" "JobState" NOT NULL DEFAULT 'QUEUED',
    "progress" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "message" TEXT,
    "request" JSONB NOT NULL,
    "modelIds" TEXT[],
    "error" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "TrainingJob_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Site_name_key" ON "Site"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Profile_siteId_name_key" ON "Profile"("siteId", "name");

-- CreateIndex
CREATE INDEX "Model_profileId_detector_active_idx" ON "Model"("profileId", "detector", "active");

-- CreateIndex
CREATE UNIQUE INDEX "Model_profileId_detector_version_key" ON "Model"("profileId", "detector", "version");

-- CreateIndex
CREATE INDEX "TrafficRecord_profileId_id_idx" ON "TrafficRecord"("profileId", "id");

-- CreateIndex
CREATE INDEX "TrafficRecord_profileId_time_idx" ON "TrafficRecord"("profileId", "time");

-- CreateIndex
CREATE INDEX "Anomaly_profileId_time_id_idx" ON "Anomaly"("profileId", "time" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Anomaly_time_id_idx" ON "Anomaly"("time" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "TrainingJob_profileId_createdAt_idx" ON "TrainingJob"("profileId", "createdAt" DESC);

-- AddForeignKey
ALTER TABLE "Profile" ADD CONSTRAINT "Profile_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "Site"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Model" ADD CONSTRAINT "Model_profileId_fkey" FOREIGN KEY ("profileId") REFERENCES "Profile"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TrafficRecord" ADD CONSTRAINT "TrafficRecord_profileId_fkey" FOREIGN KEY ("profileId") REFERENCES "Profile"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Anomaly" ADD CONSTRAINT "Anomaly_profileId_fkey" FOREIGN KEY ("profileId") REFERENCES "Profile"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TrainingJob" ADD CONSTRAINT "TrainingJob_profileId_fkey" FOREIGN KEY ("profileId") REFERENCES "Profile"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- One active model per profile and detector: activation flips versions inside a
-- transaction, and this index makes a second active version impossible.
CREATE UNIQUE INDEX "Model_one_active_per_detector" ON "Model"("profileId", "detector") WHERE "active";
