import { expect, test } from "./fixtures";
import { addToCart, fillShippingAddress, mailTo, minorUnits, openInStockProduct, registerShopper, reviewCheckout } from "./support";

test("a shopper registers, buys two products, sees stock reserved and gets the confirmation email", async ({ page }) => {
  const email = await registerShopper(page);

  // The welcome email travels user.registered → Kafka → worker → SMTP.
  await expect.poll(async () => (await mailTo(email)).map((m) => m.subject), { timeout: 30_000 }).toContain("Welcome to the shop");

  const added: string[] = [];
  for (const index of [0, 1]) {
    const { name } = await openInStockProduct(page, index);
    if (index === 0) {
      for (const [bad, message] of [["0", "At least 1"], ["1000000000", "At most 99"], ["-1", "At least 1"], ["1.5", "Enter a whole number"]]) {
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

  // Step 1: the address. The name comes from the account; everything else is missing.
  await page.getByRole("link", { name: "Check out" }).click();
  await expect(page).toHaveURL(/\/checkout$/);
  await expect(page.getByRole("heading", { name: "Where should we send your order?" })).toBeVisible();
  await expect(page.getByLabel("Full name")).toHaveValue("E2E Shopper");
  await page.getByLabel("Full name").fill("   ");
  await page.getByRole("button", { name: "Continue to review" }).click();
  await expect(page.locator("#field-name-error")).toHaveText("Enter the name of the person receiving the parcel");
  await expect(page.locator("#field-line1-error")).toHaveText("Enter the street address");
  await expect(page.locator("#field-city-error")).toHaveText("Enter the town or city");
  await expect(page.locator("#field-postalCode-error")).toHaveText("Enter the postal code");
  await expect(page.locator("#field-country-error")).toHaveText("Choose a country we ship to");
  await expect(page.locator("#field-line2-error")).toHaveCount(0);
  await expect(page.getByLabel("Full name")).toBeFocused();

  // A postal code that does not fit the country; what was typed stays typed.
  const name = "Zoë Łukasiewicz-Núñez 山田";
  await fillShippingAddress(page, { name, line1: "12 Hill Street", line2: "Flat 3", city: "Springfield", postalCode: "ABC", country: "US" });
  await page.getByRole("button", { name: "Continue to review" }).click();
  await expect(page.locator("#field-postalCode-error")).toHaveText("Enter a United States postal code, like 94107");
  await expect(page.locator("#field-name-error")).toHaveCount(0);
  await expect(page.getByLabel("Full name")).toHaveValue(name);
  await expect(page.getByLabel("Address line 2 (optional)")).toHaveValue("Flat 3");
  await expect(page.getByLabel("Country")).toHaveValue("US");
  await expect(page.getByLabel("Postal code")).toBeFocused();

  // Longer than the field allows (the maxlength attribute removed, as a script could): a message, not a crash.
  await page.getByLabel("Address line 1").evaluate((input) => input.removeAttribute("maxlength"));
  await page.getByLabel("Address line 1").fill("x".repeat(5000));
  await page.getByLabel("Postal code").fill("62704");
  await page.getByRole("button", { name: "Continue to review" }).click();
  await expect(page.locator("#field-line1-error")).toHaveText("At most 200 characters");
  await page.getByLabel("Address line 1").fill("12 Hill Street");
  await page.getByRole("button", { name: "Continue to review" }).click();

  // Step 2: the review, priced by the server.
  await expect(page).toHaveURL(/\/checkout\/review$/);
  await expect(page.getByTestId("summary-line")).toHaveCount(2);
  for (const product of added) await expect(page.getByTestId("summary-line").filter({ hasText: product })).toHaveCount(1);
  const subtotal = minorUnits(await page.getByTestId("summary-subtotal").textContent());
  const shipping = subtotal >= 5000 ? 0 : 495;
  await expect(page.getByTestId("summary-shipping")).toHaveText(shipping === 0 ? "Free" : "$4.95");
  const totalText = (await page.getByTestId("summary-total").textContent())!;
  expect(minorUnits(totalText)).toBe(subtotal + shipping);
  const shipTo = [name, "12 Hill Street", "Flat 3", "Springfield 62704", "United States"];
  await expect(page.getByTestId("ship-to").locator("span")).toHaveText(shipTo);

  await page.getByRole("button", { name: "Place order" }).click();
  await expect(page).toHaveURL(/\/orders\/[0-9a-f-]{36}$/);
  const orderId = page.url().split("/").pop()!;
  // The order page shows what was charged and where it goes.
  await expect(page.getByTestId("summary-total")).toHaveText(totalText);
  await expect(page.getByTestId("summary-shipping")).toHaveText(shipping === 0 ? "Free" : "$4.95");
  expect(minorUnits(await page.getByTestId("summary-subtotal").textContent())).toBe(subtotal);
  await expect(page.getByTestId("ship-to").locator("span")).toHaveText(shipTo);

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
  for (const product of added) expect(confirmation.text).toContain(product);
  expect(confirmation.text).toContain(`Total: ${totalText}`);
  expect(confirmation.text).toContain(`Shipping to:\n${shipTo.join("\n")}`);

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

  const res = await page.request.get("/api/v1/products?limit=abc");
  expect(res.status()).toBe(422);
  expect((await res.json()).errors[0].path).toBe("query.limit");
  const badSlug = await page.request.get("/api/v1/products/Not_A_Slug");
  expect(badSlug.status()).toBe(422);
  expect(badSlug.headers()["content-type"]).toContain("application/problem+json");
  expect((await badSlug.json()).errors[0].path).toBe("params.idOrSlug");
  expect((await page.request.get("/api/v1/products/no-such-product")).status()).toBe(404);
  expect((await page.goto("/products/NOT_A_SLUG"))!.status()).toBe(404);
  expect((await page.goto("/?page=-1"))!.status()).toBe(404);
  await page.screenshot({ path: test.info().outputPath("not-found.png"), fullPage: true });
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
  await thief.screenshot({ path: test.info().outputPath("copied-cookie-signed-out.png"), fullPage: true });
  await copy.close();
});

test("orders from $50 ship free, and a double click or a retried request places one order", async ({ page }) => {
  await registerShopper(page, "Double Clicker");
  await addToCart(page, "oak-lamp");
  await reviewCheckout(page);
  await expect(page.getByTestId("summary-shipping")).toHaveText("Free");
  await expect(page.getByTestId("summary-total")).toHaveText((await page.getByTestId("summary-subtotal").textContent())!);
  await expect(page.getByText("Your order ships free.")).toBeVisible();

  // Every "Place order" request reaches the server twice, as a retry after a lost answer would.
  // Each answer names where the action redirected (Next's x-action-redirect header).
  const redirects: string[] = [];
  await page.route("**/checkout/review", async (route) => {
    if (route.request().method() !== "POST") return route.continue();
    const first = await route.fetch();
    const retry = await route.fetch();
    redirects.push(first.headers()["x-action-redirect"] ?? "none", retry.headers()["x-action-redirect"] ?? "none");
    await route.fulfill({ response: first });
  });
  await page.getByRole("button", { name: "Place order" }).dblclick();
  await expect(page).toHaveURL(/\/orders\/[0-9a-f-]{36}$/);
  const orderUrl = new URL(page.url()).pathname;
  // Every submission, and every retry of it, answered with the same order.
  expect(redirects.length).toBeGreaterThanOrEqual(2);
  for (const redirect of redirects) expect(redirect.split(";")[0]).toBe(orderUrl);
  await page.unroute("**/checkout/review");
  await page.reload();
  await expect(page).toHaveURL(new RegExp(`${orderUrl}$`));

  await page.goto("/orders");
  await expect(page.getByRole("link", { name: /^Order / })).toHaveCount(1);
  await expect(page.getByRole("link", { name: /^Order / })).toHaveAttribute("href", orderUrl);
  await page.screenshot({ path: test.info().outputPath("one-order-after-double-click.png"), fullPage: true });
});

test("checkout refuses tampered forms and a cart changed or emptied in another tab, with a clear message", async ({ page, context, browser }) => {
  // Signed out: sign in first, then come back to checkout.
  const anonymous = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  const stranger = await anonymous.newPage();
  await stranger.goto("/checkout");
  await expect(stranger).toHaveURL(/\/signin\?callbackUrl=%2Fcheckout$/);
  await anonymous.close();

  await registerShopper(page, "Two Tabs");
  // Nothing to check out yet: back to the cart.
  await page.goto("/checkout/review");
  await expect(page).toHaveURL(/\/cart(\?|$)/);
  await expect(page.getByText("Your cart is empty.")).toBeVisible();

  await addToCart(page, "oak-mug");
  await reviewCheckout(page);
  const reviewedTotal = minorUnits(await page.getByTestId("summary-total").textContent());
  expect(reviewedTotal).toBe(minorUnits(await page.getByTestId("summary-subtotal").textContent()) + 495);

  // A tampered checkout key or hidden address: a message, no order.
  await page.locator('input[name="checkoutKey"]').evaluate((input: HTMLInputElement) => (input.value = "../../not-a-key"));
  await page.getByRole("button", { name: "Place order" }).click();
  await expect(page.getByText("This checkout form expired; reload the page.")).toBeVisible();
  await page.reload();
  await page.locator('input[name="name"]').evaluate((input: HTMLInputElement) => (input.value = "x".repeat(5000)));
  await page.getByRole("button", { name: "Place order" }).click();
  await expect(page.getByText("The shipping address needs correcting before we can ship.")).toBeVisible();
  await expect(page.getByRole("link", { name: "Edit the shipping address" })).toBeVisible();
  await page.reload();

  // Another tab adds to the cart: the total the shopper saw no longer holds.
  const other = await context.newPage();
  await addToCart(other, "oak-mug");
  await page.getByRole("button", { name: "Place order" }).click();
  await expect(page.getByText("Your cart changed since you reviewed it: the total is now")).toBeVisible();
  const newTotal = minorUnits(await page.getByTestId("summary-total").textContent());
  expect(newTotal).toBeGreaterThan(reviewedTotal);
  await expect(page.getByTestId("summary-line").getByRole("cell").nth(1)).toHaveText("2");

  // The other tab places the order; this tab's attempt finds the cart empty.
  await other.goto("/checkout/review");
  await other.getByRole("button", { name: "Place order" }).click();
  await expect(other).toHaveURL(/\/orders\/[0-9a-f-]{36}$/);
  await page.getByRole("button", { name: "Place order" }).click();
  await expect(page.getByText("Your cart is empty, so nothing was ordered.")).toBeVisible();
  await expect(page.getByRole("link", { name: "See your orders" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Place order" })).toHaveCount(0);
  await page.screenshot({ path: test.info().outputPath("cart-emptied-in-another-tab.png"), fullPage: true });

  await page.goto("/orders");
  await expect(page.getByRole("link", { name: /^Order / })).toHaveCount(1);
  await other.close();
});
