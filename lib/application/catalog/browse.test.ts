import { describe, expect, it } from "vitest";
import { isAppError } from "@/lib/domain/errors";
import { InMemoryCatalog } from "@/tests/support/in-memory";
import { makeCatalog, type ProductCatalog } from "./catalog";

function setup() {
  const store = new InMemoryCatalog();
  for (const name of ["Oak Lamp", "Oak Mug", "Walnut Bowl", "Walnut Lamp", "Walnut Tray"]) store.addProduct({ name });
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

describe("browseProducts", () => {
  it("asks for one row more than the page to know whether a next page exists, and continues after the last", async () => {
    const { catalog, store } = setup();
    const first = await catalog.browseProducts({ limit: 2 });
    expect(first.items.map((p) => p.name)).toEqual(["Oak Lamp", "Oak Mug"]);
    expect(store.afters[0]).toMatchObject({ after: null, limit: 3 });
    expect(first.next).toEqual({ match: "words", after: { sort: "name", id: first.items[1]!.id, name: "Oak Mug" } });
    const rest = await catalog.browseProducts({ limit: 3, cursor: first.next! });
    expect(rest.items.map((p) => p.name)).toEqual(["Walnut Bowl", "Walnut Lamp", "Walnut Tray"]);
    expect(rest.next).toBeNull();
  });

  it("falls back to similar words on the first page only, and the cursor keeps the mode", async () => {
    const { catalog, store } = setup();
    const first = await catalog.browseProducts({ q: "walnt", sort: "name", limit: 1 });
    expect(first).toMatchObject({ matchedBy: "similar", next: { match: "similar" } });
    expect(store.afters.map((a) => a.criteria.match)).toEqual(["words", "similar"]);
    store.afters.length = 0;
    const second = await catalog.browseProducts({ q: "walnt", sort: "name", limit: 1, cursor: first.next! });
    expect(second.matchedBy).toBe("similar");
    expect(store.afters.map((a) => a.criteria.match)).toEqual(["similar"]);
    // A later page that happens to be empty is not a reason to switch modes.
    store.afters.length = 0;
    const oakMug = store.products.find((p) => p.name === "Oak Mug")!;
    const past = await catalog.browseProducts({ q: "oak", sort: "name", limit: 5, cursor: { match: "words", after: { sort: "name", id: oakMug.id, name: oakMug.name } } });
    expect(past).toMatchObject({ items: [], next: null, matchedBy: "words" });
    expect(store.afters.map((a) => a.criteria.match)).toEqual(["words"]);
  });

  it("refuses a cursor of another sort, or a similar-words cursor without words, naming the cursor", async () => {
    const { catalog } = setup();
    const wrongSort = await failure(catalog.browseProducts({ sort: "price_asc", limit: 2, cursor: { match: "words", after: { sort: "name", id: "x", name: "a" } } }));
    expect(isAppError(wrongSort, "validation")).toBe(true);
    expect((wrongSort as { fields: { path: string }[] }).fields[0]!.path).toBe("cursor");
    // Without words relevance means name: a name cursor continues it.
    await expect(catalog.browseProducts({ sort: "relevance", limit: 2, cursor: { match: "words", after: { sort: "name", id: "x", name: "a" } } })).resolves.toBeDefined();
    const similar = await failure(catalog.browseProducts({ limit: 2, cursor: { match: "similar", after: { sort: "name", id: "x", name: "a" } } }));
    expect((similar as { fields: { path: string }[] }).fields[0]!.path).toBe("cursor");
  });

  it("refuses a limit outside 1..100 and the price filters the shop refuses", async () => {
    const { catalog } = setup();
    for (const limit of [0, 101, 1.5]) expect(isAppError(await failure(catalog.browseProducts({ limit })), "validation")).toBe(true);
    expect(isAppError(await failure(catalog.browseProducts({ limit: 5, minPriceMinor: 10, maxPriceMinor: 5 })), "validation")).toBe(true);
  });

  it("finds a product by id, and says not found for an unknown one", async () => {
    const { catalog, store } = setup();
    expect((await catalog.getProductById(store.products[1]!.id)).name).toBe("Oak Mug");
    expect(isAppError(await failure(catalog.getProductById("p0000000-0000-4000-8000-000000000099")), "not_found")).toBe(true);
  });
});

describe("getProductByIdOrSlug", () => {
  it("finds a product by its id (any case) or by its slug, and nothing else", async () => {
    const { catalog, store } = setup();
    const mug = store.addProduct({ name: "Ash Mug", id: "40000000-0000-4000-8000-0000000000aa" });
    expect((await catalog.getProductByIdOrSlug(mug.slug)).id).toBe(mug.id);
    expect((await catalog.getProductByIdOrSlug(mug.id)).slug).toBe(mug.slug);
    expect((await catalog.getProductByIdOrSlug(mug.id.toUpperCase())).slug).toBe(mug.slug);
    expect(isAppError(await failure(catalog.getProductByIdOrSlug("no-such-thing")), "not_found")).toBe(true);
    expect(isAppError(await failure(catalog.getProductByIdOrSlug("40000000-0000-4000-8000-000000000999")), "not_found")).toBe(true);
  });

  it("falls back to the slug when a lowercase UUID-shaped key is no product's id", async () => {
    const { catalog, store } = setup();
    const odd = store.addProduct({ name: "40000000-0000-4000-8000-00000000abcd" });
    expect(odd.slug).toBe("40000000-0000-4000-8000-00000000abcd");
    expect((await catalog.getProductByIdOrSlug(odd.slug)).id).toBe(odd.id);
    // Slugs are lowercase: the upper-case form names no product.
    expect(isAppError(await failure(catalog.getProductByIdOrSlug(odd.slug.toUpperCase())), "not_found")).toBe(true);
  });
});

describe("makeCatalog's product repository", () => {
  it("must be complete: one without keyset browsing does not compile (tsc checks the expectation below in npm test)", () => {
    const searchOnly: ProductCatalog = new InMemoryCatalog();
    // @ts-expect-error searchAfter and findDetailsById (ProductBrowser) are missing
    const make = () => makeCatalog({ products: searchOnly, categories: new InMemoryCatalog() });
    expect(make).toBeTypeOf("function");
  });
});

describe("browseProducts with typo corrections", () => {
  it("corrects on the first page, and later pages reuse the cursor's corrections without a lookup", async () => {
    const store = new InMemoryCatalog();
    for (const name of ["Oak Lamp", "Walnut Bowl", "Walnut Lamp", "Walnut Tray"]) store.addProduct({ name });
    const catalog = makeCatalog({ products: store, categories: store, lexicon: store });
    const first = await catalog.browseProducts({ q: "walnot", sort: "name", limit: 2 });
    expect(first.items.map((p) => p.name)).toEqual(["Walnut Bowl", "Walnut Lamp"]);
    expect(first).toMatchObject({ matchedBy: "words", didYouMean: "walnut" });
    expect(first.next).toMatchObject({ match: "words", corrections: [{ lexeme: "walnot", alternatives: ["walnut"] }], didYouMean: "walnut" });
    expect(store.lookups).toHaveLength(1);
    store.afters.length = 0;
    const second = await catalog.browseProducts({ q: "walnot", sort: "name", limit: 2, cursor: first.next! });
    expect(second.items.map((p) => p.name)).toEqual(["Walnut Tray"]);
    expect(second).toMatchObject({ matchedBy: "words", didYouMean: "walnut", next: null });
    expect(store.lookups).toHaveLength(1);
    expect(store.afters.map((a) => a.criteria.corrections)).toEqual([[{ lexeme: "walnot", alternatives: ["walnut"] }]]);
  });
});
