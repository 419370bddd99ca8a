/**
 * The opaque `cursor` of GET /products: base64url JSON of where the last page
 * ended (the sort key and id of its last product) and how the words matched on
 * the first page, with the first page's typo corrections when it used any (so
 * later pages match and rank as it did, whatever the lexicon does meanwhile).
 * Decoded and validated with zod: a cursor that was altered,
 * truncated or made up is a 422 on query.cursor, never a 500.
 */
import { z } from "zod";
import type { ProductCursor } from "@/lib/application/catalog/catalog";
import { MAX_ALTERNATIVES } from "@/lib/application/catalog/catalog";
import { MAX_AMOUNT_MINOR } from "@/lib/domain/money";
import { SEARCH_TEXT_MAX_LENGTH } from "@/lib/domain/catalog";
import { MAX_CORRECTED_WORDS } from "@/lib/domain/spelling";

/**
 * Names are at most 200 characters of UTF-8, corrections at most 4 words of 5
 * lexemes of at most 25 letters, "did you mean" at most 120 characters; with
 * JSON and base64 a cursor stays below this (a test builds the longest).
 */
export const CURSOR_MAX_LENGTH = 4096;

const id = z.uuid();
const position = z.discriminatedUnion("sort", [
  z.object({ sort: z.literal("name"), id, name: z.string().max(200) }).strict(),
  z.object({ sort: z.enum(["price_asc", "price_desc"]), id, priceMinor: z.number().int().min(0).max(MAX_AMOUNT_MINOR) }).strict(),
  z.object({ sort: z.literal("newest"), id, createdAt: z.iso.datetime() }).strict(),
  z.object({ sort: z.literal("relevance"), id, relevance: z.number().min(0), name: z.string().max(200) }).strict(),
]);
// Stems of a-z words of at most MAX_CORRECTABLE_LENGTH + 1 letters (an insertion).
const lexeme = z.string().regex(/^[a-z]{1,25}$/);
const corrections = z
  .array(z.object({ lexeme, alternatives: z.array(lexeme).min(1).max(MAX_ALTERNATIVES) }).strict())
  .min(1)
  .max(MAX_CORRECTED_WORDS);
// Optional fields: cursors issued before corrections existed still decode.
const cursorSchema = z
  .object({
    v: z.literal(1),
    match: z.enum(["words", "similar"]),
    after: position,
    fix: corrections.optional(),
    dym: z.string().min(1).max(SEARCH_TEXT_MAX_LENGTH + MAX_CORRECTED_WORDS * 5).optional(),
  })
  .strict();

export function encodeCursor(cursor: ProductCursor): string {
  const fix = cursor.corrections?.map(({ lexeme, alternatives }) => ({ lexeme, alternatives }));
  const json = { v: 1, match: cursor.match, after: cursor.after, ...(fix?.length ? { fix } : {}), ...(cursor.didYouMean ? { dym: cursor.didYouMean } : {}) };
  return Buffer.from(JSON.stringify(json), "utf8").toString("base64url");
}

/** The cursor, or null when it is not one this API issued (or no longer understands). */
export function decodeCursor(text: string): ProductCursor | null {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return null;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  const parsed = cursorSchema.safeParse(json);
  if (!parsed.success) return null;
  const { match, after, fix, dym } = parsed.data;
  if (fix && match !== "words") return null;
  return { match, after, ...(fix ? { corrections: fix } : {}), ...(dym !== undefined && fix ? { didYouMean: dym } : {}) };
}
