/**
 * npm run bench:search: catalog search latency on 50,000 products, through the
 * real repository and use case (no cache), one query at a time. It creates its
 * own database (a clone of the test template, tests/support/db.ts), fills it
 * with generated products, runs ANALYZE, measures each kind of query and
 * prints p50/p95/p99 per kind, then drops the database. Not part of CI.
 *
 * Kinds: exact words (one, two, with a category filter), misspelled words
 * (one edit away from a catalog word of five letters or more: alone, with a
 * correct word, with a category filter), the API's keyset page for both, and
 * the same exact and misspelled queries through a catalog without the lexicon:
 * the search as it was before typo corrections (the "before" rows).
 *
 *   BENCH_PRODUCTS          products to insert (default 50000)
 *   BENCH_QUERIES           measured queries per kind (default 150, after 15 not measured)
 *   BENCH_EXPLAIN=1         also print EXPLAIN ANALYZE of an exact and a corrected page query
 *   TEST_DATABASE_ADMIN_URL a role that may create databases (default postgresql://postgres@127.0.0.1:5432/postgres)
 *   TEST_TEMPLATE_DATABASE  the template to clone (see tests/support/db.ts)
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { makeCatalog, type Catalog } from "@/lib/application/catalog/catalog";
import { editsOne } from "@/lib/domain/spelling";
import { createPrismaClient } from "@/lib/infrastructure/db/prisma-client";
import { PrismaCategoryRepository } from "@/lib/infrastructure/db/prisma-category-repository";
import { PrismaProductRepository, searchPageSql } from "@/lib/infrastructure/db/prisma-product-repository";
import { createTestDatabase } from "../../tests/support/db";

const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 50_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 150);
const WARMUP = 15;
const BATCH = 2_000;

// A deterministic generator, so every run measures the same catalog and queries.
// mulberry32: 32-bit integer arithmetic only (Math.imul), so no precision is lost.
let seed = 0x5eed;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
}
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

const MATERIALS = [
  "oak", "walnut", "linen", "copper", "wool", "ceramic", "cotton", "steel", "glass", "bamboo", "brass", "marble", "leather", "rattan", "cedar",
  "stoneware", "porcelain", "velvet", "jute", "slate", "cork", "pewter", "silver", "acacia", "maple", "cherry", "terracotta", "enamel", "felt", "hemp",
];
const THINGS = [
  "mug", "lamp", "throw", "bowl", "tray", "vase", "teapot", "kettle", "platter", "pitcher", "candle", "blanket", "cushion", "basket", "mirror",
  "clock", "stool", "chair", "table", "shelf", "planter", "carafe", "tumbler", "goblet", "skillet", "ladle", "spoon", "knife", "board", "coaster",
  "napkin", "apron", "towel", "rug", "curtain", "lantern", "sconce", "pendant", "frame", "bookend", "jar", "canister", "teacup", "saucer", "plate",
  "dish", "colander", "grater", "whisk", "mortar",
];
const ADJECTIVES = [
  "classic", "modern", "rustic", "nordic", "vintage", "handmade", "small", "large", "round", "square", "tall", "slim", "heavy", "light", "dark",
  "natural", "white", "black", "smoky", "speckled", "matte", "glossy", "hammered", "woven", "carved", "turned", "folded", "stacked", "nested", "twisted",
];
const PHRASES = [
  "dishwasher safe", "oiled by hand", "fired twice in a wood kiln", "made in a small workshop in Portugal", "finished with natural beeswax",
  "gets softer with every wash", "develops a warm patina over time", "sealed against water and stains", "mouth-blown, so no two are alike",
  "stitched with a contrasting thread", "sized for a generous breakfast", "perfect for a slow Sunday morning", "a gift that lasts for decades",
  "easy to clean with a damp cloth", "sustainably sourced from managed forests", "with a hand-applied reactive glaze", "light enough to carry anywhere",
  "balanced for everyday use", "designed in Copenhagen", "turned on a traditional lathe", "with rounded edges for small hands",
  "brushed for a soft satin finish", "stacks neatly in the cupboard", "keeps drinks warm for longer", "pairs with the rest of the collection",
];
const SYLLABLES = ["al", "bor", "cal", "den", "el", "fin", "gar", "hal", "is", "jor", "kel", "lun", "mar", "nor", "ost", "pel", "quin", "ros", "sil", "tor", "ul", "ven", "wes", "yar", "zel"];
const COLLECTIONS = Array.from({ length: 3_000 }, () => pick(SYLLABLES) + pick(SYLLABLES) + pick(SYLLABLES));
const CATEGORIES = ["kitchen", "lighting", "textiles", "decor", "woodwork", "garden", "bath", "office"];

const capital = (w: string) => w[0]!.toUpperCase() + w.slice(1);

function product(n: number) {
  const adjective = pick(ADJECTIVES);
  const material = pick(MATERIALS);
  const thing = pick(THINGS);
  const collection = pick(COLLECTIONS);
  const name = `${capital(collection)} ${capital(adjective)} ${capital(material)} ${capital(thing)}`;
  const description = `${capital(adjective)} ${thing} in ${material}, ${pick(PHRASES)}. ${capital(pick(PHRASES))}; ${pick(PHRASES)}. From the ${capital(collection)} collection.`;
  const stock = n % 10 === 0 ? 0 : 1 + Math.floor(random() * 60);
  return { id: randomUUID(), sku: `BENCH-${n}`, slug: `bench-${n}`, name, description, priceMinor: 500 + Math.floor(random() * 30_000), stock };
}

/** One edit (deletion, insertion, substitution, swap) of a catalog word, that is not itself a catalog word. */
function typo(word: string, words: ReadonlySet<string>): string {
  for (;;) {
    const edits = editsOne(word).filter((e) => !words.has(e));
    const e = pick(edits);
    if (e.length >= 5) return e;
  }
}

async function fill(pool: pg.Pool): Promise<string[]> {
  const categoryIds: string[] = [];
  for (const [i, slug] of CATEGORIES.entries()) {
    const id = randomUUID();
    await pool.query(`INSERT INTO categories (id, slug, name, position, updated_at) VALUES ($1, $2, $3, $4, now())`, [id, slug, capital(slug), i]);
    categoryIds.push(id);
  }
  const started = performance.now();
  for (let from = 0; from < PRODUCTS; from += BATCH) {
    const rows = Array.from({ length: Math.min(BATCH, PRODUCTS - from) }, (_, i) => product(from + i + 1));
    // Products with their opening ledger rows (stock = the ledger's sum, checked at commit) and one or two categories each.
    await pool.query(
      `WITH p AS (
         INSERT INTO products (id, sku, slug, name, description, price_minor, currency, created_at, updated_at)
         SELECT id, sku, slug, name, description, price, 'USD', now() - (random() * interval '400 days'), now()
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[]) AS t(id, sku, slug, name, description, price)
         RETURNING id, sku),
       s AS (SELECT * FROM unnest($1::uuid[], $7::int[]) AS s(id, stock)),
       -- One variant per product, sharing its id.
       v AS (INSERT INTO product_variants (id, product_id, sku, stock) SELECT p.id, p.id, p.sku, s.stock FROM p JOIN s USING (id) RETURNING id, stock)
       INSERT INTO stock_movements (product_id, variant_id, delta, stock_after, reason, note) SELECT id, id, stock, stock, 'opening', 'bench' FROM v WHERE stock > 0`,
      [rows.map((r) => r.id), rows.map((r) => r.sku), rows.map((r) => r.slug), rows.map((r) => r.name), rows.map((r) => r.description), rows.map((r) => r.priceMinor), rows.map((r) => r.stock)],
    );
    const links = rows.flatMap((r, i) => (i % 4 === 0 ? [[r.id, pick(categoryIds)], [r.id, pick(categoryIds)]] : [[r.id, pick(categoryIds)]]));
    await pool.query(
      `INSERT INTO product_categories (product_id, category_id) SELECT * FROM unnest($1::uuid[], $2::uuid[]) ON CONFLICT DO NOTHING`,
      [links.map((l) => l[0]), links.map((l) => l[1])],
    );
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  await pool.query("ANALYZE");
  const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM catalog_lexemes`);
  console.log(`inserted ${PRODUCTS} products in ${seconds} s (lexicon triggers included); lexicon: ${rows[0]!.n} lexemes`);
  return CATEGORIES;
}

interface Kind {
  name: string;
  run: () => Promise<{ items: unknown[]; didYouMean: string | null }>;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function measure(kind: Kind) {
  for (let i = 0; i < WARMUP; i++) await kind.run();
  const times: number[] = [];
  let found = 0;
  let corrected = 0;
  for (let i = 0; i < QUERIES; i++) {
    const t = performance.now();
    const result = await kind.run();
    times.push(performance.now() - t);
    if (result.items.length > 0) found++;
    if (result.didYouMean !== null) corrected++;
  }
  times.sort((a, b) => a - b);
  const share = (n: number) => `${Math.round((100 * n) / QUERIES)} %`;
  return { p50: percentile(times, 50), p95: percentile(times, 95), p99: percentile(times, 99), max: times.at(-1)!, found: share(found), corrected: share(corrected) };
}

async function main() {
  const db = await createTestDatabase();
  const pool = new pg.Pool({ connectionString: db.url, max: 4 });
  const prisma = createPrismaClient(db.url, { poolSize: 4 });
  try {
    const categories = await fill(pool);
    const repo = new PrismaProductRepository(prisma);
    const directory = new PrismaCategoryRepository(prisma);
    const withTypos: Catalog = makeCatalog({ products: repo, lexicon: repo, categories: directory });
    const before: Catalog = makeCatalog({ products: repo, categories: directory });

    const long = [...MATERIALS, ...THINGS, ...ADJECTIVES].filter((w) => w.length >= 5);
    const all = new Set([...MATERIALS, ...THINGS, ...ADJECTIVES, ...COLLECTIONS]);
    const word = () => pick([...MATERIALS, ...THINGS]);
    // Each kind draws its own queries; the generator is deterministic, so "before" rows get the same sequence by resetting it.
    const queries = {
      exact: () => ({ q: pick(long) }),
      exact2: () => ({ q: `${pick(MATERIALS)} ${pick(THINGS)}` }),
      exactCategory: () => ({ q: word(), category: pick(categories) }),
      typo: () => ({ q: typo(pick(long), all) }),
      typo2: () => ({ q: `${typo(pick(long), all)} ${pick(THINGS)}` }),
      typoCategory: () => ({ q: typo(pick(long), all), category: pick(categories) }),
    };
    const listing = (catalog: Catalog, make: () => { q: string; category?: string }) => () => catalog.searchProducts({ ...make(), page: 1 });
    const api = (catalog: Catalog, make: () => { q: string; category?: string }) => () => catalog.browseProducts({ ...make(), limit: 20 });

    const kinds: [string, Kind[]][] = [
      [
        "listing page (page + count)",
        [
          { name: "exact, 1 word", run: listing(withTypos, queries.exact) },
          { name: "exact, 1 word (before)", run: listing(before, queries.exact) },
          { name: "exact, 2 words", run: listing(withTypos, queries.exact2) },
          { name: "exact, 2 words (before)", run: listing(before, queries.exact2) },
          { name: "exact + category", run: listing(withTypos, queries.exactCategory) },
          { name: "exact + category (before)", run: listing(before, queries.exactCategory) },
          { name: "typo, 1 word", run: listing(withTypos, queries.typo) },
          { name: "typo, 1 word (before: trigrams)", run: listing(before, queries.typo) },
          { name: "typo + exact word", run: listing(withTypos, queries.typo2) },
          { name: "typo + exact word (before: trigrams)", run: listing(before, queries.typo2) },
          { name: "typo + category", run: listing(withTypos, queries.typoCategory) },
          { name: "typo + category (before: trigrams)", run: listing(before, queries.typoCategory) },
        ],
      ],
      [
        "API keyset page (GET /api/v1/products)",
        [
          { name: "exact, 1 word", run: api(withTypos, queries.exact) },
          { name: "exact, 1 word (before)", run: api(before, queries.exact) },
          { name: "typo, 1 word", run: api(withTypos, queries.typo) },
          { name: "typo, 1 word (before: trigrams)", run: api(before, queries.typo) },
        ],
      ],
    ];

    console.log(`\n${QUERIES} measured queries per row (after ${WARMUP} not measured), one at a time, no cache; milliseconds\n`);
    console.log("| query | p50 | p95 | p99 | max | found some | corrected |");
    console.log("|---|---:|---:|---:|---:|---:|---:|");
    for (const [group, rows] of kinds) {
      console.log(`| **${group}** | | | | | | |`);
      for (const kind of rows) {
        const savedSeed = seed;
        const r = await measure(kind);
        // A "(before)" row follows its "after" row with the same queries.
        if (!kind.name.includes("(before")) seed = savedSeed;
        console.log(`| ${kind.name} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.max.toFixed(1)} | ${r.found} | ${r.corrected} |`);
      }
    }

    if (process.env.BENCH_EXPLAIN === "1") {
      const found = await repo.findCorrections(["walnot"], editsOne);
      const exact = { text: "walnut", match: "words" as const, inStockOnly: false, sort: "relevance" as const };
      for (const [label, criteria] of [
        ["exact 'walnut'", exact],
        ["corrected 'walnot'", { ...exact, text: "walnot", corrections: found }],
      ] as const) {
        const sql = searchPageSql(criteria, { offset: 0, limit: 24 });
        const { rows } = await pool.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql.text}`, sql.values);
        console.log(`\nEXPLAIN ANALYZE, ${label}:\n${rows.map((r) => r["QUERY PLAN"]).join("\n")}`);
      }
    }
  } finally {
    await prisma.$disconnect();
    await pool.end();
    await db.drop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
