import { expect, test } from "@playwright/test";
import { mailTo, openInStockProduct, placeReservedOrder, registerShopper } from "./support";

test("paying a reserved order: a declined card, then a good one, then the receipt", async ({ page }) => {
  const email = await registerShopper(page, "Payer");
  const orderId = await placeReservedOrder(page, 3);

  await page.getByLabel("Card number").fill("4000 0000 0000 0002");
  await page.getByRole("button", { name: "Pay now" }).click();
  await expect(page.locator("#field-cardNumber-error")).toHaveText("Your card was declined.");
  await expect(page.getByTestId("order-status")).toHaveText("Stock reserved");

  await page.getByLabel("Card number").fill("12ab");
  await page.getByRole("button", { name: "Pay now" }).click();
  await expect(page.locator("#field-cardNumber-error")).toHaveText("Enter the 12 to 19 digits of your card number");

  await page.getByLabel("Card number").fill("4242 4242 4242 4242");
  await page.getByRole("button", { name: "Pay now" }).click();
  await expect(page.getByTestId("order-status")).toHaveText("Paid");
  await expect(page.getByTestId("timeline").getByRole("listitem")).toHaveText([/Pending/, /Stock reserved/, /Paid/]);
  await expect(page.getByRole("button", { name: "Pay now" })).toHaveCount(0);

  await expect
    .poll(async () => (await mailTo(email)).filter((m) => m.subject === `Receipt for order ${orderId.slice(0, 8)}`).length, { timeout: 30_000 })
    .toBe(1);
  await page.screenshot({ path: test.info().outputPath("order-paid.png"), fullPage: true });
});

test("an unpaid reservation expires: the order is cancelled and the stock comes back", async ({ page }) => {
  await registerShopper(page, "Late Payer");
  const product = await openInStockProduct(page, 4);
  const stockBefore = (await (await page.request.get(`/api/v1/products/${product.slug}`)).json()).stock as number;
  await placeReservedOrder(page, 4);
  // The e2e worker runs with a 20 s payment window (scripts/test.sh).
  await expect
    .poll(
      async () => {
        await page.reload();
        return page.getByTestId("order-status").textContent();
      },
      { timeout: 60_000, intervals: [1000] },
    )
    .toBe("Cancelled — Payment window expired");
  await expect(page.getByRole("button", { name: "Pay now" })).toHaveCount(0);
  await expect
    .poll(async () => (await (await page.request.get(`/api/v1/products/${product.slug}`)).json()).stock, { timeout: 30_000 })
    .toBe(stockBefore);
  await page.screenshot({ path: test.info().outputPath("order-expired.png"), fullPage: true });
});
