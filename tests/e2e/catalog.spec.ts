import { expect, test, type Page } from "./fixtures";

async function search(page: Page, fields: { q?: string; category?: string; min?: string; max?: string; inStock?: boolean; sort?: string }) {
  const form = page.getByRole("search", { name: "Search and filter products" });
  if (fields.q !== undefined) await form.getByLabel("Search").fill(fields.q);
  if (fields.category !== undefined) await form.getByLabel("Category").selectOption({ label: fields.category });
  if (fields.min !== undefined) await form.getByLabel("Min price").fill(fields.min);
  if (fields.max !== undefined) await form.getByLabel("Max price").fill(fields.max);
  if (fields.inStock) await form.getByLabel("In stock only").check();
  if (fields.sort !== undefined) await form.getByLabel("Sort by").selectOption({ label: fields.sort });
  await form.getByRole("button", { name: "Apply" }).click();
}

const cardNames = (page: Page) => page.getByTestId("product-card").getByRole("link").allTextContents();
async function cardPrices(page: Page): Promise<number[]> {
  const texts = await page.getByTestId("product-card").locator("span", { hasText: "$" }).allTextContents();
  // Display only: the test compares the order of what the shopper sees.
  return texts.map((t) => Math.round(Number(t.replace(/[^0-9.]/g, "")) * 100));
}

test("search and filter: accents, typos, category, price, stock, sort, pages, and the back button", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByText(/Page 1 of \d+/)).toBeVisible();

  // "cafe" finds the mugs whose descriptions say "café".
  await search(page, { q: "cafe" });
  await expect(page).toHaveURL(/[?&]q=cafe/);
  await expect(page.getByTestId("result-count")).toContainText("for “cafe”");
  const mugs = await cardNames(page);
  expect(mugs.length).toBeGreaterThan(0);
  for (const name of mugs) expect(name).toContain("Mug");

  // A typo in a short word still finds lamps, and says it matched similar words.
  await search(page, { q: "lamo" });
  await expect(page.getByTestId("similar-notice")).toBeVisible();
  expect((await cardNames(page)).some((n) => n.includes("Lamp"))).toBe(true);

  // A misspelled longer word is corrected: walnut pieces, with "Did you mean walnut?".
  await search(page, { q: "walnot" });
  const corrected = await cardNames(page);
  expect(corrected.length).toBeGreaterThan(0);
  for (const name of corrected) expect(name).toContain("Walnut");
  await expect(page.getByTestId("did-you-mean")).toContainText("Did you mean walnut?");
  await expect(page.getByTestId("similar-notice")).toHaveCount(0);

  // Category + price range + in stock + sort, all in the URL.
  await search(page, { q: "", category: "Lighting", min: "60", max: "75", inStock: true, sort: "Price: low to high" });
  await expect(page).toHaveURL(/\/categories\/lighting\?/);
  await expect(page).toHaveURL(/sort=price_asc/);
  const lamps = await cardNames(page);
  expect(lamps.length).toBeGreaterThan(0);
  for (const name of lamps) expect(name).toContain("Lamp");
  const prices = await cardPrices(page);
  expect(prices).toEqual([...prices].sort((a, b) => a - b));
  for (const p of prices) expect(p >= 6000 && p <= 7500).toBe(true);
  await expect(page.getByTestId("product-card").filter({ hasText: "Sold out" })).toHaveCount(0);

  // The back button returns to the typo search, with its box filled in.
  await page.goBack();
  await expect(page).toHaveURL(/[?&]q=walnot/);
  await expect(page.locator("#filter-q")).toHaveValue("walnot");

  // "Did you mean" links to the corrected search, which needs no correction.
  await page.getByTestId("did-you-mean").getByRole("link", { name: "walnut" }).click();
  await expect(page).toHaveURL(/[?&]q=walnut(&|$)/);
  await expect(page.locator("#filter-q")).toHaveValue("walnut");
  await expect(page.getByTestId("did-you-mean")).toHaveCount(0);
  expect(await cardNames(page)).toEqual(corrected);

  // Bad input gets a message by the field, not an error page.
  await page.goto("/?minPrice=abc");
  await expect(page.locator("#filter-minPrice")).toHaveAttribute("aria-invalid", "true");

  // Real pages.
  await page.goto("/");
  const firstPage = await cardNames(page);
  await page.getByRole("navigation", { name: "Pagination" }).getByRole("link", { name: /Page 2\b|Next/ }).first().click();
  await expect(page).toHaveURL(/[?&]page=2/);
  await expect(page.getByText(/Page 2 of \d+/)).toBeVisible();
  const secondPage = await cardNames(page);
  expect(secondPage.filter((n) => firstPage.includes(n))).toEqual([]);
  await page.screenshot({ path: test.info().outputPath("catalog-page-2.png"), fullPage: true });
});
