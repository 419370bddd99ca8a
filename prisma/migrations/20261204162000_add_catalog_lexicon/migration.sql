-- CreateTable
CREATE TABLE "catalog_lexemes" (
    "lexeme" TEXT NOT NULL,
    "products" INTEGER NOT NULL,

    CONSTRAINT "catalog_lexemes_pkey" PRIMARY KEY ("lexeme")
);

-- ---------------------------------------------------------------------------
-- Hand-written below this line: the lexicon's maintenance (ADR 005, "Typos").
-- catalog_lexemes holds every lexeme of product_search_document(name,
-- description) over products on sale (archived_at IS NULL), with the number of
-- such products containing it. Search looks corrections of misspelled words up
-- in it; nothing else writes it. scripts/db/check-drift.ts drops the functions
-- (and with them the triggers) in both databases it compares.
-- ---------------------------------------------------------------------------

-- Applies per-lexeme deltas (products gained or lost) in one statement, in
-- lexeme order: two writers lock the rows they share in the same order, so
-- concurrent product writes wait for each other instead of deadlocking (within
-- one statement each; see ADR 005). Rows that reach 0 are deleted. A negative
-- count can only come from a lexicon that was already wrong (triggers disabled,
-- session_replication_role = replica); it is deleted too rather than failing
-- the product write, and catalog_lexicon_rebuild() repairs the lexicon.
CREATE FUNCTION catalog_lexicon_apply(lexemes text[], deltas int[]) RETURNS void
  LANGUAGE sql
BEGIN ATOMIC
  INSERT INTO catalog_lexemes AS l (lexeme, products)
  SELECT d.lexeme, d.delta
    FROM unnest(lexemes, deltas) AS d(lexeme, delta)
   WHERE d.delta <> 0
   ORDER BY d.lexeme
  ON CONFLICT (lexeme) DO UPDATE SET products = l.products + excluded.products;
  DELETE FROM catalog_lexemes l
   WHERE l.products <= 0
     AND l.lexeme = ANY (lexemes);
END;

-- Statement-level triggers with transition tables: a bulk insert or archive
-- updates each lexeme once, not once per product. Only rows whose words or
-- sale status changed count on UPDATE, so the frequent stock updates compute
-- no document at all (they only pay for the transition tables).
CREATE FUNCTION catalog_lexicon_sync() RETURNS trigger
  LANGUAGE plpgsql
  SET search_path FROM CURRENT
AS $$
DECLARE
  lexemes text[];
  deltas int[];
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM catalog_lexemes;
    RETURN NULL;
  ELSIF TG_OP = 'INSERT' THEN
    SELECT array_agg(x.lexeme), array_agg(x.n) INTO lexemes, deltas
      FROM (SELECT w.lexeme, count(*)::int AS n
              FROM new_rows r, unnest(tsvector_to_array(product_search_document(r.name, r.description))) AS w(lexeme)
             WHERE r.archived_at IS NULL
             GROUP BY w.lexeme) x;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(x.lexeme), array_agg(x.n) INTO lexemes, deltas
      FROM (SELECT w.lexeme, -count(*)::int AS n
              FROM old_rows r, unnest(tsvector_to_array(product_search_document(r.name, r.description))) AS w(lexeme)
             WHERE r.archived_at IS NULL
             GROUP BY w.lexeme) x;
  ELSE
    -- A row counts when its old or new version has no twin with the same id,
    -- words and sale status on the other side (correct even if an id changed).
    SELECT array_agg(x.lexeme), array_agg(x.n) INTO lexemes, deltas
      FROM (SELECT w.lexeme, sum(c.sign)::int AS n
              FROM (SELECT o.name, o.description, -1 AS sign
                      FROM old_rows o
                     WHERE o.archived_at IS NULL
                       AND NOT EXISTS (SELECT 1 FROM new_rows n
                                        WHERE n.id = o.id AND n.name = o.name AND n.description = o.description
                                          AND n.archived_at IS NULL)
                    UNION ALL
                    SELECT n.name, n.description, 1
                      FROM new_rows n
                     WHERE n.archived_at IS NULL
                       AND NOT EXISTS (SELECT 1 FROM old_rows o
                                        WHERE o.id = n.id AND o.name = n.name AND o.description = n.description
                                          AND o.archived_at IS NULL)) c,
                   unnest(tsvector_to_array(product_search_document(c.name, c.description))) AS w(lexeme)
             GROUP BY w.lexeme) x;
  END IF;
  IF lexemes IS NOT NULL THEN
    PERFORM catalog_lexicon_apply(lexemes, deltas);
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER catalog_lexicon_insert AFTER INSERT ON products
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION catalog_lexicon_sync();
CREATE TRIGGER catalog_lexicon_update AFTER UPDATE ON products
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION catalog_lexicon_sync();
CREATE TRIGGER catalog_lexicon_delete AFTER DELETE ON products
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION catalog_lexicon_sync();
CREATE TRIGGER catalog_lexicon_truncate AFTER TRUNCATE ON products
  FOR EACH STATEMENT EXECUTE FUNCTION catalog_lexicon_sync();

-- Recounts the lexicon from scratch: the backfill below, a repair after the
-- triggers were bypassed, and the tests' reference. SHARE on products keeps
-- product writes out until the recount commits (reads go on).
CREATE FUNCTION catalog_lexicon_rebuild() RETURNS void
  LANGUAGE plpgsql
  SET search_path FROM CURRENT
AS $$
BEGIN
  LOCK TABLE products IN SHARE MODE;
  DELETE FROM catalog_lexemes;
  INSERT INTO catalog_lexemes (lexeme, products)
  SELECT w.lexeme, count(*)::int
    FROM products p, unnest(tsvector_to_array(product_search_document(p.name, p.description))) AS w(lexeme)
   WHERE p.archived_at IS NULL
   GROUP BY w.lexeme;
END;
$$;

SELECT catalog_lexicon_rebuild();
