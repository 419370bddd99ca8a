import { AppError } from "../../domain/errors";

export const PRODUCT_PAGE_SIZE = 24;
export const MAX_PAGE_SIZE = 100;
/** Deep pages are never useful to a shopper and cost an ever larger OFFSET. */
export const MAX_PAGE = 10_000;

/** Rows to skip and take for a 1-based page. */
export function pageWindow(page: number, pageSize: number): { offset: number; limit: number } {
  if (!Number.isSafeInteger(page) || page < 1 || page > MAX_PAGE) {
    throw new AppError("validation", `page must be a whole number from 1 to ${MAX_PAGE}`, { fields: [{ path: "page", message: "Invalid page" }] });
  }
  if (!Number.isSafeInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw new AppError("validation", `pageSize must be a whole number from 1 to ${MAX_PAGE_SIZE}`, {
      fields: [{ path: "pageSize", message: "Invalid page size" }],
    });
  }
  return { offset: (page - 1) * pageSize, limit: pageSize };
}

/** An empty result still has one (empty) page, so "page 1 of 1" is always valid. */
export function pageCount(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / pageSize));
}

export type PageLink = number | "gap";

/**
 * The page numbers a pager shows: the first, the last, and `siblings` either
 * side of the current one, with "gap" where pages are left out. A gap never
 * hides a single page (that page is shown instead: it takes the same room).
 */
export function pageLinks(page: number, count: number, siblings = 1): PageLink[] {
  const shown = new Set<number>([1, count]);
  for (let p = page - siblings; p <= page + siblings; p++) if (p >= 1 && p <= count) shown.add(p);
  const sorted = [...shown].sort((a, b) => a - b);
  const links: PageLink[] = [];
  for (const p of sorted) {
    const previous = links.at(-1);
    if (typeof previous === "number" && p - previous === 2) links.push(previous + 1);
    else if (typeof previous === "number" && p - previous > 2) links.push("gap");
    links.push(p);
  }
  return links;
}
