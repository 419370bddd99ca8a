import { expect, type Page } from "@playwright/test";
import { randomUUID } from "node:crypto";
import pg from "pg";

export const SINK = process.env.SMTP_SINK_HTTP_URL ?? "http://127.0.0.1:1080";

export interface SinkMessage {
  to: string[];
  subject: string;
  text: string;
}

export async function mailTo(address: string): Promise<SinkMessage[]> {
  const res = await fetch(`${SINK}/messages?to=${encodeURIComponent(address)}`);
  expect(res.ok).toBe(true);
  return (await res.json()) as SinkMessage[];
}

/**
 * One query against the shop's database (scripts/test.sh exports DATABASE_URL), for
 * what no page shows: the fake card processor's books, the outbox. A client per
 * query, so nothing is left open when a test ends.
 */
export async function queryDb<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** How many operations of a kind (charge, decline, void, refund) the fake processor recorded for an order. */
export async function processorOperations(orderId: string, kind: "charge" | "decline" | "void" | "refund"): Promise<number> {
  const rows = await queryDb<{ n: number }>(`SELECT count(*)::int AS n FROM fake_processor.operations WHERE order_id = $1 AND kind = $2`, [orderId, kind]);
  return rows[0]!.n;
}

/**
 * Registers a new shopper through the form and signs them in, and returns their
 * email; the page ends signed in. Registration itself does not sign in (its
 * answer must not tell a new email from a taken one), so the fixture signs in
 * the way the new shopper would.
 */
export async function registerShopper(page: Page, name = "E2E Shopper", password = "a-long-password"): Promise<string> {
  const email = `e2e-${randomUUID().slice(0, 8)}@example.com`;
  await page.goto("/register");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Check your email")).toBeVisible();
  await signInShopper(page, email, password);
  return email;
}

/** Signs in through the form; the page ends signed in. */
export async function signInShopper(page: Page, email: string, password = "a-long-password"): Promise<void> {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signed-in-as")).toHaveText(email);
}

/** Opens the n-th in-stock product of the first catalog page and returns its name and slug. */
export async function openInStockProduct(page: Page, index: number): Promise<{ name: string; slug: string }> {
  await page.goto("/");
  const link = page.getByRole("listitem").filter({ hasText: "In stock" }).nth(index).getByRole("link").first();
  const name = (await link.textContent())!.trim();
  await link.click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(name);
  return { name, slug: new URL(page.url()).pathname.split("/").pop()! };
}

/** Opens a product by slug and adds `quantity` of it to the cart. */
export async function addToCart(page: Page, slug: string, quantity = 1): Promise<void> {
  await page.goto(`/products/${slug}`);
  await page.getByLabel("Quantity").fill(String(quantity));
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByRole("status")).toContainText("Added to your cart");
}

export interface TestAddress {
  name: string;
  line1: string;
  line2?: string;
  city: string;
  postalCode: string;
  country: string;
}

export const E2E_ADDRESS: TestAddress = { name: "E2E Shopper", line1: "1 Test Street", city: "Springfield", postalCode: "12345", country: "US" };

/** Fills step 1 of checkout (the shipping address form). */
export async function fillShippingAddress(page: Page, address: TestAddress = E2E_ADDRESS): Promise<void> {
  await page.getByLabel("Full name").fill(address.name);
  await page.getByLabel("Address line 1").fill(address.line1);
  await page.getByLabel("Address line 2 (optional)").fill(address.line2 ?? "");
  await page.getByLabel("City").fill(address.city);
  await page.getByLabel("Postal code").fill(address.postalCode);
  await page.getByLabel("Country").selectOption(address.country);
}

/** From step 1 with a valid address to the review step. */
export async function reviewCheckout(page: Page, address: TestAddress = E2E_ADDRESS): Promise<void> {
  // By URL, so journeys that are not about the cart page do not depend on its layout.
  await page.goto("/checkout");
  await fillShippingAddress(page, address);
  await page.getByRole("button", { name: "Continue to review" }).click();
  await expect(page).toHaveURL(/\/checkout\/review$/);
  await expect(page.getByRole("heading", { name: "Review your order" })).toBeVisible();
}

/** Checks out the cart (address, review, place order); the page ends on the new order, whose id is returned. */
export async function checkOut(page: Page, address: TestAddress = E2E_ADDRESS): Promise<string> {
  await reviewCheckout(page, address);
  await page.getByRole("button", { name: "Place order" }).click();
  await expect(page).toHaveURL(/\/orders\/[0-9a-f-]{36}$/);
  return new URL(page.url()).pathname.split("/").pop()!;
}

/** Amount in minor units of a "$1,234.56" text. */
export function minorUnits(text: string | null): number {
  const match = /\$([\d,]+)\.(\d{2})/.exec(text ?? "");
  if (!match) throw new Error(`no dollar amount in ${JSON.stringify(text)}`);
  return Number(match[1]!.replace(/,/g, "")) * 100 + Number(match[2]);
}

/** Adds the n-th in-stock product, checks out, and waits until the worker reserved the stock; returns the order id. */
export async function placeReservedOrder(page: Page, productIndex: number, quantity = 1): Promise<string> {
  await openInStockProduct(page, productIndex);
  await page.getByLabel("Quantity").fill(String(quantity));
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByRole("status")).toContainText("Added to your cart");
  const orderId = await checkOut(page);
  // No reload: the order page refreshes itself while the order is pending.
  await expect(page.getByTestId("order-status")).toHaveText("Stock reserved", { timeout: 30_000 });
  return orderId;
}
