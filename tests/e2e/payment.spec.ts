import { expect, test } from "./fixtures";
import { mailTo, openInStockProduct, placeReservedOrder, processorOperations, queryDb, registerShopper } from "./support";

const receiptsFor = async (email: string, orderId: string) => (await mailTo(email)).filter((m) => m.subject === `Receipt for order ${orderId.slice(0, 8)}`).length;

test("paying a reserved order: a declined card, then a good one, then the receipt; the page keeps saying it is paid", async ({ page }) => {
  const email = await registerShopper(page, "Payer");
  const orderId = await placeReservedOrder(page, 3);
  const total = (await page.getByTestId("summary-total").textContent())!.trim();

  await page.getByLabel("Card number").fill("4000 0000 0000 0002");
  await page.getByRole("button", { name: "Pay now" }).click();
  await expect(page.locator("#field-cardNumber-error")).toHaveText("Your card was declined.");
  await expect(page.getByTestId("order-status")).toHaveText("Stock reserved");
  await expect(page.getByTestId("order-payment")).toHaveCount(0);

  await page.getByLabel("Card number").fill("12ab");
  await page.getByRole("button", { name: "Pay now" }).click();
  await expect(page.locator("#field-cardNumber-error")).toHaveText("Enter the 12 to 19 digits of your card number");

  await page.getByLabel("Card number").fill("4242 4242 4242 4242");
  await page.getByRole("button", { name: "Pay now" }).click();
  await expect(page.getByTestId("order-status")).toHaveText("Paid");
  await expect(page.getByTestId("timeline").getByRole("listitem")).toHaveText([/Pending/, /Stock reserved/, /Paid/]);
  await expect(page.getByRole("button", { name: "Pay now" })).toHaveCount(0);
  // The form is gone; the page itself says the payment went through, and keeps saying it.
  await expect(page.getByRole("heading", { name: "Payment received" })).toBeVisible();
  await expect(page.getByTestId("payment-received")).toContainText(`${total} paid with card •••• 4242 on`);
  await page.reload();
  await expect(page.getByTestId("payment-received")).toContainText(`${total} paid with card •••• 4242 on`);
  await expect(page.getByTestId("money-state")).toHaveCount(0);

  await expect.poll(() => receiptsFor(email, orderId), { timeout: 30_000 }).toBe(1);
  await page.screenshot({ path: test.info().outputPath("order-paid.png"), fullPage: true });
});

test("paying in two tabs at once charges once: one tab is paid, the other is told a payment is under way, one receipt", async ({ page }) => {
  const email = await registerShopper(page, "Double Payer");
  const orderId = await placeReservedOrder(page, 5);
  const other = await page.context().newPage();
  await other.goto(`/orders/${orderId}`);
  const tabs = [page, other];
  for (const tab of tabs) await tab.getByLabel("Card number").fill("4242 4242 4242 4242");

  // Both forms go at once (each tab rendered its own payment key); the fake processor takes 300 ms to answer.
  await Promise.all(tabs.map((tab) => tab.getByRole("button", { name: "Pay now" }).click()));
  const inProgress = (tab: typeof page) => tab.getByRole("alert").filter({ hasText: "A payment for this order is already being processed" });
  const outcomes = await Promise.all(
    tabs.map(async (tab) => {
      await expect(tab.getByTestId("payment-received").or(inProgress(tab))).toBeVisible();
      return (await tab.getByTestId("payment-received").count()) > 0 ? "paid" : "in progress";
    }),
  );
  expect([...outcomes].sort()).toEqual(["in progress", "paid"]);

  // The tab that was refused follows the other tab's payment by itself, without a reload.
  const refused = tabs[outcomes.indexOf("in progress")]!;
  await refused.screenshot({ path: test.info().outputPath("payment-in-progress.png"), fullPage: true });
  await expect(refused.getByTestId("order-status")).toHaveText("Paid", { timeout: 15_000 });
  await expect(refused.getByTestId("payment-received")).toBeVisible();

  expect(await processorOperations(orderId, "charge")).toBe(1);
  const paidEvents = await queryDb<{ n: number }>(`SELECT count(*)::int AS n FROM outbox_events WHERE type = 'order.paid' AND aggregate_id = $1`, [orderId]);
  expect(paidEvents[0]!.n).toBe(1);
  await expect.poll(() => receiptsFor(email, orderId), { timeout: 30_000 }).toBe(1);
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
