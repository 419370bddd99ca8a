import { expect, test, type Page } from "./fixtures";
import { checkOut, mailTo, registerShopper } from "./support";

/**
 * A product in sizes and colours (the seed's Wool Blanket, ADR 016): the
 * choice changes price and availability and lives in the URL; two variants
 * are two lines, on the order and in the email.
 */

const choose = (page: Page, value: string) => page.locator("label[data-state]").filter({ hasText: new RegExp(`^${value}`) }).click();
const chosen = (page: Page, option: string) => page.getByRole("group", { name: new RegExp(`^${option}:`) }).getByRole("radio", { checked: true });

test("a shopper picks a size and a colour, sees price and availability follow, and orders two variants", async ({ page }) => {
  const email = await registerShopper(page, "Variant Shopper");
  await page.goto("/categories/textiles");
  // The listing says "from" when a product's variants cost different amounts.
  await expect(page.getByTestId("product-card").filter({ hasText: "Wool Blanket" })).toContainText("from $89.00");

  await page.goto("/products/wool-blanket");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Wool Blanket");
  // The first combination in stock: Single in Grey, at the product's price.
  await expect(chosen(page, "Size")).toHaveValue("Single");
  await expect(chosen(page, "Colour")).toHaveValue("Grey");
  await expect(page.getByText("$89.00", { exact: true })).toBeVisible();
  await expect(page.getByTestId("availability")).toHaveText("In stock");

  // A larger size costs more; the choice goes into the URL.
  await choose(page, "Double");
  await expect(page.getByText("$109.00", { exact: true })).toBeVisible();
  await expect(page).toHaveURL(/size=Double/);
  await expect(page.getByTestId("sku")).toHaveText("SKU SKU-V001-DOUBLE-GREY");

  // Single in Rust is sold out: marked, and the button says so.
  await choose(page, "Rust");
  await choose(page, "Single");
  await expect(page.getByTestId("availability")).toHaveText("Sold out");
  await expect(page.getByRole("button", { name: "Sold out" })).toBeDisabled();
  await expect(page.locator('label[data-state="sold_out"]').filter({ hasText: /^Single/ })).toHaveCount(1);

  // King is not made in Moss: marked as such; picking it moves the size to one that is.
  await choose(page, "King");
  await expect(page.locator('label[data-state="unavailable"]').filter({ hasText: /^Moss/ })).toHaveCount(1);
  await choose(page, "Moss");
  await expect(chosen(page, "Colour")).toHaveValue("Moss");
  await expect(chosen(page, "Size")).not.toHaveValue("King");
  await expect(page.getByTestId("availability")).toHaveText("Only 4 left");

  // The URL keeps a choice across a reload, as a shared link does.
  await page.goto("/products/wool-blanket?size=King&colour=Grey");
  await expect(chosen(page, "Size")).toHaveValue("King");
  await expect(chosen(page, "Colour")).toHaveValue("Grey");
  await expect(page.getByText("$129.00", { exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByRole("status")).toContainText("Added to your cart");

  await choose(page, "Double");
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByRole("status")).toContainText("Added to your cart (2 items)");

  await page.getByTestId("cart-link").click();
  await expect(page.getByTestId("cart-line")).toHaveCount(2);
  await expect(page.getByTestId("cart-line").filter({ hasText: "Wool Blanket (Size: King / Colour: Grey)" })).toContainText("$129.00");
  await expect(page.getByTestId("cart-line").filter({ hasText: "Wool Blanket (Size: Double / Colour: Grey)" })).toContainText("$109.00");

  const orderId = await checkOut(page);
  const lines = page.getByTestId("summary-line");
  await expect(lines).toHaveCount(2);
  await expect(lines.filter({ hasText: "Size: King / Colour: Grey" })).toContainText("$129.00");
  await expect(lines.filter({ hasText: "Size: Double / Colour: Grey" })).toContainText("$109.00");
  await expect(page.getByTestId("order-status")).toHaveText("Stock reserved", { timeout: 30_000 });
  await page.screenshot({ path: test.info().outputPath("variant-order.png"), fullPage: true });

  await expect
    .poll(async () => (await mailTo(email)).filter((m) => m.subject === `Order confirmation ${orderId.slice(0, 8)}`).length, { timeout: 30_000 })
    .toBe(1);
  const confirmation = (await mailTo(email)).find((m) => m.subject.startsWith("Order confirmation"))!;
  expect(confirmation.text).toContain("1 × Wool Blanket (Size: King / Colour: Grey) — $129.00");
  expect(confirmation.text).toContain("1 × Wool Blanket (Size: Double / Colour: Grey) — $109.00");
});

test("the product page describes its variants to search engines as a ProductGroup", async ({ page }) => {
  await page.goto("/products/wool-blanket");
  const ld = JSON.parse((await page.locator('script[type="application/ld+json"]').textContent())!);
  expect(ld).toMatchObject({ "@type": "ProductGroup", productGroupID: "SKU-V001", variesBy: ["https://schema.org/size", "https://schema.org/color"] });
  expect(ld.hasVariant).toHaveLength(8);
  expect(ld.hasVariant).toContainEqual(
    expect.objectContaining({ sku: "SKU-V001-KING-GREY", size: "King", color: "Grey", offers: expect.objectContaining({ price: "129.00" }) }),
  );
});
