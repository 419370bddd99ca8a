-- Variants (ADR 016, stage 2): a product has options ("Size": S/M/L) and
-- variants, one per combination it sells; the variant is the unit of stock.
-- Every existing product becomes a product with one default variant that
-- takes over its SKU, stock, threshold and ledger; products.stock goes, so
-- there is one source of truth for stock.

CREATE TABLE "product_options" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "product_id" UUID NOT NULL,
    "name" VARCHAR(50) NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "product_options_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "product_options_product_id_name_key" ON "product_options"("product_id", "name");
ALTER TABLE "product_options" ADD CONSTRAINT "product_options_product_id_fkey"
  FOREIGN KEY ("product_id") REFERENCES "products"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "product_option_values" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "option_id" UUID NOT NULL,
    "value" VARCHAR(50) NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "product_option_values_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "product_option_values_option_id_value_key" ON "product_option_values"("option_id", "value");
ALTER TABLE "product_option_values" ADD CONSTRAINT "product_option_values_option_id_fkey"
  FOREIGN KEY ("option_id") REFERENCES "product_options"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "product_variants" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "product_id" UUID NOT NULL,
    "sku" VARCHAR(64) NOT NULL,
    "price_override_minor" INTEGER,
    "stock" INTEGER NOT NULL DEFAULT 0,
    "low_stock_threshold" INTEGER NOT NULL DEFAULT 5,
    "position" INTEGER NOT NULL DEFAULT 0,
    "archived_at" TIMESTAMPTZ(3),
    "version" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "product_variants_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "product_variants_stock_nonnegative" CHECK ("stock" >= 0),
    CONSTRAINT "product_variants_low_stock_threshold_nonnegative" CHECK ("low_stock_threshold" >= 0),
    CONSTRAINT "product_variants_price_override_nonnegative" CHECK ("price_override_minor" >= 0)
);
CREATE UNIQUE INDEX "product_variants_sku_key" ON "product_variants"("sku");
-- The target of the lines' and the ledger's (variant_id, product_id) foreign
-- keys: a line can never name a variant of another product.
CREATE UNIQUE INDEX "product_variants_id_product_id_key" ON "product_variants"("id", "product_id");
CREATE INDEX "product_variants_product_id_position_idx" ON "product_variants"("product_id", "position");
ALTER TABLE "product_variants" ADD CONSTRAINT "product_variants_product_id_fkey"
  FOREIGN KEY ("product_id") REFERENCES "products"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE TABLE "variant_option_values" (
    "variant_id" UUID NOT NULL,
    "option_value_id" UUID NOT NULL,
    CONSTRAINT "variant_option_values_pkey" PRIMARY KEY ("variant_id", "option_value_id")
);
CREATE INDEX "variant_option_values_option_value_id_idx" ON "variant_option_values"("option_value_id");
ALTER TABLE "variant_option_values" ADD CONSTRAINT "variant_option_values_variant_id_fkey"
  FOREIGN KEY ("variant_id") REFERENCES "product_variants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "variant_option_values" ADD CONSTRAINT "variant_option_values_option_value_id_fkey"
  FOREIGN KEY ("option_value_id") REFERENCES "product_option_values"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Every product gets its default variant. It takes the product's id, so an
-- event written before variants (order.created v1/v2, inventory.updated v1)
-- names its variant by the product id it carries: the upcast is a pure
-- function (lib/domain/events.ts). Variants created later get their own ids.
INSERT INTO "product_variants" ("id", "product_id", "sku", "stock", "low_stock_threshold", "position", "created_at", "updated_at")
SELECT "id", "id", "sku", "stock", "low_stock_threshold", 0, "created_at", "updated_at" FROM "products";

-- The ledger, cart lines and order lines name the variant (and keep the
-- product, which a variant never changes, for the product-level reads).
ALTER TABLE "stock_movements" ADD COLUMN "variant_id" UUID;
ALTER TABLE "stock_movements" DISABLE TRIGGER "stock_movements_append_only";
UPDATE "stock_movements" SET "variant_id" = "product_id";
ALTER TABLE "stock_movements" ENABLE TRIGGER "stock_movements_append_only";
ALTER TABLE "stock_movements" ALTER COLUMN "variant_id" SET NOT NULL;
CREATE INDEX "stock_movements_variant_id_id_idx" ON "stock_movements"("variant_id", "id");
ALTER TABLE "stock_movements" ADD CONSTRAINT "stock_movements_variant_id_product_id_fkey"
  FOREIGN KEY ("variant_id", "product_id") REFERENCES "product_variants"("id", "product_id") ON DELETE RESTRICT ON UPDATE CASCADE;

ALTER TABLE "cart_items" ADD COLUMN "variant_id" UUID;
UPDATE "cart_items" SET "variant_id" = "product_id";
ALTER TABLE "cart_items" ALTER COLUMN "variant_id" SET NOT NULL;
DROP INDEX "cart_items_cart_id_product_id_key";
-- One line per variant: two tabs adding the same variant meet on this key.
CREATE UNIQUE INDEX "cart_items_cart_id_variant_id_key" ON "cart_items"("cart_id", "variant_id");
CREATE INDEX "cart_items_variant_id_idx" ON "cart_items"("variant_id");
ALTER TABLE "cart_items" ADD CONSTRAINT "cart_items_variant_id_product_id_fkey"
  FOREIGN KEY ("variant_id", "product_id") REFERENCES "product_variants"("id", "product_id") ON DELETE RESTRICT ON UPDATE CASCADE;

ALTER TABLE "order_items" ADD COLUMN "variant_id" UUID;
-- Snapshot of the variant's option values at order time ("Size: M / Colour: Oak");
-- empty for a product without options.
ALTER TABLE "order_items" ADD COLUMN "variant_title" VARCHAR(200) NOT NULL DEFAULT '';
UPDATE "order_items" SET "variant_id" = "product_id";
ALTER TABLE "order_items" ALTER COLUMN "variant_id" SET NOT NULL;
DROP INDEX "order_items_order_id_product_id_key";
CREATE UNIQUE INDEX "order_items_order_id_variant_id_key" ON "order_items"("order_id", "variant_id");
CREATE INDEX "order_items_variant_id_idx" ON "order_items"("variant_id");
ALTER TABLE "order_items" ADD CONSTRAINT "order_items_variant_id_product_id_fkey"
  FOREIGN KEY ("variant_id", "product_id") REFERENCES "product_variants"("id", "product_id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The ledger's chain is per variant now: previous stock_after + delta = stock_after.
-- Writers lock the variant row (UPDATE product_variants ...) before appending.
CREATE OR REPLACE FUNCTION "stock_movements_check_chain"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  previous integer;
BEGIN
  SELECT "stock_after" INTO previous FROM "stock_movements"
   WHERE "variant_id" = NEW."variant_id" ORDER BY "id" DESC LIMIT 1;
  IF COALESCE(previous, 0) + NEW."delta" <> NEW."stock_after" THEN
    RAISE EXCEPTION 'stock ledger out of step for variant %: % + % <> %',
      NEW."variant_id", COALESCE(previous, 0), NEW."delta", NEW."stock_after" USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;

-- At commit, a variant's stock is its ledger's last stock_after.
CREATE FUNCTION "product_variants_check_stock_in_ledger"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  current_stock integer;
  latest integer;
BEGIN
  SELECT "stock" INTO current_stock FROM "product_variants" WHERE "id" = NEW."id";
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  SELECT "stock_after" INTO latest FROM "stock_movements"
   WHERE "variant_id" = NEW."id" ORDER BY "id" DESC LIMIT 1;
  IF current_stock <> COALESCE(latest, 0) THEN
    RAISE EXCEPTION 'stock of variant % is % but its ledger says %', NEW."id", current_stock, COALESCE(latest, 0)
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER "product_variants_stock_in_ledger" AFTER INSERT OR UPDATE OF "stock" ON "product_variants"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "product_variants_check_stock_in_ledger"();

-- A live variant holds exactly one value of each of its product's options, and
-- no two live variants of a product hold the same combination (a product
-- without options has one live variant). Checked at commit, so a transaction
-- may add an option and give every variant its value before the check runs.
CREATE FUNCTION "product_variants_check_combinations"(product uuid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  options integer;
  bad uuid;
  twin uuid[];
BEGIN
  -- Serialises the checks of one product's writers: without it two
  -- transactions adding the same combination could both pass before either
  -- commits. NO KEY UPDATE does not block the KEY SHARE locks foreign keys take.
  PERFORM 1 FROM products WHERE id = product FOR NO KEY UPDATE;
  SELECT count(*) INTO options FROM product_options o WHERE o.product_id = product;
  -- As many values as the product has options, each of a different option of this product.
  SELECT v.id INTO bad
    FROM product_variants v
   WHERE v.product_id = product AND v.archived_at IS NULL
     AND ((SELECT count(*) FROM variant_option_values vov WHERE vov.variant_id = v.id) <> options
          OR (SELECT count(DISTINCT o.id)
                FROM variant_option_values vov
                JOIN product_option_values ov ON ov.id = vov.option_value_id
                JOIN product_options o ON o.id = ov.option_id AND o.product_id = product
               WHERE vov.variant_id = v.id) <> options)
   LIMIT 1;
  IF bad IS NOT NULL THEN
    RAISE EXCEPTION 'variant % does not hold exactly one value of each option of product %', bad, product
      USING ERRCODE = 'check_violation';
  END IF;
  SELECT c.combination INTO twin
    FROM (SELECT v.id, array_remove(array_agg(vov.option_value_id ORDER BY vov.option_value_id), NULL) AS combination
            FROM product_variants v
            LEFT JOIN variant_option_values vov ON vov.variant_id = v.id
           WHERE v.product_id = product AND v.archived_at IS NULL
           GROUP BY v.id) c
   GROUP BY c.combination
  HAVING count(*) > 1
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'two live variants of product % hold the same option values', product
      USING ERRCODE = 'unique_violation';
  END IF;
END
$$;

CREATE FUNCTION "product_variants_check_combinations_trigger"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  product uuid;
BEGIN
  IF TG_TABLE_NAME = 'product_variants' OR TG_TABLE_NAME = 'product_options' THEN
    product := CASE WHEN TG_OP = 'DELETE' THEN OLD.product_id ELSE NEW.product_id END;
  ELSE
    SELECT v.product_id INTO product FROM product_variants v
     WHERE v.id = CASE WHEN TG_OP = 'DELETE' THEN OLD.variant_id ELSE NEW.variant_id END;
  END IF;
  IF product IS NOT NULL THEN
    PERFORM "product_variants_check_combinations"(product);
  END IF;
  RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER "product_variants_combinations" AFTER INSERT OR UPDATE OF "archived_at", "product_id" ON "product_variants"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "product_variants_check_combinations_trigger"();
CREATE CONSTRAINT TRIGGER "variant_option_values_combinations" AFTER INSERT OR UPDATE OR DELETE ON "variant_option_values"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "product_variants_check_combinations_trigger"();
CREATE CONSTRAINT TRIGGER "product_options_combinations" AFTER INSERT OR DELETE ON "product_options"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "product_variants_check_combinations_trigger"();

-- An option belongs to one product and a value to one option for good (to
-- move one, delete it and create it again): the checks above run per product
-- and could not see a move.
CREATE FUNCTION "product_options_refuse_move"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% cannot move to another %', TG_TABLE_NAME,
    CASE TG_TABLE_NAME WHEN 'product_options' THEN 'product' ELSE 'option' END
    USING ERRCODE = 'restrict_violation';
END
$$;
CREATE TRIGGER "product_options_no_move" BEFORE UPDATE OF "product_id" ON "product_options"
  FOR EACH ROW WHEN (OLD."product_id" IS DISTINCT FROM NEW."product_id") EXECUTE FUNCTION "product_options_refuse_move"();
CREATE TRIGGER "product_option_values_no_move" BEFORE UPDATE OF "option_id" ON "product_option_values"
  FOR EACH ROW WHEN (OLD."option_id" IS DISTINCT FROM NEW."option_id") EXECUTE FUNCTION "product_options_refuse_move"();

-- Stock lives on the variant now.
DROP TRIGGER "products_stock_in_ledger" ON "products";
DROP FUNCTION "products_check_stock_in_ledger"();
ALTER TABLE "products" DROP COLUMN "stock";
ALTER TABLE "products" DROP COLUMN "low_stock_threshold";

-- A variant's stock and price are what the shop shows: changes notify the
-- catalog caches as product changes do.
CREATE TRIGGER "product_variants_notify_catalog" AFTER INSERT OR UPDATE OR DELETE ON "product_variants"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_catalog_changed"();
CREATE TRIGGER "product_options_notify_catalog" AFTER INSERT OR UPDATE OR DELETE ON "product_options"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_catalog_changed"();
CREATE TRIGGER "product_option_values_notify_catalog" AFTER INSERT OR UPDATE OR DELETE ON "product_option_values"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_catalog_changed"();
CREATE TRIGGER "variant_option_values_notify_catalog" AFTER INSERT OR UPDATE OR DELETE ON "variant_option_values"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_catalog_changed"();

-- How a variant's option values read on a cart line, an order line or in the
-- back office: "Size: M / Wood: Oak" in option order; '' without options.
-- (lib/domain/catalog.ts variantTitle writes the same for in-memory reads.)
CREATE FUNCTION "variant_title"(variant uuid) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT coalesce(string_agg(o.name || ': ' || ov.value, ' / ' ORDER BY o.position, o.name), '')
    FROM variant_option_values vov
    JOIN product_option_values ov ON ov.id = vov.option_value_id
    JOIN product_options o ON o.id = ov.option_id
   WHERE vov.variant_id = variant
$$;
