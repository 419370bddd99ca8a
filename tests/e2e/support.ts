import { expect, type Page } from "@playwright/test";
import { randomUUID } from "node:crypto";

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

/** Registers a new shopper through the form and returns their email; the page ends signed in. */
export async function registerShopper(page: Page, name = "E2E Shopper"): Promise<string> {
  const email = `e2e-${randomUUID().slice(0, 8)}@example.com`;
  await page.goto("/register");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("a-long-password");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByTestId("signed-in-as")).toHaveText(email);
  return email;
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

/** Adds the n-th in-stock product, checks out, and waits until the worker reserved the stock; returns the order id. */
export async function placeReservedOrder(page: Page, productIndex: number, quantity = 1): Promise<string> {
  await openInStockProduct(page, productIndex);
  await page.getByLabel("Quantity").fill(String(quantity));
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByRole("status")).toContainText("Added to your cart");
  await page.goto("/cart");
  await page.getByRole("button", { name: "Place order" }).click();
  await expect(page).toHaveURL(/\/orders\/[0-9a-f-]{36}$/);
  // No reload: the order page refreshes itself while the order is pending.
  await expect(page.getByTestId("order-status")).toHaveText("Stock reserved", { timeout: 30_000 });
  return new URL(page.url()).pathname.split("/").pop()!;
}
