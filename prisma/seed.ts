/**
 * Seeds the catalog (5 categories, 60 products and 3 in sizes and colours; data in prisma/seed-data.ts)
 * and the first admin. Idempotent: products are upserted by SKU (stock and
 * price are set to the seed's values only when a product is created, with the
 * stock's opening row in the stock ledger),
 * categories by slug, the admin by email. Products seeded before images and
 * categories existed (image_url IS NULL) get the seed's description and image;
 * category links are only ever added, never removed, so edits made in the
 * shop survive a re-seed.
 *
 *   ADMIN_EMAIL=... ADMIN_PASSWORD=... npm run db:seed
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { createPrismaClient } from "../lib/infrastructure/db/prisma-client";
import { Argon2PasswordHasher } from "../lib/infrastructure/security/argon2-password-hasher";
import { KNOWN_DEFAULT_ADMIN_PASSWORDS } from "../lib/infrastructure/config/known-defaults";
import { SEED_CATEGORIES, seedProducts, seedVariantProducts } from "./seed-data";

const env = z
  .object({
    NODE_ENV: z.string().optional(),
    DATABASE_URL: z.url(),
    ADMIN_EMAIL: z.email("ADMIN_EMAIL must be an email address"),
    ADMIN_PASSWORD: z.string().min(12, "ADMIN_PASSWORD must be at least 12 characters"),
    ADMIN_NAME: z.string().min(1).default("Shop admin"),
  })
  // A production web and worker refuse to start while the admin has one of these
  // (lib/composition/startup.ts): refusing here says so before anything is written.
  .refine((e) => e.NODE_ENV !== "production" || !KNOWN_DEFAULT_ADMIN_PASSWORDS.includes(e.ADMIN_PASSWORD), {
    path: ["ADMIN_PASSWORD"],
    message: "ADMIN_PASSWORD is a documented default; choose one of your own for production",
  })
  .parse(process.env);

async function main() {
  const prisma = createPrismaClient(env.DATABASE_URL, { poolSize: 2 });
  try {
    const categoryIds = new Map<string, string>();
    for (const c of SEED_CATEGORIES) {
      const row = await prisma.category.upsert({ where: { slug: c.slug }, create: c, update: {}, select: { id: true } });
      categoryIds.set(c.slug, row.id);
    }
    const products = seedProducts();
    for (const { categorySlugs, material: _material, thing: _thing, stock, ...p } of products) {
      // A new product gets its default variant (ADR 016), which enters the
      // stock ledger with its opening balance in the same transaction (the
      // database refuses stock without its ledger row).
      const { id } = await prisma.$transaction(async (tx) => {
        const existing = await tx.product.findUnique({ where: { sku: p.sku }, select: { id: true } });
        if (existing) return existing;
        const created = await tx.product.create({
          data: { ...p, currency: "USD", variants: { create: { sku: p.sku, stock } } },
          select: { id: true, variants: { select: { id: true } } },
        });
        if (stock > 0) {
          await tx.stockMovement.create({
            data: { productId: created.id, variantId: created.variants[0]!.id, delta: stock, stockAfter: stock, reason: "opening", note: "Seed" },
          });
        }
        return created;
      });
      await prisma.product.updateMany({ where: { id, imageUrl: null }, data: { description: p.description, imageUrl: p.imageUrl } });
      await prisma.productCategory.createMany({
        data: categorySlugs.map((slug) => ({ productId: id, categoryId: categoryIds.get(slug)! })),
        skipDuplicates: true,
      });
    }
    // Products in sizes and colours: options, values, one variant per combination sold, each with its opening balance.
    for (const { categorySlugs, options, variants, ...p } of seedVariantProducts()) {
      await prisma.$transaction(async (tx) => {
        if (await tx.product.findUnique({ where: { sku: p.sku }, select: { id: true } })) return;
        const product = await tx.product.create({
          data: {
            ...p,
            currency: "USD",
            categories: { create: categorySlugs.map((slug) => ({ categoryId: categoryIds.get(slug)! })) },
            options: {
              create: options.map((o, position) => ({ name: o.name, position, values: { create: o.values.map((value, i) => ({ value, position: i })) } })),
            },
          },
          select: { id: true, options: { select: { name: true, values: { select: { id: true, value: true } } } } },
        });
        for (const [position, v] of variants.entries()) {
          const valueIds = v.values.map((value, i) => product.options.find((o) => o.name === options[i]!.name)!.values.find((x) => x.value === value)!.id);
          const variant = await tx.productVariant.create({
            data: {
              productId: product.id,
              sku: `${p.sku}-${v.values.map((x) => x.toUpperCase()).join("-")}`,
              priceOverrideMinor: v.priceMinor ?? null,
              stock: v.stock,
              position,
              optionValues: { create: valueIds.map((optionValueId) => ({ optionValueId })) },
            },
            select: { id: true },
          });
          if (v.stock > 0) {
            await tx.stockMovement.create({
              data: { productId: product.id, variantId: variant.id, delta: v.stock, stockAfter: v.stock, reason: "opening", note: "Seed" },
            });
          }
        }
      });
    }
    const passwordHash = await new Argon2PasswordHasher().hash(env.ADMIN_PASSWORD);
    const email = env.ADMIN_EMAIL.trim().toLowerCase();
    await prisma.user.upsert({
      where: { email },
      create: { id: randomUUID(), email, name: env.ADMIN_NAME, passwordHash, role: "admin" },
      update: { passwordHash, role: "admin" },
      select: { id: true },
    });
    console.log(`seeded ${SEED_CATEGORIES.length} categories, ${products.length} products and admin ${email}`);
  } finally {
    await prisma.$disconnect();
  }
}

await main();
