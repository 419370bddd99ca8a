-- AlterTable
ALTER TABLE "idempotency_keys" ADD COLUMN     "claim_token" UUID;
