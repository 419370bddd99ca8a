import { expect, test, type Browser, type Page } from "@playwright/test";
import { randomUUID } from "node:crypto";
import { signInAsAdmin } from "./admin-support";
import { mailTo, openInStockProduct, placeReservedOrder, registerShopper } from "./support";

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
  await expect(admin.getByTestId("summary-line")).toHaveText([new RegExp(product.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))]);
  await expect(admin.getByTestId("ship-to")).toContainText("1 Test Street");
  await expect(admin.getByTestId("payments")).toContainText("Authorized");
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

test("an admin cancels a paid order: refund due, the stock comes back, the shopper sees who cancelled", async ({ page, browser }) => {
  await registerShopper(page, "Changed Mind");
  const product = await openInStockProduct(page, 7);
  const before = await stockOf(page, product.slug);
  const orderId = await placePaidOrder(page, 7);
  await expect.poll(() => stockOf(page, product.slug), { timeout: 30_000 }).toBe(before - 1);

  const admin = await adminPage(browser);
  await admin.goto(`/admin/orders/${orderId}`);
  await admin.getByRole("button", { name: "Cancel order" }).click();
  await expect(admin.getByRole("status").filter({ hasText: "Order cancelled." })).toHaveText("Order cancelled. Its payment is marked for refund.");
  await expect(admin.getByTestId("order-status")).toHaveText("Cancelled — Cancelled by the shop");
  await expect(admin.getByTestId("refund-due")).toHaveText("Refund due");
  await expect(admin.getByTestId("timeline").getByRole("listitem").last()).toContainText("Cancelled by the shop");
  await expect(admin.getByTestId("timeline").getByRole("listitem").last()).toContainText("by admin@example.com");
  await expect.poll(() => stockOf(page, product.slug), { timeout: 30_000 }).toBe(before);

  await page.reload();
  await expect(page.getByTestId("order-status")).toHaveText("Cancelled — Cancelled by the shop");
  await expect(page.getByText("Your payment will be refunded.")).toBeVisible();
  await expect(page.getByTestId("timeline").getByRole("listitem").last()).toHaveText(/Cancelled by the shop$/);

  // The list shows it too, filtered by status.
  await admin.goto(`/admin/orders?status=cancelled`);
  await expect(admin.getByRole("row").filter({ has: admin.getByRole("link", { name: `Order ${orderId.slice(0, 8)}` }) })).toContainText("Refund due");
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
