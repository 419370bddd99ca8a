-- AlterTable
ALTER TABLE "auth_sessions" ADD COLUMN     "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateTable
CREATE TABLE "api_used_refresh_tokens" (
    "hash" CHAR(64) NOT NULL,
    "session_id" UUID NOT NULL,
    "used_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "api_used_refresh_tokens_pkey" PRIMARY KEY ("hash")
);

-- CreateIndex
CREATE INDEX "api_used_refresh_tokens_session_id_idx" ON "api_used_refresh_tokens"("session_id");

-- AddForeignKey
ALTER TABLE "api_used_refresh_tokens" ADD CONSTRAINT "api_used_refresh_tokens_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "api_sessions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written: the one used token each session remembered so far stays a reuse after the change.
INSERT INTO "api_used_refresh_tokens" ("hash", "session_id", "used_at")
SELECT "previous_refresh_token_hash", "id", COALESCE("refreshed_at", "created_at")
FROM "api_sessions" WHERE "previous_refresh_token_hash" IS NOT NULL;

-- DropIndex
DROP INDEX "api_sessions_previous_refresh_token_hash_key";

-- AlterTable
ALTER TABLE "api_sessions" DROP COLUMN "previous_refresh_token_hash";
