/**
 * The opaque `cursor` of GET /products: base64url JSON of where the last page
 * ended (the sort key and id of its last product) and how the words matched on
 * the first page. Decoded and validated with zod: a cursor that was altered,
 * truncated or made up is a 422 on query.cursor, never a 500.
 */
import { z } from "zod";
import type { ProductCursor } from "@/lib/application/catalog/catalog";
import { MAX_AMOUNT_MINOR } from "@/lib/domain/money";

/** Names are at most 200 characters of UTF-8; with JSON and base64 a cursor stays well below this. */
export const CURSOR_MAX_LENGTH = 2048;

const id = z.uuid();
const position = z.discriminatedUnion("sort", [
  z.object({ sort: z.literal("name"), id, name: z.string().max(200) }).strict(),
  z.object({ sort: z.enum(["price_asc", "price_desc"]), id, priceMinor: z.number().int().min(0).max(MAX_AMOUNT_MINOR) }).strict(),
  z.object({ sort: z.literal("newest"), id, createdAt: z.iso.datetime() }).strict(),
  z.object({ sort: z.literal("relevance"), id, relevance: z.number().min(0), name: z.string().max(200) }).strict(),
]);
const cursorSchema = z.object({ v: z.literal(1), match: z.enum(["words", "similar"]), after: position }).strict();

export function encodeCursor(cursor: ProductCursor): string {
  return Buffer.from(JSON.stringify({ v: 1, match: cursor.match, after: cursor.after }), "utf8").toString("base64url");
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
  return parsed.success ? { match: parsed.data.match, after: parsed.data.after } : null;
}
