import type { RawSearchParams } from "@/components/catalog/search-params";

/**
 * The catalog listings (/ and /categories/<slug>) are served from the page
 * cache, one entry per distinct query. The cache keys pages by path, so
 * proxy.ts rewrites the query string into one path segment of an internal
 * route (app/catalog-view); that route turns it back into search params.
 *
 * Only the parameters the listing reads are kept, in one order, so tracking
 * parameters (utm_source, fbclid, …) and reordered links share an entry.
 * Blank values mean "absent" to the listing too (parseCatalogQuery).
 */
export const LISTING_PARAMS = ["q", "category", "minPrice", "maxPrice", "inStock", "sort", "page"] as const;

/** The segment for "no query"; base64url never produces "~". */
const EMPTY = "~";
/**
 * A search alone whose text fits in a path segment is rewritten by
 * next.config.js (no proxy.ts on the way) to this prefix and the text itself.
 */
const PLAIN_SEARCH = "q~";

export function listingKey(search: URLSearchParams): string {
  const kept = new URLSearchParams();
  for (const name of LISTING_PARAMS) for (const value of search.getAll(name)) if (value.trim() !== "") kept.append(name, value);
  const query = kept.toString();
  return query ? Buffer.from(query, "utf8").toString("base64url") : EMPTY;
}

/** The search params a key stands for; a key that is not one of ours stands for none. */
export function searchParamsOfKey(key: string): RawSearchParams {
  const out: RawSearchParams = {};
  if (key.startsWith(PLAIN_SEARCH) && key.length <= 4000) {
    // The segment arrives percent-encoded, as the rewrite put the text into the path.
    const text = key.slice(PLAIN_SEARCH.length);
    let q = text;
    try {
      q = decodeURIComponent(text);
    } catch {
      // Not encoded after all (the internal path typed by hand): taken as it is.
    }
    // Blank means absent, as listingKey has it.
    return q.trim() === "" ? out : { q };
  }
  if (key === EMPTY || !/^[A-Za-z0-9_-]{1,4000}$/.test(key)) return out;
  for (const [name, value] of new URLSearchParams(Buffer.from(key, "base64url").toString("utf8"))) {
    const seen = out[name];
    out[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return out;
}
