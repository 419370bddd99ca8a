import { expect, test, type Page } from "./fixtures";
import { signInAsAdmin } from "./admin-support";
import { randomUUID } from "node:crypto";
import { minorUnits, openInStockProduct, placeReservedOrder, queryDb, registerShopper } from "./support";

/** What the dashboard says now: today's paid and total order counts, and today's revenue in minor units. */
async function figures(page: Page) {
  await page.goto("/admin");
  await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
  const count = async (testId: string) => Number(await page.getByTestId(testId).getByRole("cell").textContent());
  return {
    paid: await count("orders-today-paid"),
    total: Number(await page.getByTestId("orders-today-total").textContent()),
    revenueToday: minorUnits(await page.getByTestId("revenue-today").textContent()),
  };
}

test("the dashboard counts a paid order, charts revenue, lists low stock and processed events", async ({ page, browser }) => {
  await signInAsAdmin(page);
  const before = await figures(page);

  // A shopper, in a browser of their own, buys and pays.
  const shopperContext = await browser.newContext();
  const shopper = await shopperContext.newPage();
  await registerShopper(shopper, "Dashboard Shopper");
  const { name: productName } = await openInStockProduct(shopper, 6);
  const orderId = await placeReservedOrder(shopper, 6);
  const orderTotal = minorUnits(await shopper.getByTestId("summary-total").textContent());
  await shopper.getByLabel("Card number").fill("4242 4242 4242 4242");
  await shopper.getByRole("button", { name: "Pay now" }).click();
  await expect(shopper.getByTestId("order-status")).toHaveText("Paid");
  await shopperContext.close();

  const after = await figures(page);
  expect(after.paid).toBe(before.paid + 1);
  expect(after.total).toBe(before.total + 1);
  expect(after.revenueToday).toBe(before.revenueToday + orderTotal);

  // The chart has an accessible name, and the same figures as a table; today's bar is the last row.
  const chart = page.getByRole("img", { name: /Revenue per day in USD, last 30 days/ });
  await expect(chart).toBeVisible();
  await page.getByText("Revenue by day as a table").click();
  const rows = page.getByTestId("revenue-table-USD").locator("tbody tr");
  await expect(rows).toHaveCount(30);
  expect(minorUnits(await rows.last().getByRole("cell").textContent())).toBe(after.revenueToday);

  // The worker's processed events name the order (order.created, order.paid, ...).
  await expect
    .poll(
      async () => {
        await page.reload();
        return page.getByTestId("processed-events").getByText(orderId).count();
      },
      { timeout: 30_000, intervals: [1000] },
    )
    .toBeGreaterThan(0);

  // The admin sets the product just sold low (its threshold far above its stock): it joins the low-stock list.
  await page.goto(`/admin/stock?q=${encodeURIComponent(productName)}`);
  await page.getByTestId("stock-search-results").getByRole("link", { name: productName, exact: true }).click();
  await page.getByLabel("List as low at or below").fill("1000");
  await page.getByRole("button", { name: "Save threshold" }).click();
  await expect(page.getByTestId("current-threshold")).toHaveText("1000");
  await page.goto("/admin");
  await expect(page.getByTestId("dashboard-low-stock").getByRole("link", { name: productName, exact: true })).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("admin-dashboard.png"), fullPage: true });
});

test("payments reconciliation: processor and shop agree; money only the processor moved lists the order", async ({ page, browser }) => {
  // A shopper, in a browser of their own, pays an order: the processor now holds its total.
  const shopperContext = await browser.newContext();
  const shopper = await shopperContext.newPage();
  await registerShopper(shopper, "Reconciled Shopper");
  const orderId = await placeReservedOrder(shopper, 10);
  const orderTotal = minorUnits(await shopper.getByTestId("summary-total").textContent());
  await shopper.getByLabel("Card number").fill("4242 4242 4242 4242");
  await shopper.getByRole("button", { name: "Pay now" }).click();
  await expect(shopper.getByTestId("payment-received")).toBeVisible();
  await shopperContext.close();

  await signInAsAdmin(page);
  const tile = page.getByTestId("reconciliation");
  await expect(tile.getByTestId("reconciliation-agree")).toHaveText("Processor and shop agree.");
  await expect(tile.getByTestId("reconciliation-differences")).toHaveText("0");
  expect(Number(await tile.getByTestId("reconciliation-checked").textContent())).toBeGreaterThanOrEqual(1);

  // The processor gives back $1.00 the shop never asked for (written straight into the fake processor's books).
  const [charge] = await queryDb<{ key: string }>(`SELECT key FROM fake_processor.operations WHERE order_id = $1 AND kind = 'charge'`, [orderId]);
  const strayKey = `e2e-stray-${randomUUID()}`;
  await queryDb(
    `INSERT INTO fake_processor.operations (key, kind, order_id, charge_key, amount_minor, currency, reference) VALUES ($1, 'refund', $2, $3, 100, 'USD', $1)`,
    [strayKey, orderId, charge!.key],
  );
  try {
    await page.reload();
    await expect(tile.getByTestId("reconciliation-differences")).toHaveText("1");
    await expect(tile.getByTestId("reconciliation-agree")).toHaveCount(0);
    const row = tile.getByTestId("reconciliation-differences-list").getByRole("row").filter({ has: page.getByRole("link", { name: `Order ${orderId.slice(0, 8)}` }) });
    await expect(row.getByRole("cell")).toHaveText([formatUsd(orderTotal), formatUsd(orderTotal - 100)]);
    await page.screenshot({ path: test.info().outputPath("admin-dashboard-reconciliation.png"), fullPage: true });
    await row.getByRole("link").click();
    await expect(page).toHaveURL(new RegExp(`/admin/orders/${orderId}$`));
    await expect(page.getByRole("heading", { level: 1 })).toContainText(orderId.slice(0, 8));
  } finally {
    await queryDb(`DELETE FROM fake_processor.operations WHERE key = $1`, [strayKey]);
  }
  await page.goto("/admin");
  await expect(tile.getByTestId("reconciliation-agree")).toHaveText("Processor and shop agree.");
});

function formatUsd(minor: number): string {
  return new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" }).format(minor / 100);
}
