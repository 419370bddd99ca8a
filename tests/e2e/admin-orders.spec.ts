import { expect, test, type Browser, type Page } from "./fixtures";
import { randomUUID } from "node:crypto";
import { signInAsAdmin } from "./admin-support";
import { mailTo, minorUnits, openInStockProduct, placeReservedOrder, processorOperations, registerShopper } from "./support";

const STALE = "This order changed since you opened it — reload to see its current state";

/** Places and pays an order for the n-th in-stock product; the page ends on the paid order. */
async function placePaidOrder(page: Page, productIndex: number): Promise<string> {
  const orderId = await placeReservedOrder(page, productIndex);
  await page.getByLabel("Card number").fill("4242 4242 4242 4242");
  await page.getByRole("button", { name: "Pay now" }).click();
  await expect(page.getByTestId("order-status")).toHaveText("Paid");
  return orderId;
}

async function adminPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInAsAdmin(page);
  return page;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** 1234 → "12.34", as the refund field takes it. */
const decimal = (minor: number) => `${Math.trunc(minor / 100)}.${String(minor % 100).padStart(2, "0")}`;
/** 123456 → "$1,234.56", as the pages show it. */
const dollars = (minor: number) => new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" }).format(minor / 100);

async function stockOf(page: Page, slug: string): Promise<number> {
  return (await (await page.request.get(`/api/v1/products/${slug}`)).json()).stock as number;
}

test("an admin finds a paid order by the shopper's email, ships it with a tracking reference, then completes it", async ({ page, browser }) => {
  const email = await registerShopper(page, "Parcel Waiter");
  const product = await openInStockProduct(page, 6);
  const orderId = await placePaidOrder(page, 6);
  const short = orderId.slice(0, 8);

  const admin = await adminPage(browser);
  await admin.goto("/admin/orders");
  await admin.getByLabel("Customer email").fill(email.toUpperCase());
  await admin.getByRole("button", { name: "Filter" }).click();
  await expect(admin).toHaveURL(/\/admin\/orders\?.*email=/);
  await expect(admin.getByTestId("admin-order-row")).toHaveCount(1);
  await expect(admin.getByTestId("admin-order-row")).toContainText(email);
  await admin.getByRole("link", { name: `Order ${short}` }).click();

  await expect(admin.getByRole("heading", { level: 1 })).toContainText(short);
  await expect(admin.getByTestId("order-status")).toHaveText("Paid");
  await expect(admin.getByTestId("customer")).toContainText(email);
  await expect(admin.getByTestId("summary-line")).toHaveText([new RegExp(escape(product.name))]);
  await expect(admin.getByTestId("ship-to")).toContainText("1 Test Street");
  await expect(admin.getByTestId("payments")).toContainText("Charged");
  await expect(admin.getByTestId("payments")).toContainText("•••• 4242");
  await expect(admin.getByTestId("timeline").getByRole("listitem")).toHaveText([/Pending/, /Stock reserved/, /Paid/]);
  // Only what the state machine allows from "paid".
  await expect(admin.getByRole("button", { name: "Mark as completed" })).toHaveCount(0);

  // An empty reference is refused by the field.
  await admin.getByLabel("Tracking reference").fill("   ");
  await admin.getByRole("button", { name: "Mark as shipped" }).click();
  await expect(admin.locator("#field-trackingReference-error")).toHaveText("Enter the carrier's tracking reference");
  await expect(admin.getByTestId("order-status")).toHaveText("Paid");

  const tracking = `1Z-E2E-${randomUUID().slice(0, 8).toUpperCase()}`;
  await admin.getByLabel("Tracking reference").fill(tracking);
  await admin.getByRole("button", { name: "Mark as shipped" }).click();
  await expect(admin.getByRole("status").filter({ hasText: "Order marked as shipped" })).toBeVisible();
  await expect(admin.getByTestId("order-status")).toHaveText("Shipped");
  await expect(admin.getByTestId("tracking-reference")).toHaveText(tracking);
  await expect(admin.getByTestId("timeline").getByRole("listitem").last()).toContainText(`Shipped — tracking ${tracking}`);
  await expect(admin.getByTestId("timeline").getByRole("listitem").last()).toContainText("by admin@example.com");
  await expect(admin.getByRole("button", { name: "Cancel order" })).toHaveCount(0);

  await page.reload();
  await expect(page.getByTestId("order-status")).toHaveText("Shipped");
  await expect(page.getByTestId("tracking-reference")).toHaveText(tracking);
  await expect(page.getByRole("button", { name: "Cancel order" })).toHaveCount(0);
  await expect
    .poll(async () => (await mailTo(email)).filter((m) => m.subject === `Your order ${short} has shipped` && m.text.includes(tracking)).length, {
      timeout: 30_000,
    })
    .toBe(1);

  await admin.getByRole("button", { name: "Mark as completed" }).click();
  await expect(admin.getByTestId("order-status")).toHaveText("Completed");
  await expect(admin.getByText("No further changes are possible for this order.")).toBeVisible();
  for (const name of ["Mark as shipped", "Mark as completed", "Cancel order"]) await expect(admin.getByRole("button", { name })).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId("order-status")).toHaveText("Completed");
  await admin.screenshot({ path: test.info().outputPath("admin-order-completed.png"), fullPage: true });
});

test("an admin cancels a paid order: the worker refunds it in full, the stock comes back, the shopper sees who cancelled", async ({ page, browser }) => {
  const email = await registerShopper(page, "Changed Mind");
  const product = await openInStockProduct(page, 7);
  const before = await stockOf(page, product.slug);
  const orderId = await placePaidOrder(page, 7);
  const total = (await page.getByTestId("summary-total").textContent())!.trim();
  await expect.poll(() => stockOf(page, product.slug), { timeout: 30_000 }).toBe(before - 1);

  const admin = await adminPage(browser);
  await admin.goto(`/admin/orders/${orderId}`);
  await admin.getByRole("button", { name: "Cancel order" }).click();
  await expect(admin.getByRole("status").filter({ hasText: "Order cancelled." })).toHaveText("Order cancelled. Its payment will be refunded.");
  await expect(admin.getByTestId("order-status")).toHaveText("Cancelled — Cancelled by the shop");
  await expect(admin.getByTestId("timeline").getByRole("listitem").last()).toContainText("Cancelled by the shop");
  await expect(admin.getByTestId("timeline").getByRole("listitem").last()).toContainText("by admin@example.com");
  await expect.poll(() => stockOf(page, product.slug), { timeout: 30_000 }).toBe(before);

  // The worker makes the cancellation's refund; until the processor confirms it the order shows a refund due.
  await expect
    .poll(
      async () => {
        await admin.reload();
        return admin.getByTestId("refund-row").first().textContent();
      },
      { timeout: 30_000, intervals: [500, 1000] },
    )
    .toMatch(new RegExp(`Refunded.*Order cancelled.*${escape(total)}`));
  await expect(admin.getByTestId("refund-due")).toHaveCount(0);
  await expect(admin.getByTestId("money-refunded")).toHaveText(total);
  await expect(admin.getByText("Nothing is left to refund.")).toBeVisible();

  await page.reload();
  await expect(page.getByTestId("order-status")).toHaveText("Cancelled — Cancelled by the shop");
  await expect(page.getByTestId("money-state")).toHaveText("Refunded in full.");
  await expect(page.getByTestId("timeline").getByRole("listitem")).toHaveText([/Pending/, /Stock reserved/, /Paid/, /Cancelled by the shop$/, new RegExp(`Refund of ${escape(total)} — refunded$`)]);
  await expect
    .poll(async () => (await mailTo(email)).filter((m) => m.subject === `Refund of ${total} for order ${orderId.slice(0, 8)}`).length, { timeout: 30_000 })
    .toBe(1);
  expect(await processorOperations(orderId, "refund")).toBe(1);

  // Refunded, the list no longer flags it.
  await admin.goto(`/admin/orders?status=cancelled`);
  await expect(admin.getByRole("row").filter({ has: admin.getByRole("link", { name: `Order ${orderId.slice(0, 8)}` }) })).not.toContainText("Refund due");
});

test("an admin refunds part of a paid order; wrong amounts are refused by the field; the shopper sees the refund", async ({ page, browser }) => {
  const email = await registerShopper(page, "Partly Refunded");
  const orderId = await placePaidOrder(page, 9);
  const total = minorUnits(await page.getByTestId("summary-total").textContent());
  const short = orderId.slice(0, 8);

  const admin = await adminPage(browser);
  await admin.goto(`/admin/orders/${orderId}`);
  const amount = admin.getByLabel("Amount to refund (USD)");
  // What is left (all of it) is the default.
  await expect(amount).toHaveValue(decimal(total));
  await expect(admin.getByTestId("refundable")).toHaveText(dollars(total));

  // Each answer differs from the one before, so each wait sees the new answer.
  for (const [typed, error] of [
    ["twelve", "Enter an amount like 12.50"],
    ["0", "Enter an amount above zero"],
    ["1.234", "Enter an amount like 12.50"],
    ["-5", "Enter an amount above zero"],
    [decimal(total + 1), `At most ${dollars(total)} is left to refund.`],
  ] as const) {
    await amount.fill(typed);
    await admin.getByRole("button", { name: "Refund", exact: true }).click();
    await expect(admin.locator("#field-amount-error")).toHaveText(error);
    await expect(amount).toHaveValue(typed);
  }
  expect(await processorOperations(orderId, "refund")).toBe(0);
  await expect(admin.getByTestId("refunds")).toHaveCount(0);

  await amount.fill("1.25");
  await admin.getByRole("button", { name: "Refund", exact: true }).click();
  await expect(admin.getByRole("status").filter({ hasText: "$1.25" })).toHaveText(/^(Refunded \$1\.25 to the customer's card\.|A refund of \$1\.25 is under way)/);
  await expect(admin.locator("#field-amount-error")).toHaveCount(0);
  await expect(admin.getByTestId("refund-row")).toHaveCount(1);
  await expect(admin.getByTestId("refund-row")).toContainText("By the shop");
  // A new form for what is left.
  await expect(amount).toHaveValue(decimal(total - 125));
  await expect(admin.getByTestId("money-left")).toHaveText(dollars(total - 125));
  await expect(admin.getByTestId("order-status")).toHaveText("Paid");
  await expect(admin.getByTestId("refund-due")).toHaveCount(0);

  // The processor call is made in the request; should it be slow, the worker finishes it. Either way the shopper sees it.
  await expect
    .poll(
      async () => {
        await page.reload();
        return page.getByTestId("timeline-refund").textContent();
      },
      { timeout: 30_000, intervals: [500, 1000] },
    )
    .toMatch(/Refund of \$1\.25 — refunded$/);
  await expect(page.getByTestId("money-state")).toHaveText("$1.25 refunded.");
  await expect(page.getByTestId("payment-received")).toContainText(`${dollars(total)} paid with card •••• 4242`);
  expect(await processorOperations(orderId, "refund")).toBe(1);
  await expect
    .poll(async () => (await mailTo(email)).filter((m) => m.subject === `Refund of $1.25 for order ${short}`).length, { timeout: 30_000 })
    .toBe(1);
  await admin.reload();
  await expect(admin.getByTestId("refund-row")).toContainText("Refunded");
  await expect(admin.getByTestId("money-refunded")).toHaveText("$1.25");
  await admin.screenshot({ path: test.info().outputPath("admin-order-refunded.png"), fullPage: true });
});

test("two tabs on one order: the first ships it, the second's cancel is refused as stale", async ({ page, browser }) => {
  await registerShopper(page, "Two Tabs");
  const orderId = await placePaidOrder(page, 8);

  const first = await adminPage(browser);
  const second = await first.context().newPage();
  await first.goto(`/admin/orders/${orderId}`);
  await second.goto(`/admin/orders/${orderId}`);
  await expect(second.getByRole("button", { name: "Cancel order" })).toBeVisible();

  await first.getByLabel("Tracking reference").fill("TAB-ONE-1");
  await first.getByRole("button", { name: "Mark as shipped" }).click();
  await expect(first.getByTestId("order-status")).toHaveText("Shipped");

  await second.getByRole("button", { name: "Cancel order" }).click();
  await expect(second.getByRole("alert").filter({ hasText: STALE })).toHaveText(STALE);
  await second.reload();
  await expect(second.getByTestId("order-status")).toHaveText("Shipped");
  await expect(second.getByTestId("timeline").getByRole("listitem")).toHaveCount(4);
});

test("bad filters are answered by the field, not with an error page", async ({ browser }) => {
  const admin = await adminPage(browser);
  const response = await admin.goto("/admin/orders?status=lost&from=2026-02-30&to=yesterday&after=garbage");
  expect(response?.status()).toBe(200);
  await expect(admin.locator("#filter-status-error")).toHaveText("Choose a status from the list");
  await expect(admin.locator("#filter-from-error")).toHaveText("Enter a real date");
  await expect(admin.locator("#filter-to-error")).toHaveText("Enter a date as YYYY-MM-DD");
  await expect(admin.getByLabel("Placed from")).toHaveAttribute("aria-describedby", "filter-from-error");
});
