import { describe, expect, it } from "vitest";
import { LISTING_PARAMS, listingKey, searchParamsOfKey } from "@/app/products/listing-key";
import { config } from "@/proxy";
// @ts-expect-error -- next.config.js is plain JavaScript without declarations
import nextConfig, { LISTING_PARAMS as CONFIG_LISTING_PARAMS, PLAIN_SEARCH } from "@/next.config.js";

describe("catalog listing cache keys", () => {
  it("keep only what the listing reads, in one order, so tracking parameters and reordering share a page", () => {
    const a = listingKey(new URLSearchParams("utm_source=mail&sort=price_asc&q=mug&fbclid=x"));
    const b = listingKey(new URLSearchParams("q=mug&sort=price_asc"));
    expect(a).toBe(b);
    expect(searchParamsOfKey(a)).toEqual({ q: "mug", sort: "price_asc" });
  });

  it("drop blank fields (what an empty filter form submits) and keep repeated values", () => {
    const key = listingKey(new URLSearchParams("q=&minPrice=&maxPrice=10&page=2&page=3"));
    expect(searchParamsOfKey(key)).toEqual({ maxPrice: "10", page: ["2", "3"] });
    expect(listingKey(new URLSearchParams("q=&utm_source=x"))).toBe(listingKey(new URLSearchParams("")));
  });

  it("round-trip any text, including characters that mean something in a URL", () => {
    const q = "mug & bowl / 100% ?#é 🙂";
    const key = listingKey(new URLSearchParams({ q }));
    expect(key).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(searchParamsOfKey(key)).toEqual({ q });
  });

  it("read a key that is not one of ours as no query, never as an error", () => {
    expect(searchParamsOfKey("~")).toEqual({});
    expect(searchParamsOfKey("not a key!")).toEqual({});
    expect(searchParamsOfKey("x".repeat(5000))).toEqual({});
  });

  it("send every listing parameter through the proxy, and leave the rest to next.config.js's rewrites", () => {
    expect(CONFIG_LISTING_PARAMS).toEqual([...LISTING_PARAMS]);
    for (const source of ["/", "/categories/:slug"]) {
      const keys = config.matcher.filter((m) => m.source === source).map((m) => m.has[0]!.key);
      expect(keys.sort()).toEqual([...LISTING_PARAMS].sort());
    }
  });

  it("leave a search alone whose text fits in a path segment to next.config.js's rewrite, and every other search to the proxy", async () => {
    const whole = (pattern: string) => new RegExp(`^${pattern}$`);
    const rewrites = (await nextConfig.rewrites()).beforeFiles as { source: string; has?: { key: string; value?: string }[]; destination: string }[];
    for (const source of ["/", "/categories/:slug"]) {
      const proxyEntry = config.matcher.find((m) => m.source === source && m.has[0]!.key === "q")!.has[0]!;
      const proxyQ = whole("value" in proxyEntry ? proxyEntry.value : "");
      const rewriteQ = rewrites.find((r) => r.source === source && r.has?.[0]?.key === "q")!;
      expect(rewriteQ.destination).toMatch(/\/q~:q$/);
      const rewriteMatches = whole(rewriteQ.has![0]!.value!);
      for (const q of ["", "oak", "oak desk", "é 🙂", "  ", "a/b", "a\\b", "50%", "why?", "#1", "a\nb", "tab\there", "\u007f"]) {
        // Exactly one of them takes each search.
        expect([q, rewriteMatches.test(q)]).toEqual([q, !proxyQ.test(q)]);
      }
    }
    expect(whole(PLAIN_SEARCH).test("oak desk")).toBe(true);
    expect(searchParamsOfKey("q~oak%20desk")).toEqual({ q: "oak desk" });
    expect(searchParamsOfKey("q~%C3%A9")).toEqual({ q: "é" });
    expect(searchParamsOfKey("q~100%")).toEqual({ q: "100%" });
    expect(searchParamsOfKey("q~")).toEqual({});
    // A blank search is no search, whichever way it came (listingKey drops it too).
    expect(searchParamsOfKey("q~%20%20")).toEqual({});
  });
});
