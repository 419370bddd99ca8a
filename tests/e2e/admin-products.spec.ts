import { expect, test, type Page } from "./fixtures";
import { randomUUID } from "node:crypto";
import sharp from "sharp";
import { signInAsAdmin } from "./admin-support";
import { addToCart, checkOut, registerShopper } from "./support";

/** A real PNG of one colour, made here so the upload is checked and re-encoded by the server. */
function png(rgb: { r: number; g: number; b: number }): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 48, channels: 3, background: rgb } }).png().toBuffer();
}

async function uploadImage(page: Page, name: string, bytes: Buffer) {
  await page.getByLabel(/Image file/).setInputFiles({ name, mimeType: "image/png", buffer: bytes });
  await page.getByRole("button", { name: "Upload image" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Image uploaded." })).toBeVisible();
}

const imageKeys = (page: Page) => page.getByTestId("product-image").evaluateAll((items) => items.map((i) => i.getAttribute("data-key")));

test("an admin creates, edits, illustrates, archives and restores a product; the shop follows at once", async ({ page, browser }) => {
  const tag = randomUUID().slice(0, 8);
  const name = `Zebrawood Lamp ${tag}`;
  const sku = `E2E-${tag}`.toUpperCase();
  const slug = `zebrawood-lamp-${tag}`;

  await signInAsAdmin(page);
  await page.goto("/admin/products/new");
  await expect(page.getByRole("heading", { level: 1, name: "New product" })).toBeVisible();

  // First submit: no SKU, a zero price, no category; each message sits by its field.
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Price (USD, e.g. 12.50)").fill("0");
  await page.getByRole("button", { name: "Create product" }).click();
  await expect(page.getByLabel("SKU")).toHaveAccessibleDescription("Enter a SKU");
  await expect(page.getByLabel("Price (USD, e.g. 12.50)")).toHaveAccessibleDescription("The price must be more than 0");
  await expect(page.locator("#field-categoryIds-error")).toHaveText("Choose at least one category");
  await expect(page.getByLabel("SKU")).toBeFocused();
  // What was typed is kept.
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue(name);

  // Fixed: the slug is generated from the name.
  await page.getByLabel("SKU").fill(sku);
  await page.getByLabel("Price (USD, e.g. 12.50)").fill("12.50");
  await page.getByLabel("Initial stock").fill("7");
  await page.getByRole("group", { name: /Categories/ }).getByRole("checkbox").first().check();
  await page.getByRole("button", { name: "Create product" }).click();
  await expect(page).toHaveURL(/\/admin\/products\/[0-9a-f-]{36}\?created=1$/);
  await expect(page.getByRole("status").filter({ hasText: "Product created." })).toBeVisible();
  await expect(page.getByLabel(/^Slug/)).toHaveValue(slug);
  const adminUrl = page.url().replace(/\?.*$/, "");

  // A shopper in another browser finds it at once.
  const shopperContext = await browser.newContext();
  const shopper = await shopperContext.newPage();
  await shopper.goto(`/?q=${encodeURIComponent(`Zebrawood ${tag}`)}`);
  await expect(shopper.getByTestId("product-card").filter({ hasText: name })).toBeVisible();
  await shopper.goto(`/products/${slug}`);
  await expect(shopper.getByRole("heading", { level: 1 })).toHaveText(name);
  await expect(shopper.getByText("$12.50")).toBeVisible();

  // A new price shows in the shop immediately.
  await page.getByLabel("Price (USD, e.g. 12.50)").fill("15.00");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Changes saved." })).toBeVisible();
  await shopper.reload();
  await expect(shopper.getByText("$15.00")).toBeVisible();
  await expect(shopper.getByText("$12.50")).toHaveCount(0);

  // Images: upload two, swap them, remove one.
  await uploadImage(page, "red.png", await png({ r: 200, g: 30, b: 30 }));
  await uploadImage(page, "blue.png", await png({ r: 30, g: 30, b: 200 }));
  const [first, second] = await imageKeys(page);
  expect(first).toBeTruthy();
  expect(second).toBeTruthy();
  await page.getByRole("button", { name: "Move image 2 up" }).click();
  await expect.poll(() => imageKeys(page)).toEqual([second, first]);
  // The shop's picture is the first image, served optimised by next/image.
  await shopper.reload();
  const picture = shopper.getByRole("img", { name });
  await expect(picture).toHaveAttribute("src", new RegExp(`/_next/image\\?url=${encodeURIComponent(`/media/${second}`)}`));
  const optimised = await shopper.request.get(await picture.getAttribute("src").then((s) => s!));
  expect(optimised.status()).toBe(200);
  expect(optimised.headers()["content-type"]).toMatch(/^image\/(webp|avif|png)/);
  await page.getByRole("button", { name: "Remove image 1" }).click();
  await expect.poll(() => imageKeys(page)).toEqual([first]);
  // A refused file: text renamed .png.
  await page.getByLabel(/Image file/).setInputFiles({ name: "fake.png", mimeType: "image/png", buffer: Buffer.from("not an image at all") });
  await page.getByRole("button", { name: "Upload image" }).click();
  await expect(page.getByLabel(/Image file/)).toHaveAccessibleDescription(/not an image/);
  await expect.poll(() => imageKeys(page)).toEqual([first]);

  // A shopper orders it.
  await registerShopper(shopper);
  await addToCart(shopper, slug);
  const orderId = await checkOut(shopper);

  // Archived: gone from search and its page, still on the shopper's order.
  await page.goto(adminUrl);
  await page.getByRole("button", { name: "Archive" }).click();
  await expect(page.getByRole("button", { name: "Restore" })).toBeVisible();
  await shopper.goto(`/?q=${encodeURIComponent(`Zebrawood ${tag}`)}`);
  await expect(shopper.getByTestId("product-card").filter({ hasText: name })).toHaveCount(0);
  const gone = await shopper.goto(`/products/${slug}`);
  expect(gone?.status()).toBe(404);
  await shopper.goto(`/orders/${orderId}`);
  await expect(shopper.getByText(name).first()).toBeVisible();
  // The back office lists it under "Archived".
  await page.goto(`/admin/products?status=archived&q=${encodeURIComponent(sku)}`);
  await expect(page.getByTestId("admin-product-row").filter({ hasText: name })).toContainText("Archived");

  // Restored: back in the shop.
  await page.goto(adminUrl);
  await page.getByRole("button", { name: "Restore" }).click();
  await expect(page.getByRole("button", { name: "Archive" })).toBeVisible();
  const back = await shopper.goto(`/products/${slug}`);
  expect(back?.status()).toBe(200);
  await expect(shopper.getByRole("heading", { level: 1 })).toHaveText(name);
  await shopperContext.close();
});
