import { describe, expect, it } from "vitest";
import { isAppError } from "@/lib/domain/errors";
import { InMemoryCatalog } from "@/tests/support/in-memory";
import { makeCatalog } from "./catalog";

function setup() {
  const store = new InMemoryCatalog();
  store.addCategory({ slug: "lighting", name: "Lighting", position: 2 });
  store.addCategory({ slug: "kitchen", name: "Kitchen", position: 1 });
  store.addProduct({ name: "Oak Lamp", description: "A warm lamp.", price: { amountMinor: 6900, currency: "USD" }, categories: ["lighting"] });
  store.addProduct({ name: "Walnut Lamp", description: "A dark lamp.", price: { amountMinor: 7400, currency: "USD" }, stock: 0, categories: ["lighting"] });
  store.addProduct({ name: "Oak Mug", description: "For a café au lait.", price: { amountMinor: 1450, currency: "USD" }, categories: ["kitchen"] });
  store.addProduct({ name: "Walnut Bowl", description: "For crème brûlée.", price: { amountMinor: 2200, currency: "USD" }, categories: ["kitchen"] });
  return { store, catalog: makeCatalog({ products: store, categories: store }) };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (e: unknown) => e,
  );
}

describe("searchProducts", () => {
  it("lists everything by name when there are no words, and says no text was matched", async () => {
    const { catalog } = setup();
    const result = await catalog.searchProducts({ page: 1 });
    expect(result.items.map((p) => p.name)).toEqual(["Oak Lamp", "Oak Mug", "Walnut Bowl", "Walnut Lamp"]);
    expect(result).toMatchObject({ total: 4, page: 1, pageCount: 1, matchedBy: null, applied: { text: null, sort: "name" } });
  });

  it("matches words exactly first and does not look for similar words when they are found", async () => {
    const { catalog, store } = setup();
    const result = await catalog.searchProducts({ q: "  LAMP ", page: 1 });
    expect(result.items.map((p) => p.name)).toEqual(["Oak Lamp", "Walnut Lamp"]);
    expect(result.matchedBy).toBe("words");
    expect(result.applied).toMatchObject({ text: "LAMP", sort: "relevance" });
    expect(store.searches.map((s) => s.match)).toEqual(["words"]);
  });

  it("falls back to similar words only when no product contains the words", async () => {
    const { catalog, store } = setup();
    const result = await catalog.searchProducts({ q: "walnt", page: 1 });
    expect(result.items.map((p) => p.name)).toEqual(["Walnut Bowl", "Walnut Lamp"]);
    expect(result.matchedBy).toBe("similar");
    expect(store.searches.map((s) => s.match)).toEqual(["words", "similar"]);
    expect(store.searches[1]).toMatchObject({ text: "walnt", sort: "relevance" });
  });

  it("reports 'similar' with no results when nothing looks like the words either", async () => {
    const { catalog } = setup();
    const result = await catalog.searchProducts({ q: "xyzzy", page: 1 });
    expect(result).toMatchObject({ items: [], total: 0, pageCount: 1, matchedBy: "similar" });
  });

  it("treats blank words as no search", async () => {
    const { catalog, store } = setup();
    const result = await catalog.searchProducts({ q: "   ", sort: "relevance", page: 1 });
    expect(result).toMatchObject({ total: 4, matchedBy: null, applied: { text: null, sort: "name" } });
    expect(store.searches[0]).not.toHaveProperty("text");
  });

  it("passes every filter to the port and reports them as applied", async () => {
    const { catalog, store } = setup();
    const result = await catalog.searchProducts({
      category: "lighting",
      minPriceMinor: 5000,
      maxPriceMinor: 8000,
      inStockOnly: true,
      sort: "price_desc",
      page: 1,
    });
    expect(result.items.map((p) => p.name)).toEqual(["Oak Lamp"]);
    expect(store.searches[0]).toEqual({
      categoryId: result.applied.category!.id,
      minPriceMinor: 5000,
      maxPriceMinor: 8000,
      inStockOnly: true,
      sort: "price_desc",
      match: "words",
    });
    expect(result.applied).toMatchObject({ category: { slug: "lighting", name: "Lighting" }, minPriceMinor: 5000, maxPriceMinor: 8000, inStockOnly: true });
  });

  it("refuses an unknown category as not found, naming the field", async () => {
    const { catalog } = setup();
    const error = await failure(catalog.searchProducts({ category: "garden", page: 1 }));
    expect(isAppError(error, "not_found")).toBe(true);
    expect((error as { fields: { path: string }[] }).fields[0]!.path).toBe("category");
  });

  it("refuses a minimum price above the maximum, and negative or fractional prices", async () => {
    const { catalog } = setup();
    const swapped = await failure(catalog.searchProducts({ minPriceMinor: 2000, maxPriceMinor: 1000, page: 1 }));
    expect(isAppError(swapped, "validation")).toBe(true);
    expect((swapped as { fields: { path: string }[] }).fields[0]!.path).toBe("maxPrice");
    for (const bad of [-1, 12.5, Number.NaN]) {
      expect(isAppError(await failure(catalog.searchProducts({ minPriceMinor: bad, page: 1 })), "validation")).toBe(true);
    }
    // An equal minimum and maximum is a valid, exact price.
    const exact = await catalog.searchProducts({ minPriceMinor: 1450, maxPriceMinor: 1450, page: 1 });
    expect(exact.items.map((p) => p.name)).toEqual(["Oak Mug"]);
  });

  it("pages with a page count, and a page past the end is empty but keeps the count", async () => {
    const store = new InMemoryCatalog();
    for (let i = 1; i <= 60; i++) store.addProduct({ name: `Product ${String(i).padStart(2, "0")}` });
    const catalog = makeCatalog({ products: store, categories: store });
    const third = await catalog.searchProducts({ page: 3 });
    expect(third).toMatchObject({ total: 60, pageSize: 24, pageCount: 3, page: 3 });
    expect(third.items.map((p) => p.name)).toEqual(Array.from({ length: 12 }, (_, i) => `Product ${49 + i}`));
    const small = await catalog.searchProducts({ page: 2, pageSize: 25 });
    expect(small.items[0]!.name).toBe("Product 26");
    expect(small.pageCount).toBe(3);
    const past = await catalog.searchProducts({ page: 4 });
    expect(past).toMatchObject({ items: [], total: 60, pageCount: 3 });
    expect(isAppError(await failure(catalog.searchProducts({ page: 0 })), "validation")).toBe(true);
  });
});

describe("product and category pages", () => {
  it("finds a product with its categories, and says not found for an unknown slug", async () => {
    const { catalog } = setup();
    const product = await catalog.getProduct("oak-lamp");
    expect(product.name).toBe("Oak Lamp");
    expect(product.categories.map((c) => c.slug)).toEqual(["lighting"]);
    expect(isAppError(await failure(catalog.getProduct("no-such-thing")), "not_found")).toBe(true);
  });

  it("lists categories in display order with product counts", async () => {
    const { catalog } = setup();
    expect((await catalog.listCategories()).map((c) => [c.slug, c.productCount])).toEqual([
      ["kitchen", 2],
      ["lighting", 2],
    ]);
    expect((await catalog.getCategory("kitchen")).name).toBe("Kitchen");
    expect(isAppError(await failure(catalog.getCategory("garden")), "not_found")).toBe(true);
  });

  it("gives the sitemap every category and product", async () => {
    const { catalog } = setup();
    const map = await catalog.sitemap();
    expect(map.categories).toHaveLength(2);
    expect(map.products.map((p) => p.slug)).toEqual(["oak-lamp", "walnut-lamp", "oak-mug", "walnut-bowl"]);
  });
});

describe("typo corrections", () => {
  function withLexicon() {
    const { store } = setup();
    store.addProduct({ name: "Teapot", description: "A round teapot." });
    return { store, catalog: makeCatalog({ products: store, categories: store, lexicon: store }) };
  }

  it("finds walnut for 'walnot' through a correction, says 'did you mean', and matches by words", async () => {
    const { catalog, store } = withLexicon();
    const result = await catalog.searchProducts({ q: "Walnot", page: 1 });
    expect(result.items.map((p) => p.name)).toEqual(["Walnut Bowl", "Walnut Lamp"]);
    expect(result).toMatchObject({ matchedBy: "words", didYouMean: "Walnut", total: 2 });
    expect(store.lookups).toHaveLength(1);
    expect(store.lookups[0]!.map((w) => w.word)).toEqual(["walnot"]);
    expect(store.lookups[0]![0]!.candidates).toContain("walnut");
    expect(store.searches.map((c) => c.corrections?.map((x) => x.alternatives))).toEqual([undefined, [["walnut"]]]);
  });

  it("corrects only the misspelled word of several, keeping the others as typed", async () => {
    const { catalog } = withLexicon();
    const result = await catalog.searchProducts({ q: "walnot lamp", page: 1 });
    expect(result.items.map((p) => p.name)).toEqual(["Walnut Lamp"]);
    expect(result.didYouMean).toBe("walnut lamp");
  });

  it("searches once when the words are fine (the lookup runs beside it), and not at all for short words", async () => {
    const { catalog, store } = withLexicon();
    const result = await catalog.searchProducts({ q: "walnut", page: 1 });
    expect(result).toMatchObject({ matchedBy: "words", didYouMean: null, total: 2 });
    expect(store.searches).toHaveLength(1);
    expect(store.lookups).toHaveLength(1);
    await catalog.searchProducts({ q: "oak", page: 1 });
    expect(store.lookups).toHaveLength(1);
  });

  it("falls back to similar words, without 'did you mean', when the corrections find nothing with the filters", async () => {
    const { catalog } = withLexicon();
    const gibberish = await catalog.searchProducts({ q: "xyzzyq", page: 1 });
    expect(gibberish).toMatchObject({ matchedBy: "similar", didYouMean: null });
    const filtered = await catalog.searchProducts({ q: "teapto", category: "kitchen", page: 1 });
    expect(filtered).toMatchObject({ total: 0, matchedBy: "similar", didYouMean: null });
  });

  it("without a lexicon behaves as before: the trigram fallback only", async () => {
    const { catalog } = setup();
    const result = await catalog.searchProducts({ q: "walnot", page: 1 });
    expect(result).toMatchObject({ matchedBy: "similar", didYouMean: null });
  });
});
