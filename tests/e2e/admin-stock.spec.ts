import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "./fixtures";
import { randomUUID } from "node:crypto";
import { ADMIN, signInAsAdmin } from "./admin-support";
import { createStockProduct, type StockFixtureProduct } from "../support/admin-stock-fixtures";

/** axe-core: no serious or critical violations on the page as it is now. */
async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

async function openStockPage(page: Page, product: StockFixtureProduct): Promise<void> {
  // Found the way an admin would: by searching for its SKU.
  await page.goto("/admin/stock");
  await page.getByLabel("Name or SKU").fill(product.sku);
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByRole("status").filter({ hasText: "matches" })).toHaveText(`1 product matches “${product.sku}”.`);
  await page.getByTestId("stock-search-results").getByRole("link", { name: product.name }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(product.name);
  // The variant is the unit of stock: its page is addressed by the variant's id, never the product's.
  await expect(page).toHaveURL(new RegExp(`/admin/stock/${product.variantId}$`));
}

test.describe("back office: stock", () => {
  test("an admin restocks with a note: the history shows who and why, and the shop shows the new availability at once", async ({ page }) => {
    const product = await createStockProduct({ stock: 2 });
    await page.goto(`/products/${product.slug}`);
    await expect(page.getByTestId("availability")).toHaveText("Only 2 left");

    await signInAsAdmin(page);
    await openStockPage(page, product);
    await expect(page.getByTestId("current-stock")).toHaveText("2");

    const note = `Delivery ${randomUUID().slice(0, 8)}`;
    await page.getByLabel("Reason").selectOption("restock");
    await page.getByLabel("Change in units").fill("10");
    await page.getByLabel("Note (optional)").fill(note);
    await page.getByRole("button", { name: "Save adjustment" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Saved" })).toHaveText("Saved. Stock is now 12.");
    await expect(page.getByTestId("current-stock")).toHaveText("12");

    const rows = page.getByTestId("stock-ledger").locator("tbody tr");
    await expect(rows).toHaveCount(2);
    const newest = rows.first().getByRole("cell");
    await expect(newest.nth(1)).toHaveText("Restock");
    await expect(newest.nth(2)).toHaveText(ADMIN.email);
    await expect(newest.nth(3)).toHaveText("+10");
    await expect(newest.nth(4)).toHaveText("12");
    await expect(newest.nth(5)).toHaveText(note);
    await expect(rows.nth(1).getByRole("cell").nth(1)).toHaveText("Opening balance");
    // Where the ledger is shown, it says why there are no sale rows.
    await expect(page.getByText("A sale (payment) moves no stock")).toBeVisible();
    expect(await seriousViolations(page), "product stock page").toEqual([]);

    await page.goto(`/products/${product.slug}`);
    await expect(page.getByTestId("availability")).toHaveText("In stock");
  });

  test("damaging more than is in stock is refused next to the field, and nothing changes", async ({ page }) => {
    const product = await createStockProduct({ stock: 3 });
    await signInAsAdmin(page);
    await openStockPage(page, product);

    await page.getByLabel("Reason").selectOption("damage");
    const delta = page.getByLabel("Change in units");
    await delta.fill("-5");
    await page.getByRole("button", { name: "Save adjustment" }).click();

    const error = page.locator("#field-delta-error");
    await expect(error).toHaveText("Only 3 are in stock: you can remove at most 3");
    await expect(delta).toHaveAttribute("aria-describedby", "field-delta-error");
    await expect(delta).toHaveAttribute("aria-invalid", "true");
    await expect(delta).toBeFocused();
    // What was typed stays, so it can be corrected.
    await expect(delta).toHaveValue("-5");
    await expect(page.getByLabel("Reason")).toHaveValue("damage");
    expect(await seriousViolations(page), "product stock page with an error").toEqual([]);

    await page.reload();
    await expect(page.getByTestId("current-stock")).toHaveText("3");
    await expect(page.getByTestId("stock-ledger").locator("tbody tr")).toHaveCount(1);
  });

  test("raising the threshold above the stock puts the product on the low-stock list", async ({ page }) => {
    const product = await createStockProduct({ stock: 7, lowStockThreshold: 5 });
    await signInAsAdmin(page);
    await openStockPage(page, product);
    await expect(page.getByText("This item is low on stock.")).toHaveCount(0);
    expect(await findOnLowStockList(page, product)).toBe(false);

    await openStockPage(page, product);
    await page.getByLabel("List as low at or below").fill("10");
    // From the keyboard: Enter in the field submits its form.
    await page.getByLabel("List as low at or below").press("Enter");
    await expect(page.getByRole("status").filter({ hasText: "Threshold" })).toHaveText("Threshold saved.");
    await expect(page.getByTestId("current-threshold")).toHaveText("10");
    await expect(page.getByText("This item is low on stock.")).toBeVisible();

    expect(await findOnLowStockList(page, product)).toBe(true);
    expect(await seriousViolations(page), "low-stock list").toEqual([]);
    const row = page.getByTestId("low-stock").getByRole("row").filter({ hasText: product.name });
    await expect(row.getByRole("cell")).toHaveText([product.sku, "7", "10"]);
  });

  test("a negative threshold is refused next to its field", async ({ page }) => {
    const product = await createStockProduct({ stock: 1 });
    await signInAsAdmin(page);
    await openStockPage(page, product);
    await page.getByLabel("List as low at or below").fill("-1");
    await page.getByRole("button", { name: "Save threshold" }).click();
    await expect(page.locator("#field-threshold-error")).toHaveText("The threshold cannot be negative");
    await page.reload();
    await expect(page.getByTestId("current-threshold")).toHaveText("5");
  });
});

/** Walks the low-stock list page by page (the shared e2e database holds other specs' products too). */
async function findOnLowStockList(page: Page, product: StockFixtureProduct): Promise<boolean> {
  for (let n = 1; n <= 50; n++) {
    await page.goto(n === 1 ? "/admin/stock" : `/admin/stock?page=${n}`);
    await expect(page.getByRole("heading", { name: "Low stock" })).toBeVisible();
    if ((await page.getByTestId("low-stock").getByRole("link", { name: product.name }).count()) > 0) return true;
    const next = page.getByRole("navigation", { name: "Low stock pages" }).getByRole("link", { name: "Next" });
    if ((await next.count()) === 0) return false;
  }
  return false;
}
