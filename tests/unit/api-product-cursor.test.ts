import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CURSOR_MAX_LENGTH, decodeCursor, encodeCursor } from "@/app/api/v1/products/cursor";
import type { ProductCursor } from "@/lib/application/catalog/catalog";

const b64 = (value: unknown) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");

describe("the /products cursor", () => {
  const id = randomUUID();
  it.each<ProductCursor>([
    { match: "words", after: { sort: "name", id, name: "Crème brûlée Bowl \"quoted\" ✓" } },
    { match: "words", after: { sort: "price_asc", id, priceMinor: 0 } },
    { match: "words", after: { sort: "price_desc", id, priceMinor: 2_000_000_000 } },
    { match: "words", after: { sort: "newest", id, createdAt: "2026-01-01T00:00:00.123Z" } },
    { match: "similar", after: { sort: "relevance", id, relevance: 0.0607927106320858, name: "Oak Mug" } },
  ])("round-trips %j exactly, as URL-safe text", (cursor) => {
    const text = encodeCursor(cursor);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(text)).toEqual(cursor);
  });

  it("stays within the accepted length for the longest name (200 four-byte characters, all escaped)", () => {
    expect(encodeCursor({ match: "words", after: { sort: "relevance", id, relevance: 1 / 3, name: "𝄞".repeat(100) + '"'.repeat(100) } }).length).toBeLessThanOrEqual(CURSOR_MAX_LENGTH);
  });

  it.each([
    ["not base64url", "a+b/c="],
    ["not JSON", b64("{")],
    ["another version", b64({ v: 2, match: "words", after: { sort: "name", id, name: "a" } })],
    ["an unknown mode", b64({ v: 1, match: "fuzzy", after: { sort: "name", id, name: "a" } })],
    ["a key of another sort", b64({ v: 1, match: "words", after: { sort: "name", id, priceMinor: 5 } })],
    ["a fractional price", b64({ v: 1, match: "words", after: { sort: "price_asc", id, priceMinor: 1.5 } })],
    ["a negative price", b64({ v: 1, match: "words", after: { sort: "price_asc", id, priceMinor: -1 } })],
    ["a bad id", b64({ v: 1, match: "words", after: { sort: "name", id: "1; DROP TABLE", name: "a" } })],
    ["a bad date", b64({ v: 1, match: "words", after: { sort: "newest", id, createdAt: "yesterday" } })],
    ["an extra field", b64({ v: 1, match: "words", after: { sort: "name", id, name: "a", sql: "x" } })],
    ["null", b64("null")],
    ["empty", ""],
  ])("rejects %s", (_what, text) => {
    expect(decodeCursor(text)).toBeNull();
  });
});

describe("the /products cursor with typo corrections", () => {
  const id = randomUUID();
  const corrected: ProductCursor = {
    match: "words",
    after: { sort: "relevance", id, relevance: 1.25, name: "Walnut Tray" },
    corrections: [{ lexeme: "walnot", alternatives: ["walnut", "wanot"] }],
    didYouMean: "walnut tray",
  };

  it("round-trips the first page's corrections and did-you-mean text", () => {
    expect(decodeCursor(encodeCursor(corrected))).toEqual(corrected);
  });

  it("stays within the accepted length with the most corrections and the longest name and text", () => {
    const word = "z".repeat(25);
    const longest: ProductCursor = {
      match: "words",
      after: { sort: "relevance", id, relevance: 1 / 3, name: "𝄞".repeat(100) + '"'.repeat(100) },
      corrections: Array.from({ length: 4 }, () => ({ lexeme: word, alternatives: [word, word, word, word] })),
      didYouMean: "𝄞".repeat(120),
    };
    const text = encodeCursor(longest);
    expect(text.length).toBeLessThanOrEqual(CURSOR_MAX_LENGTH);
    expect(decodeCursor(text)).toEqual(longest);
  });

  it.each([
    ["a lexeme that is not plain a-z", { lexeme: "walnot", alternatives: ["walnut' | x"] }],
    ["no alternatives", { lexeme: "walnot", alternatives: [] }],
    ["too many alternatives", { lexeme: "walnot", alternatives: ["a", "b", "c", "d", "e"] }],
  ])("rejects %s", (_what, fix) => {
    expect(decodeCursor(b64({ v: 1, match: "words", after: { sort: "name", id, name: "a" }, fix: [fix] }))).toBeNull();
  });

  it("rejects corrections on a similar-words cursor", () => {
    expect(decodeCursor(b64({ v: 1, match: "similar", after: { sort: "name", id, name: "a" }, fix: [{ lexeme: "walnot", alternatives: ["walnut"] }] }))).toBeNull();
  });
});
