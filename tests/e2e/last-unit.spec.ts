import { expect, test, type Browser, type Page } from "./fixtures";
import { addToCart, checkOut, registerShopper, reviewCheckout } from "./support";

/** Paid orders never expire: the e2e worker's 20 s payment window must not hand stock back mid-test. */
async function pay(page: Page): Promise<void> {
  await page.getByLabel("Card number").fill("4242 4242 4242 4242");
  await page.getByRole("button", { name: "Pay now" }).click();
  await expect(page.getByTestId("order-status")).toHaveText("Paid");
}

async function shopper(browser: Browser, name: string): Promise<Page> {
  const context = await browser.newContext({ ...test.info().project.use, baseURL: test.info().project.use.baseURL });
  const page = await context.newPage();
  await registerShopper(page, name);
  return page;
}

test("two shoppers buy the last unit at once: one wins, the other is told it sold out", async ({ page, browser }) => {
  // A low-stock product from the catalog ("Only N left").
  await page.goto("/?inStock=1&sort=name&q=");
  const card = page.getByTestId("product-card").filter({ hasText: /Only \d+ left/ }).first();
  const left = Number((await card.textContent())!.match(/Only (\d+) left/)![1]);
  const slug = (await card.getByRole("link").first().getAttribute("href"))!.split("/").pop()!;

  // A third shopper buys all but one unit.
  if (left > 1) {
    const early = await shopper(browser, "Early Bird");
    await addToCart(early, slug, left - 1);
    await checkOut(early);
    await expect(early.getByTestId("order-status")).toHaveText("Stock reserved", { timeout: 30_000 });
    await pay(early);
  }
  await page.goto(`/products/${slug}`);
  await expect(page.getByTestId("availability")).toHaveText("Only 1 left");

  const [ann, bob] = await Promise.all([shopper(browser, "Ann"), shopper(browser, "Bob")]);
  for (const p of [ann, bob]) {
    await addToCart(p, slug, 1);
    await reviewCheckout(p);
  }
  // Both press "Place order" at the same moment.
  await Promise.all([ann, bob].map((p) => p.getByRole("button", { name: "Place order" }).click()));
  for (const p of [ann, bob]) await expect(p).toHaveURL(/\/orders\/[0-9a-f-]{36}$/);

  // Each page follows its order by itself until the worker decided it.
  const outcomes = await Promise.all(
    [ann, bob].map(async (p) => {
      await expect(p.getByTestId("order-status")).not.toHaveText("Pending", { timeout: 30_000 });
      const status = await p.getByTestId("order-status").textContent();
      if (status === "Stock reserved") await pay(p);
      return status;
    }),
  );
  expect([...outcomes].sort()).toEqual(["Cancelled — Out of stock", "Stock reserved"]);

  await page.goto(`/products/${slug}`);
  await expect(page.getByTestId("availability")).toHaveText("Sold out");
  await expect(page.getByRole("button", { name: "Sold out" })).toBeDisabled();
  const loser = outcomes[0] === "Stock reserved" ? bob : ann;
  await loser.screenshot({ path: test.info().outputPath("last-unit-sold-out.png"), fullPage: true });
  await page.screenshot({ path: test.info().outputPath("last-unit-product.png"), fullPage: true });
});
