import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import type { ProductCriteria, ProductSearchResult } from "@/lib/application/catalog/catalog";
import { correctionsSql, searchCountSql, searchPageSql } from "@/lib/infrastructure/db/prisma-product-repository";
import { editsOne } from "@/lib/domain/spelling";
import { insertSeedCatalog } from "../support/catalog-fixtures";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { servicesFor, sqlPool } from "../support/fixtures";

// Typo corrections (ADR 005, "Typos") over real PostgreSQL: the seed catalog
// (walnut, oak, ... mugs, lamps, trays) plus teapots, and an archived product
// whose word must never be suggested.
let db: TestDatabase;
let pool: pg.Pool;
let services: ReturnType<typeof servicesFor>;

/** A product with no stock (so no ledger row is needed), on sale unless archived. */
async function addProduct(name: string, description: string, archived = false): Promise<string> {
  const id = randomUUID();
  const tag = id.slice(0, 8);
  await pool.query(
    `INSERT INTO products (id, sku, slug, name, description, price_minor, currency, archived_at, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, 1000, 'USD', $6, now(), now())`,
    [id, `SKU-${tag}`, `p-${tag}`, name, description, archived ? new Date() : null],
  );
  return id;
}

beforeAll(async () => {
  db = await createTestDatabase();
  pool = sqlPool(db.url);
  // No catalog cache: tests change products with SQL, which does not invalidate it.
  services = servicesFor(db.url, { CATALOG_CACHE_TTL_SECONDS: "0" });
  await insertSeedCatalog(pool);
  await addProduct("Round Teapot", "A stoneware teapot for loose tea.");
  await addProduct("Glass Teapot", "See the leaves unfurl.");
  await addProduct("Brass Lantern", "A lantern for the garden path.", true);
});

afterAll(async () => {
  await services?.close();
  await pool?.end();
  await db?.drop();
});

const search = (q: string, extra: { category?: string; sort?: "name"; maxPriceMinor?: number } = {}) => services.catalog.searchProducts({ q, page: 1, ...extra });
const names = (r: ProductSearchResult) => r.items.map((p) => p.name);
const sorted = (list: string[]) => [...list].sort();

/** The lexicon as the triggers keep it, and as a recount from scratch says it should be. */
async function lexiconAndRecount(client: pg.Pool | pg.PoolClient = pool) {
  const kept = await client.query<{ lexeme: string; products: number }>(`SELECT lexeme, products FROM catalog_lexemes ORDER BY lexeme COLLATE "C"`);
  const recount = await client.query<{ lexeme: string; products: number }>(
    `SELECT w.lexeme, count(*)::int AS products
       FROM products p, unnest(tsvector_to_array(product_search_document(p.name, p.description))) AS w(lexeme)
      WHERE p.archived_at IS NULL
      GROUP BY w.lexeme ORDER BY w.lexeme COLLATE "C"`,
  );
  return { kept: kept.rows, recount: recount.rows };
}

async function expectLexiconExact() {
  const { kept, recount } = await lexiconAndRecount();
  expect(kept.length).toBeGreaterThan(0);
  expect(kept).toEqual(recount);
}

describe("misspelled words find the products they were meant for", () => {
  it.each([
    ["walnot", "a wrong letter"],
    ["wlanut", "two letters swapped"],
    ["walnnut", "a doubled letter"],
    ["walnt", "a missing letter"],
    ["WALNÖT", "case and accents as usual"],
  ])("'%s' (%s) finds the walnut products, says 'did you mean walnut', matched by words", async (q) => {
    const walnut = await search("walnut");
    expect(walnut.total).toBe(6);
    const result = await search(q);
    expect(sorted(names(result))).toEqual(sorted(names(walnut)));
    expect(result.matchedBy).toBe("words");
    expect(result.didYouMean?.toLowerCase()).toBe("walnut");
  });

  it.each(["teapto", "tepot", "teapoot", "taepot"])("'%s' finds the teapots", async (q) => {
    const result = await search(q);
    expect(sorted(names(result))).toEqual(["Glass Teapot", "Round Teapot"]);
    expect(result).toMatchObject({ matchedBy: "words", didYouMean: "teapot" });
  });

  it("corrects one word of several and keeps the rest as typed in 'did you mean'", async () => {
    const result = await search("Walnot tray");
    expect(names(result)).toEqual(["Walnut Tray"]);
    expect(result.didYouMean).toBe("Walnut tray");
    const both = await search("walnot traay");
    expect(both.didYouMean).toBe("walnut tray");
    expect(names(both)).toEqual(["Walnut Tray"]);
  });

  it("corrects a word by its stem: 'teapots' misspelled as 'teaptos' finds teapots", async () => {
    expect(sorted(names(await search("teaptos")))).toEqual(["Glass Teapot", "Round Teapot"]);
  });

  it("ranks products with the words as typed above those found through a correction", async () => {
    // "or": teapots match as typed; walnut products only through "walnot" → "walnut".
    const result = await search("walnot or teapot");
    expect(result.didYouMean).toBe("walnut or teapot");
    expect(result.total).toBe(8);
    expect(sorted(names(result).slice(0, 2))).toEqual(["Glass Teapot", "Round Teapot"]);
    expect(names(result).slice(2).every((n) => n.startsWith("Walnut "))).toBe(true);
    // Another order keeps the shopper's choice; the counts are the same.
    const byName = await search("walnot or teapot", { sort: "name" });
    expect(byName.total).toBe(8);
    expect(names(byName)).toEqual(sorted(names(byName)));
  });

  it("keeps filters exact: nothing through the correction within the filters gives no 'did you mean'", async () => {
    const lighting = await search("walnot", { category: "lighting" });
    expect(names(lighting)).toEqual(["Walnut Lamp"]);
    expect(lighting.didYouMean).toBe("walnut");
    // Every walnut piece costs more than $10 (the teapots cost exactly that).
    const cheap = await search("walnot", { maxPriceMinor: 1000 });
    expect(cheap).toMatchObject({ total: 0, didYouMean: null, matchedBy: "similar" });
  });

  it("never suggests a word only archived products have", async () => {
    const { rows } = await pool.query(`SELECT 1 FROM catalog_lexemes WHERE lexeme = 'lantern'`);
    expect(rows).toHaveLength(0);
    for (const q of ["lantren", "lanterm"]) {
      const result = await search(q);
      expect(result.didYouMean, q).toBeNull();
      expect(names(result), q).toEqual([]);
    }
  });

  it("does not correct words some product contains, or short words", async () => {
    // "walnuts": its lexeme (walnut) is in the catalog, whatever the spelling.
    const walnuts = await search("walnuts");
    expect(walnuts).toMatchObject({ total: 6, didYouMean: null, matchedBy: "words" });
    const id = await addProduct("Walnot Stool", "A stool with a typo in its name.");
    try {
      const result = await search("walnot");
      expect(names(result)).toEqual(["Walnot Stool"]);
      expect(result.didYouMean).toBeNull();
    } finally {
      await pool.query(`DELETE FROM products WHERE id = $1`, [id]);
    }
    expect((await search("lamo")).matchedBy).toBe("similar");
  });

  it("asks the lexicon in one statement, and uses the GIN index for the corrected search", async () => {
    const lookup = correctionsSql([
      { word: "walnot", candidates: editsOne("walnot") },
      { word: "walnut", candidates: editsOne("walnut") },
    ]);
    const { rows } = await pool.query<{ i: number; lexeme: string }>(lookup.text, lookup.values);
    // Only the misspelled word (the first) has corrections; the real word's candidates are not even stemmed.
    expect(new Set(rows.map((r) => r.i))).toEqual(new Set([1]));
    expect(rows.map((r) => r.lexeme)).toContain("walnut");
    const criteria: ProductCriteria = {
      text: "walnot",
      match: "words",
      corrections: [{ lexeme: "walnot", alternatives: ["walnut"] }],
      inStockOnly: false,
      sort: "relevance",
    };
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await client.query("SET LOCAL enable_seqscan = off");
      for (const sql of [searchPageSql(criteria, { offset: 0, limit: 24 }), searchCountSql(criteria)]) {
        const plan = (await client.query(`EXPLAIN ${sql.text}`, sql.values)).rows.map((r: Record<string, string>) => r["QUERY PLAN"]).join("\n");
        expect(plan).toMatch(/Bitmap Index Scan on products_search_document_idx/);
      }
    } finally {
      await client.query("ROLLBACK");
      client.release();
    }
  });
});

describe("the lexicon stays exact", () => {
  it("matches a recount after the seed", async () => {
    await expectLexiconExact();
  });

  it("after inserts, renames, description edits, archives, restores, stock changes and deletes", async () => {
    const a = await addProduct("Cedar Chest", "A chest of cedar for blankets.");
    const b = await addProduct("Cedar Box", "Small cedar box.");
    await expectLexiconExact();
    await pool.query(`UPDATE products SET name = 'Pine Chest' WHERE id = $1`, [a]);
    await pool.query(`UPDATE products SET description = 'For letters and blankets.' WHERE id = $1`, [b]);
    await expectLexiconExact();
    await pool.query(`UPDATE products SET archived_at = now() WHERE id = ANY($1::uuid[])`, [[a, b]]);
    await expectLexiconExact();
    await pool.query(`UPDATE products SET price_minor = price_minor + 1`); // no word changes: nothing to do
    await pool.query(`UPDATE products SET archived_at = NULL, name = 'Cedar Chest' WHERE id = $1`, [a]);
    await expectLexiconExact();
    await pool.query(`DELETE FROM products WHERE id = ANY($1::uuid[])`, [[a, b]]);
    await expectLexiconExact();
    const { rows } = await pool.query(`SELECT lexeme FROM catalog_lexemes WHERE lexeme IN ('cedar', 'pine', 'chest')`);
    expect(rows).toEqual([]);
  });

  it("under concurrent product writes that share words, without deadlocks", async () => {
    const words = ["amber", "birch", "cobalt", "dune", "ember", "fjord", "granite", "harbor"];
    const pick = (n: number, k: number) => Array.from({ length: k }, (_, j) => words[(n * 7 + j * 3) % words.length]).join(" ");
    const ids = await Promise.all(Array.from({ length: 24 }, (_, n) => addProduct(`${pick(n, 2)} vessel`, `Made of ${pick(n + 1, 3)}.`)));
    await expectLexiconExact();
    // 8 writers at once, each 12 single-statement writes (renames, multi-row archives and restores, inserts, deletes) in shuffled orders.
    const writers = Array.from({ length: 8 }, async (_, w) => {
      for (let step = 0; step < 12; step++) {
        const n = (w * 13 + step * 5) % ids.length;
        switch ((w + step) % 5) {
          case 0:
            await pool.query(`UPDATE products SET name = $2, description = $3 WHERE id = $1`, [ids[n], `${pick(n + step, 2)} jar`, `In ${pick(w + step, 3)}.`]);
            break;
          case 1:
            await pool.query(`UPDATE products SET archived_at = now() WHERE id = ANY($1::uuid[])`, [[ids[n], ids[(n + 5) % ids.length], ids[(n + 11) % ids.length]]]);
            break;
          case 2:
            await pool.query(`UPDATE products SET archived_at = NULL WHERE id = ANY($1::uuid[])`, [[ids[(n + 11) % ids.length], ids[n]]]);
            break;
          case 3: {
            const extra = await addProduct(`${pick(w + step, 3)} bowl`, `Glazed ${pick(step, 2)}.`);
            if (step % 2 === 0) await pool.query(`DELETE FROM products WHERE id = $1`, [extra]);
            break;
          }
          default:
            await pool.query(
              `UPDATE products SET description = description || ' ' || $2 WHERE id = ANY($1::uuid[])`,
              [[ids[n], ids[(n + 3) % ids.length]], words[(w + step) % words.length]],
            );
        }
      }
    });
    const outcomes = await Promise.allSettled(writers);
    expect(outcomes.filter((o) => o.status === "rejected").map((o) => String((o as PromiseRejectedResult).reason))).toEqual([]);
    await expectLexiconExact();
  });

  // (TRUNCATE products is refused today: it would cascade to the append-only stock_movements.)
  it("is repaired by catalog_lexicon_rebuild()", async () => {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await client.query(`UPDATE catalog_lexemes SET products = products + 5 WHERE lexeme = 'walnut'`);
      await client.query(`SELECT catalog_lexicon_rebuild()`);
      const { kept, recount } = await lexiconAndRecount(client);
      expect(kept).toEqual(recount);
      await client.query("ROLLBACK");
    } finally {
      client.release();
    }
  });
});
