-- CreateEnum
CREATE TYPE "PaymentState" AS ENUM ('pending', 'charged', 'declined', 'void_pending', 'voided');

-- CreateEnum
CREATE TYPE "RefundState" AS ENUM ('pending', 'succeeded');

-- AlterTable
ALTER TABLE "payment_attempts" ADD COLUMN     "applied_at" TIMESTAMPTZ(3),
ADD COLUMN     "last_error" VARCHAR(300),
ADD COLUMN     "next_attempt_at" TIMESTAMPTZ(3),
ADD COLUMN     "request_key" VARCHAR(100),
ADD COLUMN     "retries" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "state" "PaymentState",
ADD COLUMN     "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- Backfill (hand-edited): declines stay declines. Of an order's authorisations,
-- the earliest paid the order (applied); any later one was a second charge of
-- the same order and is owed back (the worker voids it).
UPDATE "payment_attempts" SET "state" = 'declined' WHERE "outcome" = 'declined';
WITH ranked AS (
  SELECT a."id", a."created_at", o."paid_at",
         row_number() OVER (PARTITION BY a."order_id" ORDER BY a."created_at", a."id") AS n
  FROM "payment_attempts" a JOIN "orders" o ON o."id" = a."order_id"
  WHERE a."outcome" = 'authorized'
)
UPDATE "payment_attempts" p
SET "state" = CASE WHEN r.n = 1 AND r."paid_at" IS NOT NULL THEN 'charged'::"PaymentState" ELSE 'void_pending'::"PaymentState" END,
    "applied_at" = CASE WHEN r.n = 1 AND r."paid_at" IS NOT NULL THEN r."created_at" END,
    "next_attempt_at" = CASE WHEN r.n = 1 AND r."paid_at" IS NOT NULL THEN NULL ELSE now() END
FROM ranked r WHERE p."id" = r."id";
ALTER TABLE "payment_attempts" ALTER COLUMN "state" SET NOT NULL;
ALTER TABLE "payment_attempts" DROP COLUMN "outcome";

-- DropEnum
DROP TYPE "PaymentOutcome";

-- CreateTable
CREATE TABLE "refunds" (
    "id" UUID NOT NULL,
    "order_id" UUID NOT NULL,
    "attempt_id" UUID NOT NULL,
    "amount_minor" INTEGER NOT NULL,
    "state" "RefundState" NOT NULL,
    "reason" VARCHAR(32) NOT NULL,
    "actor_id" UUID,
    "request_key" VARCHAR(100),
    "reference" VARCHAR(100),
    "next_attempt_at" TIMESTAMPTZ(3),
    "retries" INTEGER NOT NULL DEFAULT 0,
    "last_error" VARCHAR(300),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "refunds_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "refunds_order_id_created_at_idx" ON "refunds"("order_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "refunds_order_id_request_key_key" ON "refunds"("order_id", "request_key");

-- CreateIndex
CREATE UNIQUE INDEX "payment_attempts_order_id_request_key_key" ON "payment_attempts"("order_id", "request_key");

-- AddForeignKey
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_attempt_id_fkey" FOREIGN KEY ("attempt_id") REFERENCES "payment_attempts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_actor_id_fkey" FOREIGN KEY ("actor_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Hand-written below this line.

-- A cancelled paid order's flag becomes what the ledger says: the money still
-- held is refunded by the worker. (refund_due was only ever set on cancelling a paid order.)
INSERT INTO "refunds" ("id", "order_id", "attempt_id", "amount_minor", "state", "reason", "next_attempt_at")
SELECT gen_random_uuid(), o."id", a."id", a."amount_minor", 'pending', 'cancellation', now()
FROM "orders" o JOIN "payment_attempts" a ON a."order_id" = o."id" AND a."state" = 'charged'
WHERE o."refund_due";
ALTER TABLE "orders" DROP COLUMN "refund_due";

-- One charge per order: at most one attempt is in flight or holds the money.
-- A second payer is refused by this index even if the order lock were skipped.
CREATE UNIQUE INDEX "payment_attempts_one_standing_idx" ON "payment_attempts" ("order_id")
  WHERE "state" IN ('pending', 'charged');
-- The worker's queues: voids and refunds still to make, by when they are due.
CREATE INDEX "payment_attempts_void_due_idx" ON "payment_attempts" ("next_attempt_at") WHERE "state" = 'void_pending';
CREATE INDEX "refunds_due_idx" ON "refunds" ("next_attempt_at") WHERE "state" = 'pending';
-- Declines per user in the last hour (abuse limit) read attempts by time.
CREATE INDEX "payment_attempts_declined_idx" ON "payment_attempts" ("created_at") WHERE "state" = 'declined';

ALTER TABLE "payment_attempts" ADD CONSTRAINT "payment_attempts_amount_check" CHECK ("amount_minor" > 0);
ALTER TABLE "payment_attempts" ADD CONSTRAINT "payment_attempts_retries_check" CHECK ("retries" >= 0);
ALTER TABLE "payment_attempts" ADD CONSTRAINT "payment_attempts_applied_check" CHECK ("applied_at" IS NULL OR "state" = 'charged');
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_amount_check" CHECK ("amount_minor" > 0);
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_retries_check" CHECK ("retries" >= 0);
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_reason_check" CHECK ("reason" IN ('admin', 'cancellation'));

-- A new refund wakes the worker that makes it (LISTEN refunds), as the outbox does.
CREATE TRIGGER "refunds_notify" AFTER INSERT ON "refunds"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_new_work"();
