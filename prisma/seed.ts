/**
 * Seeds the catalog (60 products) and the first admin. Idempotent: products are
 * upserted by SKU (stock and price are reset to the seed's values only when a
 * product is created), the admin by email.
 *
 *   ADMIN_EMAIL=... ADMIN_PASSWORD=... npm run db:seed
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { createPrismaClient } from "../lib/infrastructure/db/prisma-client";
import { Argon2PasswordHasher } from "../lib/infrastructure/security/argon2-password-hasher";

const env = z
  .object({
    DATABASE_URL: z.url(),
    ADMIN_EMAIL: z.email("ADMIN_EMAIL must be an email address"),
    ADMIN_PASSWORD: z.string().min(12, "ADMIN_PASSWORD must be at least 12 characters"),
    ADMIN_NAME: z.string().min(1).default("Shop admin"),
  })
  .parse(process.env);

const MATERIALS = ["Oak", "Linen", "Copper", "Walnut", "Wool", "Ceramic", "Cotton", "Steel", "Glass", "Bamboo"];
const THINGS = [
  ["Mug", 1450],
  ["Lamp", 6900],
  ["Throw", 5400],
  ["Bowl", 2200],
  ["Tray", 3100],
  ["Vase", 3900],
] as const;

export function seedProducts() {
  const products = [];
  let n = 0;
  for (const material of MATERIALS) {
    for (const [thing, basePrice] of THINGS) {
      n++;
      const name = `${material} ${thing}`;
      const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, "-");
      products.push({
        sku: `SKU-${String(n).padStart(4, "0")}`,
        slug,
        name,
        description: `A ${material.toLowerCase()} ${thing.toLowerCase()}, made to last. Seed item ${n}.`,
        // Deterministic spread of prices (integer minor units) and stock, some sold out or nearly.
        priceMinor: basePrice + ((n * 137) % 900),
        stock: n % 11 === 0 ? 0 : n % 7 === 0 ? 3 : 10 + ((n * 31) % 90),
      });
    }
  }
  return products;
}

async function main() {
  const prisma = createPrismaClient(env.DATABASE_URL, { poolSize: 2 });
  try {
    const products = seedProducts();
    for (const p of products) {
      await prisma.product.upsert({ where: { sku: p.sku }, create: { ...p, currency: "USD" }, update: {}, select: { id: true } });
    }
    const passwordHash = await new Argon2PasswordHasher().hash(env.ADMIN_PASSWORD);
    const email = env.ADMIN_EMAIL.trim().toLowerCase();
    await prisma.user.upsert({
      where: { email },
      create: { id: randomUUID(), email, name: env.ADMIN_NAME, passwordHash, role: "admin" },
      update: { passwordHash, role: "admin" },
      select: { id: true },
    });
    console.log(`seeded ${products.length} products and admin ${email}`);
  } finally {
    await prisma.$disconnect();
  }
}

await main();
