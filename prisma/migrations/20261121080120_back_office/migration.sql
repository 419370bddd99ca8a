-- CreateEnum
CREATE TYPE "StockMovementReason" AS ENUM ('opening', 'restock', 'correction', 'damage', 'reservation', 'release');

-- AlterTable
ALTER TABLE "products" ADD COLUMN     "archived_at" TIMESTAMPTZ(3),
ADD COLUMN     "low_stock_threshold" INTEGER NOT NULL DEFAULT 5,
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "orders" ADD COLUMN     "tracking_reference" VARCHAR(100);

-- AlterTable
ALTER TABLE "order_status_changes" ADD COLUMN     "actor_id" UUID;

-- CreateTable
CREATE TABLE "product_images" (
    "id" UUID NOT NULL,
    "product_id" UUID NOT NULL,
    "storage_key" VARCHAR(200) NOT NULL,
    "content_type" VARCHAR(50) NOT NULL,
    "byte_size" INTEGER NOT NULL,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "alt" VARCHAR(200) NOT NULL DEFAULT '',
    "position" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "product_images_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "stock_movements" (
    "id" BIGSERIAL NOT NULL,
    "product_id" UUID NOT NULL,
    "delta" INTEGER NOT NULL,
    "stock_after" INTEGER NOT NULL,
    "reason" "StockMovementReason" NOT NULL,
    "order_id" UUID,
    "actor_id" UUID,
    "note" VARCHAR(200),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "stock_movements_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dead_letters" (
    "id" UUID NOT NULL,
    "topic" VARCHAR(128) NOT NULL,
    "partition" INTEGER NOT NULL,
    "offset" VARCHAR(32) NOT NULL,
    "consumer" VARCHAR(64) NOT NULL,
    "event_id" VARCHAR(64),
    "error" TEXT NOT NULL,
    "headers" JSONB NOT NULL,
    "payload" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dead_letters_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "product_images_storage_key_key" ON "product_images"("storage_key");

-- CreateIndex
CREATE INDEX "product_images_product_id_position_idx" ON "product_images"("product_id", "position");

-- CreateIndex
CREATE INDEX "stock_movements_product_id_id_idx" ON "stock_movements"("product_id", "id");

-- CreateIndex
CREATE INDEX "stock_movements_order_id_idx" ON "stock_movements"("order_id");

-- CreateIndex
CREATE INDEX "dead_letters_created_at_idx" ON "dead_letters"("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "dead_letters_topic_partition_offset_consumer_key" ON "dead_letters"("topic", "partition", "offset", "consumer");

-- CreateIndex
CREATE INDEX "users_created_at_id_idx" ON "users"("created_at", "id");

-- CreateIndex
CREATE INDEX "orders_created_at_id_idx" ON "orders"("created_at" DESC, "id");

-- CreateIndex
CREATE INDEX "processed_events_processed_at_idx" ON "processed_events"("processed_at");

-- AddForeignKey
ALTER TABLE "product_images" ADD CONSTRAINT "product_images_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "products"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "products"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_actor_id_fkey" FOREIGN KEY ("actor_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "order_status_changes" ADD CONSTRAINT "order_status_changes_actor_id_fkey" FOREIGN KEY ("actor_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- ---------------------------------------------------------------------------
-- Hand-written below this line: rules schema.prisma cannot express.
-- ---------------------------------------------------------------------------

-- AddCheckConstraint
ALTER TABLE "products" ADD CONSTRAINT "products_low_stock_threshold_nonnegative" CHECK ("low_stock_threshold" >= 0);
ALTER TABLE "product_images" ADD CONSTRAINT "product_images_sane"
  CHECK ("position" >= 0 AND "byte_size" > 0 AND "width" > 0 AND "height" > 0);
ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_delta_nonzero" CHECK ("delta" <> 0);
ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_stock_after_nonnegative" CHECK ("stock_after" >= 0);

-- Opening balances: the stock every product holds today enters the ledger once.
INSERT INTO "stock_movements" ("product_id", "delta", "stock_after", "reason", "note")
SELECT "id", "stock", "stock", 'opening', 'Opening balance' FROM "products" WHERE "stock" > 0 ORDER BY "id";

-- The ledger is append-only: no row is ever changed or removed.
CREATE FUNCTION "stock_movements_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'stock_movements is append-only (% refused)', TG_OP USING ERRCODE = 'restrict_violation';
END
$$;
CREATE TRIGGER "stock_movements_append_only" BEFORE UPDATE OR DELETE ON "stock_movements"
  FOR EACH ROW EXECUTE FUNCTION "stock_movements_refuse_change"();
CREATE TRIGGER "stock_movements_no_truncate" BEFORE TRUNCATE ON "stock_movements"
  FOR EACH STATEMENT EXECUTE FUNCTION "stock_movements_refuse_change"();

-- Each row continues the product's chain: previous stock_after + delta = stock_after.
-- Writers lock the product row (UPDATE products ...) before appending, so the
-- previous row is committed and visible when this runs.
CREATE FUNCTION "stock_movements_check_chain"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  previous integer;
BEGIN
  SELECT "stock_after" INTO previous FROM "stock_movements"
   WHERE "product_id" = NEW."product_id" ORDER BY "id" DESC LIMIT 1;
  IF COALESCE(previous, 0) + NEW."delta" <> NEW."stock_after" THEN
    RAISE EXCEPTION 'stock ledger out of step for product %: % + % <> %',
      NEW."product_id", COALESCE(previous, 0), NEW."delta", NEW."stock_after" USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER "stock_movements_chain" BEFORE INSERT ON "stock_movements"
  FOR EACH ROW EXECUTE FUNCTION "stock_movements_check_chain"();

-- At commit, a product's stock is the ledger's last stock_after (so, with the
-- chain, the sum of its deltas): a change of stock without its ledger row, in
-- any code path, rolls the whole transaction back.
CREATE FUNCTION "products_check_stock_in_ledger"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  current_stock integer;
  latest integer;
BEGIN
  SELECT "stock" INTO current_stock FROM "products" WHERE "id" = NEW."id";
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  SELECT "stock_after" INTO latest FROM "stock_movements"
   WHERE "product_id" = NEW."id" ORDER BY "id" DESC LIMIT 1;
  IF current_stock <> COALESCE(latest, 0) THEN
    RAISE EXCEPTION 'stock of product % is % but its ledger says %', NEW."id", current_stock, COALESCE(latest, 0)
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER "products_stock_in_ledger" AFTER INSERT OR UPDATE OF "stock" ON "products"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "products_check_stock_in_ledger"();

-- Catalog cache invalidation: any committed change to what the shop shows
-- (products, their stock, categories, images) notifies every listening web
-- instance, whichever process or path wrote it. NOTIFY is delivered at commit
-- and repeated ones in a transaction are folded into one.
CREATE FUNCTION "notify_catalog_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('catalog_changed', TG_TABLE_NAME);
  RETURN NULL;
END
$$;
CREATE TRIGGER "products_notify_catalog" AFTER INSERT OR UPDATE OR DELETE ON "products"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_catalog_changed"();
CREATE TRIGGER "categories_notify_catalog" AFTER INSERT OR UPDATE OR DELETE ON "categories"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_catalog_changed"();
CREATE TRIGGER "product_categories_notify_catalog" AFTER INSERT OR UPDATE OR DELETE ON "product_categories"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_catalog_changed"();
CREATE TRIGGER "product_images_notify_catalog" AFTER INSERT OR UPDATE OR DELETE ON "product_images"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_catalog_changed"();
