import { describe, expect, it } from "vitest";
import { isAppError } from "@/lib/domain/errors";
import { MAX_PAGE, MAX_PAGE_SIZE, pageCount, pageLinks, pageWindow } from "./paging";

describe("pageWindow", () => {
  it("skips the rows of the pages before", () => {
    expect(pageWindow(1, 24)).toEqual({ offset: 0, limit: 24 });
    expect(pageWindow(3, 24)).toEqual({ offset: 48, limit: 24 });
  });

  it.each([
    [0, 24],
    [-1, 24],
    [1.5, 24],
    [MAX_PAGE + 1, 24],
    [1, 0],
    [1, MAX_PAGE_SIZE + 1],
    [Number.NaN, 24],
  ])("refuses page %d with page size %d as a validation error", (page, size) => {
    let error: unknown;
    try {
      pageWindow(page, size);
    } catch (e) {
      error = e;
    }
    expect(isAppError(error, "validation")).toBe(true);
  });
});

describe("pageCount", () => {
  it("rounds up, and an empty result still has one page", () => {
    expect(pageCount(0, 24)).toBe(1);
    expect(pageCount(1, 24)).toBe(1);
    expect(pageCount(24, 24)).toBe(1);
    expect(pageCount(25, 24)).toBe(2);
    expect(pageCount(60, 24)).toBe(3);
  });
});

describe("pageLinks", () => {
  it("lists every page when there are few", () => {
    expect(pageLinks(1, 1)).toEqual([1]);
    expect(pageLinks(2, 3)).toEqual([1, 2, 3]);
    expect(pageLinks(3, 5)).toEqual([1, 2, 3, 4, 5]);
  });

  it("shows the first, the last and the neighbours of the current page, with gaps", () => {
    expect(pageLinks(5, 10)).toEqual([1, "gap", 4, 5, 6, "gap", 10]);
    expect(pageLinks(1, 10)).toEqual([1, 2, "gap", 10]);
    expect(pageLinks(10, 10)).toEqual([1, "gap", 9, 10]);
  });

  it("shows a lone hidden page instead of a gap", () => {
    expect(pageLinks(4, 10)).toEqual([1, 2, 3, 4, 5, "gap", 10]);
    expect(pageLinks(7, 10)).toEqual([1, "gap", 6, 7, 8, 9, 10]);
  });
});
