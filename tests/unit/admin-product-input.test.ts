/**
 * The back office's product form and the admin API read a product's fields
 * with the same rules (lib/application/admin/products/fields.ts): the same bad
 * value gets the same message by the same field from either door.
 */
import { describe, expect, it } from "vitest";
import { newProductForm } from "@/app/admin/products/product-form";
import { createProduct } from "@/app/api/v1/_contract/admin";
import { fieldIssues } from "@/lib/domain/validation";
import { formRecord } from "../support/admin-product-form";

const CAT = "00000000-0000-4000-8000-0000000000c1";

/** Each field's message from the form (price as text in major units) and from the API (price in minor units). */
function messages(form: Record<string, unknown>, api: Record<string, unknown>) {
  const fromForm = newProductForm.safeParse(formRecord({ name: "Oak Mug", sku: "OAK-1", price: "12.50", categoryIds: [CAT], ...form }));
  const fromApi = createProduct.body.safeParse({ name: "Oak Mug", sku: "OAK-1", price: { amountMinor: 1250, currency: "USD" }, categoryIds: [CAT], ...api });
  expect(fromForm.success).toBe(false);
  expect(fromApi.success).toBe(false);
  const byField = (issues: { path: string; message: string }[], rename: Record<string, string> = {}) =>
    Object.fromEntries(issues.map((i) => [rename[i.path] ?? i.path, i.message]));
  return {
    form: byField(fieldIssues(fromForm.error!)),
    api: byField(fieldIssues(fromApi.error!), { "price.amountMinor": "price" }),
  };
}

describe("a product's fields from the form and from the API", () => {
  it.each([
    ["a blank name", { name: "   " }, { name: "   " }, { name: "Enter a name" }],
    ["a long name", { name: "x".repeat(201) }, { name: "x".repeat(201) }, { name: "At most 200 characters" }],
    ["a bad SKU", { sku: "bad sku!" }, { sku: "bad sku!" }, { sku: "Use at most 64 letters, digits, dots, dashes or underscores" }],
    ["a bad slug", { slug: "Bad Slug" }, { slug: "Bad Slug" }, { slug: "Use lowercase letters, digits and single dashes (e.g. oak-mug)" }],
    ["a long description", { description: "x".repeat(5001) }, { description: "x".repeat(5001) }, { description: "At most 5000 characters" }],
    ["a zero price", { price: "0.00" }, { price: { amountMinor: 0, currency: "USD" } }, { price: "The price must be more than 0" }],
    ["a price above the maximum", { price: "20000000.01" }, { price: { amountMinor: 2_000_000_001, currency: "USD" } }, { price: "At most 20000000.00" }],
    ["a negative threshold", { lowStockThreshold: "-1" }, { lowStockThreshold: -1 }, { lowStockThreshold: "Enter a whole number from 0 to 100000" }],
    ["a fractional initial stock", { initialStock: "1.5" }, { initialStock: 1.5 }, { initialStock: "Enter a whole number from 0 to 1000000" }],
    ["no category", { categoryIds: [] }, { categoryIds: [] }, { categoryIds: "Choose at least one category" }],
    ["a category that is not an id", { categoryIds: ["kitchen"] }, { categoryIds: ["kitchen"] }, { categoryIds: "Choose categories from the list" }],
  ])("%s", (_what, form, api, expected) => {
    const got = messages(form, api);
    expect(got.form).toEqual(expected);
    expect(got.api).toEqual(expected);
  });
});
