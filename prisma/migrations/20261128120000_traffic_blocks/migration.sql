-- CreateTable
CREATE TABLE "TrafficBlock" (
    "id" BIGSERIAL NOT NULL,
    "profileId" UUID NOT NULL,
    "firstTime" TIMESTAMP(3) NOT NULL,
    "lastTime" TIMESTAMP(3) NOT NULL,
    "storedAt" TIMESTAMP(3) NOT NULL,
    "rows" INTEGER NOT NULL,
    "data" BYTEA NOT NULL,

    CONSTRAINT "TrafficBlock_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "TrafficBlock_profileId_id_idx" ON "TrafficBlock"("profileId", "id");

-- AddForeignKey
ALTER TABLE "TrafficBlock" ADD CONSTRAINT "TrafficBlock_profileId_fkey" FOREIGN KEY ("profileId") REFERENCES "Profile"("id") ON DELETE CASCADE ON UPDATE CASCADE;

