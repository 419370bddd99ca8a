import { expect, test, type Browser, type Page } from "./fixtures";
import { randomInt } from "node:crypto";
import { openInStockProduct, registerShopper } from "./support";

const PASSWORD = "a-long-password"; // what registerShopper uses

/** Registers an account in a browser of its own (optionally putting something in its cart), and signs that browser out. */
async function accountElsewhere(browser: Browser, prepare?: (page: Page) => Promise<void>): Promise<string> {
  const context = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  try {
    const page = await context.newPage();
    const email = await registerShopper(page, "Cart Shopper");
    await prepare?.(page);
    return email;
  } finally {
    await context.close();
  }
}

async function addToCart(page: Page, quantity: number, expectedCount: number) {
  await page.getByLabel("Quantity").fill(String(quantity));
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByRole("status")).toContainText(`Added to your cart (${expectedCount} item`);
  await expect(page.getByTestId("cart-link")).toHaveText(`Cart (${expectedCount})`);
}

const line = (page: Page, name: string) => page.getByTestId("cart-line").filter({ hasText: name });

test("a guest keeps a cart, changes it, and finds it merged into their account after signing in", async ({ page, browser }) => {
  // An account that already has one unit of the first product in its cart.
  let first = { name: "", slug: "" };
  const email = await accountElsewhere(browser, async (other) => {
    first = await openInStockProduct(other, 0);
    await addToCart(other, 1, 1);
  });

  // A guest (this browser, never signed in) adds two products.
  await openInStockProduct(page, 0);
  await addToCart(page, 2, 2);
  const second = await openInStockProduct(page, 1);
  await addToCart(page, 1, 3);

  await page.getByTestId("cart-link").click();
  await expect(page.getByRole("heading", { name: "Your cart" })).toBeVisible();
  await expect(page.getByTestId("cart-line")).toHaveCount(2);
  await expect(page.getByTestId("cart-total")).toContainText("Total (3 items)");

  // More than is in stock: the field falls back to what the cart holds and says why.
  const { stock } = (await (await page.request.get(`/api/v1/products/${second.slug}`)).json()) as { stock: number };
  const tooMany = Math.min(stock + 1, 99);
  const secondQuantity = page.getByLabel(`Quantity of ${second.name}`, { exact: true });
  await secondQuantity.fill(String(tooMany));
  await line(page, second.name).getByRole("button", { name: "Update" }).click();
  await expect(line(page, second.name)).toContainText(stock >= 99 ? "99" : `Only ${stock} left`);
  await expect(secondQuantity).toHaveValue("1");
  await expect(secondQuantity).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByTestId("cart-link")).toHaveText("Cart (3)");

  // Change a quantity; the header and the total follow, and the change is announced.
  await page.getByLabel(`Quantity of ${first.name}`, { exact: true }).fill("3");
  await line(page, first.name).getByRole("button", { name: "Update" }).click();
  await expect(page.getByTestId("cart-announcement")).toHaveText(`${first.name}: quantity updated to 3.`);
  await expect(page.getByTestId("cart-link")).toHaveText("Cart (4)");
  await expect(page.getByTestId("cart-total")).toContainText("Total (4 items)");

  // Remove a line.
  await page.getByRole("button", { name: `Remove ${second.name}` }).click();
  await expect(page.getByTestId("cart-announcement")).toHaveText(`Removed ${second.name} from your cart.`);
  await expect(page.getByTestId("cart-line")).toHaveCount(1);
  await expect(page.getByTestId("cart-link")).toHaveText("Cart (3)");
  await page.reload();
  // Visible, not just present: the page streams in behind its loading state.
  await expect(line(page, first.name)).toBeVisible();
  await expect(page.getByTestId("cart-line")).toHaveCount(1);
  await expect(page.getByLabel(`Quantity of ${first.name}`, { exact: true })).toHaveValue("3");

  // Checking out needs an account: the guest's way there goes through sign-in.
  await expect(page.getByRole("link", { name: "Check out" })).toHaveAttribute("href", "/signin?callbackUrl=%2Fcheckout");

  // Signing in merges the guest cart into the account's: 1 + 3 of the first product.
  await page.getByRole("link", { name: "Sign in", exact: true }).click();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signed-in-as")).toHaveText(email);
  await expect(page.getByTestId("cart-flash")).toContainText("3 items from your guest cart were added to your cart.");
  await expect(page.getByTestId("cart-link")).toHaveText("Cart (4)");

  await page.getByTestId("cart-link").click();
  await expect(page.getByTestId("cart-line")).toHaveCount(1);
  await expect(page.getByLabel(`Quantity of ${first.name}`, { exact: true })).toHaveValue("4");
  await expect(page.getByRole("link", { name: "Check out" })).toHaveAttribute("href", "/checkout");
  await page.screenshot({ path: test.info().outputPath("guest-cart-merge-message.png"), fullPage: true });

  // The note is shown once.
  await page.reload();
  await expect(line(page, first.name)).toBeVisible();
  await expect(page.getByTestId("cart-flash")).toHaveCount(0);
  await page.screenshot({ path: test.info().outputPath("guest-cart-merged.png"), fullPage: true });
});

test("sign-in stops password guessing: after five wrong passwords even the right one is refused", async ({ page, browser }) => {
  const email = await accountElsewhere(browser);
  // An address of its own, so this journey neither uses up nor depends on the
  // per-address budget other journeys share (the app trusts X-Forwarded-For
  // as it would behind the shop's proxy).
  await page.setExtraHTTPHeaders({ "x-forwarded-for": `198.18.${randomInt(256)}.${randomInt(1, 255)}` });
  await page.goto("/signin");
  // Scoped to the form: Next's route announcer is an alert too.
  const message = page.locator("form").getByRole("alert");
  const passwordField = page.getByLabel("Password");
  const attempt = async (password: string) => {
    await page.getByLabel("Email").fill(email);
    await passwordField.fill(password);
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/signin"),
      page.getByRole("button", { name: "Sign in" }).click(),
    ]);
    // React resets the form once the answer is rendered; typing before that would be wiped.
    await expect(passwordField).toHaveValue("");
  };

  for (let i = 1; i <= 5; i++) {
    await attempt(`wrong-password-${i}`);
    await expect(message).toHaveText("Email or password is incorrect.");
  }
  await attempt("wrong-password-6");
  await expect(message).toHaveText("Too many attempts; try again in 15 minutes.");

  await attempt(PASSWORD);
  await expect(message).toHaveText(/^Too many attempts; try again in 1[45] minutes\.$/);
  await expect(page).toHaveURL(/\/signin/);
  await expect(page.getByTestId("signed-in-as")).toHaveCount(0);
  await page.screenshot({ path: test.info().outputPath("sign-in-rate-limited.png"), fullPage: true });
});
