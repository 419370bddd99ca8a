import { expect, test } from "./fixtures";
import { checkOut, openInStockProduct, placeReservedOrder, registerShopper } from "./support";

async function stockOf(request: import("./fixtures").APIRequestContext, slug: string): Promise<number> {
  const res = await request.get(`/api/v1/products/${slug}`);
  expect(res.ok()).toBe(true);
  return (await res.json()).stock;
}

test("the order page follows the worker by itself, and cancelling gives the stock back", async ({ page }) => {
  await registerShopper(page, "Canceller");
  const product = await openInStockProduct(page, 2);
  const before = await stockOf(page.request, product.slug);
  await placeReservedOrder(page, 2, 2);
  expect(await stockOf(page.request, product.slug)).toBe(before - 2);

  await page.getByRole("button", { name: "Cancel order" }).click();
  await expect(page.getByTestId("order-status")).toHaveText("Cancelled — Cancelled by you");
  await expect(page.getByRole("button", { name: "Cancel order" })).toHaveCount(0);
  // order.cancelled → worker → stock released.
  await expect.poll(() => stockOf(page.request, product.slug), { timeout: 30_000 }).toBe(before);

  await page.goto("/account");
  await expect(page.getByRole("heading", { name: "Your account" })).toBeVisible();
  await expect(page.getByTestId("order-status").first()).toHaveText("Cancelled — Cancelled by you");
  await page.screenshot({ path: test.info().outputPath("account-after-cancel.png"), fullPage: true });
});

test("another shopper's order is a 404, not a 403", async ({ page, browser }) => {
  await registerShopper(page, "Owner");
  await openInStockProduct(page, 0);
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByRole("status")).toContainText("Added to your cart");
  await checkOut(page);
  const orderUrl = new URL(page.url()).pathname;

  const other = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  const stranger = await other.newPage();
  await registerShopper(stranger, "Stranger");
  const response = await stranger.goto(orderUrl);
  expect(response!.status()).toBe(404);
  await expect(stranger.getByRole("heading", { name: "Not found" })).toBeVisible();
  expect((await stranger.goto("/orders/not-a-uuid"))!.status()).toBe(404);
  await stranger.screenshot({ path: test.info().outputPath("another-shoppers-order.png"), fullPage: true });
  await other.close();
});
