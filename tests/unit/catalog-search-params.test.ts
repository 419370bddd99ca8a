import { describe, expect, it } from "vitest";
import { formValues, isFiltered, listingHref, parseCatalogQuery } from "@/components/catalog/search-params";

describe("catalog query string (pages)", () => {
  it("reads every filter, with prices typed in dollars turned into integer cents", () => {
    const parsed = parseCatalogQuery({ q: "oak lamp", category: "lighting", minPrice: "10", maxPrice: "49.99", inStock: "1", sort: "price_desc", page: "2" });
    expect(parsed).toEqual({
      ok: true,
      query: { q: "oak lamp", category: "lighting", minPrice: 1000, maxPrice: 4999, inStock: true, sort: "price_desc", page: 2 },
    });
  });

  it("treats blank fields of a submitted form as absent and defaults to page 1", () => {
    const parsed = parseCatalogQuery({ q: "", category: "", minPrice: " ", maxPrice: "", sort: "" });
    expect(parsed).toEqual({ ok: true, query: { inStock: false, page: 1 } });
  });

  it("ignores unknown parameters such as tracking tags", () => {
    expect(parseCatalogQuery({ utm_source: "newsletter", q: "mug" })).toEqual({ ok: true, query: { q: "mug", inStock: false, page: 1 } });
  });

  it("accepts the checkbox's own 'on' and refuses anything but yes/no words", () => {
    expect(parseCatalogQuery({ inStock: "on" })).toMatchObject({ ok: true, query: { inStock: true } });
    expect(parseCatalogQuery({ inStock: "0" })).toMatchObject({ ok: true, query: { inStock: false } });
    expect(parseCatalogQuery({ inStock: "maybe" })).toMatchObject({ ok: false, pageInvalid: false, problems: [{ field: "inStock", label: "In stock only" }] });
  });

  it.each([
    [{ minPrice: "abc" }, "minPrice", "Enter an amount like 12 or 12.50"],
    [{ minPrice: "-5" }, "minPrice", "Enter an amount like 12 or 12.50"],
    [{ maxPrice: "1.999" }, "maxPrice", "Enter an amount like 12 or 12.50"],
    [{ minPrice: "50", maxPrice: "10" }, "maxPrice", "Must not be below the minimum price"],
    [{ sort: "cheapest" }, "sort", "Unknown sort order"],
    [{ category: "Not A Slug" }, "category", "No such category"],
    [{ q: "x".repeat(101) }, "q", "At most 100 characters"],
    [{ q: ["a", "b"] }, "q", expect.any(String)],
  ])("explains a bad value instead of failing: %j", (raw, field, message) => {
    const parsed = parseCatalogQuery(raw);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.pageInvalid).toBe(false);
    expect(parsed.problems).toContainEqual(expect.objectContaining({ field, message }));
  });

  it.each(["-1", "0", "abc", "1.5", "10001"])("flags page=%s so the page can answer 404", (page) => {
    expect(parseCatalogQuery({ page })).toMatchObject({ ok: false, pageInvalid: true });
  });

  it("keeps the first of repeated values for the form to show back", () => {
    expect(formValues({ q: ["mug", "bowl"], minPrice: "5", other: undefined })).toEqual({ q: "mug", minPrice: "5" });
  });
});

describe("listingHref", () => {
  it("writes only what differs from the defaults, prices back in dollars", () => {
    expect(listingHref("/", {})).toBe("/");
    expect(listingHref("/", { q: "oak", sort: "relevance", page: 1 })).toBe("/?q=oak");
    expect(listingHref("/", { sort: "name", inStock: false })).toBe("/");
    expect(listingHref("/categories/lighting", { q: "café crème", minPrice: 1000, maxPrice: 4999, inStock: true, sort: "price_asc", page: 3 })).toBe(
      "/categories/lighting?q=caf%C3%A9+cr%C3%A8me&minPrice=10.00&maxPrice=49.99&inStock=1&sort=price_asc&page=3",
    );
  });

  it("round-trips through the parser", () => {
    const href = listingHref("/", { q: "walnut", minPrice: 5, maxPrice: 123456, inStock: true, sort: "newest", page: 2 });
    const parsed = parseCatalogQuery(Object.fromEntries(new URL(href, "http://x").searchParams));
    expect(parsed).toEqual({ ok: true, query: { q: "walnut", minPrice: 5, maxPrice: 123456, inStock: true, sort: "newest", page: 2 } });
  });

  it("calls a listing filtered when anything but the page differs from the plain list", () => {
    expect(isFiltered({ page: 3 })).toBe(false);
    expect(isFiltered({ sort: "name" })).toBe(false);
    expect(isFiltered({ sort: "newest" })).toBe(true);
    expect(isFiltered({ q: "mug" })).toBe(true);
    expect(isFiltered({ minPrice: 0 })).toBe(true);
  });
});
