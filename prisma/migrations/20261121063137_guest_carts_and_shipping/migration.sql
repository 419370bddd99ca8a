-- AlterTable
ALTER TABLE "carts" ADD COLUMN     "guest_token_hash" CHAR(64),
ALTER COLUMN "user_id" DROP NOT NULL;

-- AlterTable
ALTER TABLE "orders" ADD COLUMN     "ship_city" VARCHAR(100),
ADD COLUMN     "ship_country" CHAR(2),
ADD COLUMN     "ship_line1" VARCHAR(200),
ADD COLUMN     "ship_line2" VARCHAR(200),
ADD COLUMN     "ship_name" VARCHAR(100),
ADD COLUMN     "ship_postal_code" VARCHAR(20),
ADD COLUMN     "shipping_minor" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "subtotal_minor" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE UNIQUE INDEX "carts_guest_token_hash_key" ON "carts"("guest_token_hash");

-- CreateIndex
CREATE INDEX "carts_updated_at_idx" ON "carts"("updated_at");

-- ---------------------------------------------------------------------------
-- Hand-written below this line: rules schema.prisma cannot express.
-- ---------------------------------------------------------------------------

-- Orders placed before shipping was charged: their subtotal is their total.
UPDATE "orders" SET "subtotal_minor" = "total_minor" WHERE "subtotal_minor" = 0 AND "shipping_minor" = 0;

-- AddCheckConstraint: money adds up, and nothing is negative.
ALTER TABLE "orders" ADD CONSTRAINT "orders_total_is_subtotal_plus_shipping"
  CHECK ("subtotal_minor" >= 0 AND "shipping_minor" >= 0 AND "total_minor" = "subtotal_minor" + "shipping_minor");

-- AddCheckConstraint: a cart has exactly one owner, a user or a guest.
ALTER TABLE "carts" ADD CONSTRAINT "carts_one_owner"
  CHECK (("user_id" IS NULL) <> ("guest_token_hash" IS NULL));
