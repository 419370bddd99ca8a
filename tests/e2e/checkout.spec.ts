import { expect, test } from "@playwright/test";
import { mailTo, openInStockProduct, registerShopper } from "./support";

test("a shopper registers, buys two products, sees stock reserved and gets the confirmation email", async ({ page }) => {
  const email = await registerShopper(page);

  // The welcome email travels user.registered → Kafka → worker → SMTP.
  await expect.poll(async () => (await mailTo(email)).map((m) => m.subject), { timeout: 30_000 }).toContain("Welcome to the shop");

  const added: string[] = [];
  for (const index of [0, 1]) {
    const { name } = await openInStockProduct(page, index);
    if (index === 0) {
      for (const [bad, message] of [["0", "At least 1"], ["-1", "At least 1"], ["1000000000", "At most 99"], ["1.5", "Enter a whole number"]]) {
        await page.getByLabel("Quantity").fill(bad!);
        await page.getByRole("button", { name: "Add to cart" }).click();
        await expect(page.locator("#field-quantity-error")).toHaveText(message!);
      }
      await page.getByLabel("Quantity").fill("1");
    }
    await page.getByRole("button", { name: "Add to cart" }).click();
    await expect(page.getByRole("status")).toContainText("Added to your cart");
    added.push(name);
  }

  await page.getByTestId("cart-link").click();
  await expect(page.getByTestId("cart-line")).toHaveCount(2);
  for (const name of added) await expect(page.getByTestId("cart-line").filter({ hasText: name })).toHaveCount(1);
  await expect(page.getByText(/Total \(2 items\)/)).toBeVisible();

  await page.getByRole("button", { name: "Place order" }).click();
  await expect(page).toHaveURL(/\/orders\/[0-9a-f-]{36}$/);
  const orderId = page.url().split("/").pop()!;

  // The shopper only reloads; the worker moves the order along.
  await expect
    .poll(
      async () => {
        await page.reload();
        return page.getByTestId("order-status").textContent();
      },
      { timeout: 45_000, intervals: [500, 1000] },
    )
    .toBe("Stock reserved");

  await expect
    .poll(async () => (await mailTo(email)).filter((m) => m.subject === `Order confirmation ${orderId.slice(0, 8)}`).length, { timeout: 30_000 })
    .toBe(1);
  const confirmation = (await mailTo(email)).find((m) => m.subject.startsWith("Order confirmation"))!;
  for (const name of added) expect(confirmation.text).toContain(name);

  // The cart was emptied by the same transaction that created the order.
  await page.goto("/cart");
  await expect(page.getByText("Your cart is empty.")).toBeVisible();
  await page.screenshot({ path: test.info().outputPath("order-stock-reserved.png"), fullPage: true });
});

test("bad input gets a message by the field, never a crash", async ({ page }) => {
  await page.goto("/register");
  await page.getByLabel("Name").fill("X");
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.locator("#field-email-error")).toHaveText("Enter a valid email address");
  await expect(page.locator("#field-password-error")).toHaveText("At least 8 characters");

  await page.goto("/signin");
  await page.getByLabel("Email").fill("nobody@example.com");
  await page.getByLabel("Password").fill("whatever-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Email or password is incorrect.")).toBeVisible();

  const res = await page.request.get("/api/v1/products?page=abc");
  expect(res.status()).toBe(422);
  expect((await res.json()).errors[0].path).toBe("query.page");
  const badSlug = await page.request.get("/api/v1/products/Not_A_Slug");
  expect(badSlug.status()).toBe(422);
  expect(badSlug.headers()["content-type"]).toContain("application/problem+json");
  expect((await badSlug.json()).errors[0].path).toBe("path.slug");
  expect((await page.request.get("/api/v1/products/no-such-product")).status()).toBe(404);
  expect((await page.goto("/products/NOT_A_SLUG"))!.status()).toBe(404);
  expect((await page.goto("/?page=-1"))!.status()).toBe(404);
});

test("signing out ends the session on the server, even for a copied cookie", async ({ page, context, browser }) => {
  await registerShopper(page, "Sign Out");

  // Another browser holding a copy of the cookie is signed in too...
  const copy = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  await copy.addCookies(await context.cookies());
  const thief = await copy.newPage();
  await thief.goto("/orders");
  await expect(thief.getByRole("heading", { name: "Your orders" })).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();

  // ...until the owner signs out: the server-side session is gone.
  await thief.goto("/orders");
  await expect(thief).toHaveURL(/\/signin\?callbackUrl=(%2F|\/)orders$/);
  await copy.close();
});
