import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { seedProducts } from "@/prisma/seed-data";
import { expectedImages, IMAGES_DIR, PLACEHOLDER_FILE } from "@/scripts/catalog/generate-product-images";

describe("seed product images", () => {
  it("ships one committed image per seed product, identical to what the generator writes", async () => {
    const expected = expectedImages();
    const committed = new Set(await readdir(IMAGES_DIR));
    for (const product of seedProducts()) {
      expect(product.imageUrl).toBe(`/images/products/${product.slug}.svg`);
      expect(committed.has(path.basename(product.imageUrl)), product.imageUrl).toBe(true);
    }
    for (const [name, svg] of expected) {
      // Stale? Run: npx tsx scripts/catalog/generate-product-images.ts
      expect(await readFile(path.join(IMAGES_DIR, name), "utf8"), name).toBe(svg);
    }
    expect(committed.has(PLACEHOLDER_FILE)).toBe(true);
  });

  it("names the product in each image, escaped for XML", async () => {
    const svg = await readFile(path.join(IMAGES_DIR, "walnut-bowl.svg"), "utf8");
    expect(svg).toContain("<title>Walnut Bowl</title>");
    expect(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"")).toBe(true);
  });
});
