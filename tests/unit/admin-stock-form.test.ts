/**
 * The stock forms read their text into the stock use case's typed input with
 * its own rules, the rules the API's adjustments endpoint answers by: the
 * same bad value gets the same message by the same field from either door.
 */
import { describe, expect, it } from "vitest";
import { adjustForm, thresholdForm } from "@/app/admin/stock/stock-form";
import { adjustStock } from "@/app/api/v1/_contract/admin";
import { fieldIssues } from "@/lib/domain/validation";

/** A variant: the unit of stock the forms adjust (ADR 016). */
const V = "00000000-0000-4000-8000-0000000000a1";
const messages = (result: { success: boolean; error?: Parameters<typeof fieldIssues>[0] }) =>
  result.success ? {} : Object.fromEntries(fieldIssues(result.error!).map((f) => [f.path, f.message]));

describe("the stock adjustment form", () => {
  it.each([
    ["+12", 12],
    [" -3 ", -3],
    ["7", 7],
  ])("reads %j as %i", (text, delta) => {
    expect(adjustForm.parse({ variantId: V, delta: text, reason: "correction", note: "  Count  " })).toEqual({ variantId: V, delta, reason: "correction", note: "Count" });
  });

  it.each([
    ["1.5", "correction", 1.5, { delta: "The change must be a whole number" }],
    ["ten", "restock", Number.NaN, { delta: "The change must be a whole number" }],
    ["0", "correction", 0, { delta: "The change cannot be zero" }],
    ["100001", "restock", 100_001, { delta: "The change must be between -100000 and 100000" }],
    ["-1", "restock", -1, { delta: "A restock adds units: enter a positive number" }],
    ["2", "damage", 2, { delta: "Damage removes units: enter a negative number" }],
    ["1", "sale", 1, { reason: "Choose a reason: restock, correction or damage" }],
  ])("refuses %j (%s) with the message the API gives", (text, reason, number, expected) => {
    expect(messages(adjustForm.safeParse({ variantId: V, delta: text, reason }))).toEqual(expected);
    expect(messages(adjustStock.body.safeParse({ delta: number, reason }))).toEqual(expected);
  });

  it("names a variant id that is not one, and refuses fields it does not have", () => {
    expect(messages(adjustForm.safeParse({ variantId: "nope", delta: "1", reason: "restock" }))).toEqual({ variantId: "No such product" });
    expect(Object.keys(messages(adjustForm.safeParse({ variantId: V, delta: "1", reason: "restock", extra: "x" })))).toEqual(["form"]);
  });
});

describe("the low-stock threshold form", () => {
  it("reads the number, and refuses a negative one or text by the field", () => {
    expect(thresholdForm.parse({ variantId: V, threshold: " 9 " })).toEqual({ variantId: V, threshold: 9 });
    expect(messages(thresholdForm.safeParse({ variantId: V, threshold: "-1" }))).toEqual({ threshold: "The threshold cannot be negative" });
    expect(messages(thresholdForm.safeParse({ variantId: V, threshold: "nine" }))).toEqual({ threshold: "The threshold must be a whole number" });
  });
});
