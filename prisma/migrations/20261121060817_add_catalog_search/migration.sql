-- AlterTable
ALTER TABLE "products" ADD COLUMN     "image_url" VARCHAR(500);

-- CreateTable
CREATE TABLE "categories" (
    "id" UUID NOT NULL,
    "slug" VARCHAR(80) NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "position" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "categories_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "product_categories" (
    "product_id" UUID NOT NULL,
    "category_id" UUID NOT NULL,

    CONSTRAINT "product_categories_pkey" PRIMARY KEY ("product_id","category_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "categories_slug_key" ON "categories"("slug");

-- CreateIndex
CREATE INDEX "product_categories_category_id_product_id_idx" ON "product_categories"("category_id", "product_id");

-- CreateIndex
CREATE INDEX "products_price_minor_id_idx" ON "products"("price_minor", "id");

-- CreateIndex
CREATE INDEX "products_created_at_id_idx" ON "products"("created_at", "id");

-- AddForeignKey
ALTER TABLE "product_categories" ADD CONSTRAINT "product_categories_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "products"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "product_categories" ADD CONSTRAINT "product_categories_category_id_fkey" FOREIGN KEY ("category_id") REFERENCES "categories"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- ---------------------------------------------------------------------------
-- Hand-written below this line: catalog search, which schema.prisma cannot
-- express (extensions, functions, expression indexes). scripts/db/check-drift.ts
-- drops these objects in both databases it compares, as it does CHECK
-- constraints and partial indexes. Needs PostgreSQL >= 14 (BEGIN ATOMIC).
-- ---------------------------------------------------------------------------

-- CreateExtension: both are "trusted" extensions (PostgreSQL >= 13), so a
-- database owner without superuser can create them.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;

-- unaccent() is only STABLE (its dictionary could be reconfigured), and index
-- expressions must be IMMUTABLE. This wrapper names the dictionary explicitly
-- and promises immutability: the usual pattern. If the unaccent rules file
-- ever changes, REINDEX the two search indexes below.
-- BEGIN ATOMIC bodies are bound when created, so a caller's search_path cannot
-- redirect unaccent or the dictionary to another object.
CREATE FUNCTION immutable_unaccent(text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
BEGIN ATOMIC
  SELECT unaccent('unaccent'::regdictionary, $1);
END;

-- Full-text search document of a product: words of the name (weight A) rank
-- above words of the description (weight B). Accents are removed before the
-- English stemmer runs, so "Café", "cafe" and "cafés" are one lexeme.
-- The repository calls these functions rather than repeating the expressions,
-- so its queries always match the index definitions.
CREATE FUNCTION product_search_document(name text, description text) RETURNS tsvector
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
  SELECT setweight(to_tsvector('english'::regconfig, immutable_unaccent(name)), 'A')
      || setweight(to_tsvector('english'::regconfig, immutable_unaccent(description)), 'B');
END;

-- The shopper's words as a tsquery with the same normalisation; web-search
-- syntax ("a phrase", or, -word) and never a syntax error on odd input.
CREATE FUNCTION product_search_query(query text) RETURNS tsquery
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
BEGIN ATOMIC
  SELECT websearch_to_tsquery('english'::regconfig, immutable_unaccent(query));
END;

-- The text trigram (typo-tolerant) matching compares the shopper's words with.
-- pg_trgm ignores case itself; accents it would not.
CREATE FUNCTION product_search_text(name text, description text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
  SELECT immutable_unaccent(name || ' ' || description);
END;

-- CreateIndex (expression, GIN): document @@ query.
CREATE INDEX "products_search_document_idx" ON "products" USING GIN (product_search_document("name", "description"));

-- CreateIndex (expression, GIN trigram): query <% text (word similarity).
CREATE INDEX "products_search_text_trgm_idx" ON "products" USING GIN (product_search_text("name", "description") gin_trgm_ops);
