import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "./fixtures";
import { openInStockProduct, registerShopper, reviewCheckout } from "./support";

// axe-core on the main pages: no serious or critical violations.
async function seriousViolations(page: import("./fixtures").Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

test("the main pages have no serious or critical accessibility violations", async ({ page }) => {
  const visited: string[] = [];
  // "/?q=walnot": a corrected search, with its "Did you mean" notice and link.
  for (const path of ["/", "/?q=walnot", "/signin", "/register"]) {
    await page.goto(path);
    expect(await seriousViolations(page), path).toEqual([]);
    visited.push(path);
  }
  await registerShopper(page, "Axe");
  await openInStockProduct(page, 0);
  expect(await seriousViolations(page), "product page").toEqual([]);
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByRole("status")).toContainText("Added to your cart");
  await page.goto("/cart");
  expect(await seriousViolations(page), "/cart").toEqual([]);
  await page.goto("/checkout");
  expect(await seriousViolations(page), "/checkout").toEqual([]);
  // With every error showing, too.
  await page.getByLabel("Full name").fill("");
  await page.getByRole("button", { name: "Continue to review" }).click();
  await expect(page.locator("#field-name-error")).toBeVisible();
  expect(await seriousViolations(page), "/checkout with errors").toEqual([]);
  await reviewCheckout(page);
  expect(await seriousViolations(page), "/checkout/review").toEqual([]);
  await page.getByRole("button", { name: "Place order" }).click();
  await expect(page).toHaveURL(/\/orders\/[0-9a-f-]{36}$/);
  expect(await seriousViolations(page), "order page").toEqual([]);
  for (const path of ["/orders", "/account"]) {
    await page.goto(path);
    expect(await seriousViolations(page), path).toEqual([]);
  }
  await page.screenshot({ path: test.info().outputPath("account.png"), fullPage: true });
});

test("the main pages fit a 360 px wide screen without sideways scrolling", async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  const overflow = async () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  for (const path of ["/", "/categories/lighting", "/signin", "/register", "/cart"]) {
    await page.goto(path);
    expect(await overflow(), path).toBeLessThanOrEqual(0);
  }
  await registerShopper(page, "Narrow");
  const product = await openInStockProduct(page, 0);
  expect(await overflow(), product.slug).toBeLessThanOrEqual(0);
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Added to your cart" })).toBeVisible();
  for (const path of ["/cart", "/checkout", "/orders", "/account"]) {
    await page.goto(path);
    expect(await overflow(), path).toBeLessThanOrEqual(0);
  }
});

test("a keyboard alone can search, open a product and add it to the cart", async ({ page }) => {
  await page.goto("/");
  await page.locator("#filter-q").focus();
  await page.keyboard.type("lamp");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/[?&]q=lamp/);
  // Other journeys buy lamps too; take one that can still be added.
  const first = page.getByTestId("product-card").filter({ hasText: "In stock" }).first().getByRole("link").first();
  await first.focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/products\//);
  await page.getByLabel("Quantity").focus();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Add to cart" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status").filter({ hasText: "Added to your cart" })).toBeVisible();
});
