import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { userCartOwner, type CartOwner } from "@/lib/domain/cart";
import { guestCartOwner, newGuestCartToken } from "@/lib/application/cart/guest-token";
import { createPrismaClient, type PrismaClient } from "@/lib/infrastructure/db/prisma-client";
import { PrismaCartRepository } from "@/lib/infrastructure/db/prisma-cart-repository";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { eventually, insertProduct, insertSimpleProduct, insertUser, servicesFor, sqlPool } from "../support/fixtures";

let db: TestDatabase;
let prisma: PrismaClient;
let pool: pg.Pool;
let services: ReturnType<typeof servicesFor>;

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = createPrismaClient(db.url, { poolSize: 5 });
  pool = sqlPool(db.url);
  services = servicesFor(db.url);
});

afterAll(async () => {
  await services?.close();
  await prisma?.$disconnect();
  await pool?.end();
  await db?.drop();
});

function newGuest(): { token: string; owner: CartOwner; tokenHash: string } {
  const token = newGuestCartToken();
  const owner = guestCartOwner(token)!;
  if (owner.kind !== "guest") throw new Error("unreachable");
  return { token, owner, tokenHash: owner.tokenHash };
}

async function cartRows(where: string, value: string) {
  const { rows } = await pool.query<{ id: string; user_id: string | null; guest_token_hash: string | null }>(
    `SELECT id, user_id, guest_token_hash FROM carts WHERE ${where} = $1`,
    [value],
  );
  return rows;
}

async function lineQuantities(owner: CartOwner): Promise<Record<string, number>> {
  const { cart } = await services.cart.getCart(owner);
  return Object.fromEntries(cart.lines.map((l) => [l.product.id, l.quantity]));
}

describe("PrismaCartRepository with guest carts", () => {
  it("keeps a guest's cart under the token's SHA-256 only, one row per token", async () => {
    const { token, owner, tokenHash } = newGuest();
    const product = await insertSimpleProduct(pool, { stock: 10 });
    const { cartId, cart } = await prisma.$transaction(async (tx) => {
      const carts = new PrismaCartRepository(tx);
      const { cartId } = await carts.lockFor(owner);
      expect((await carts.lockFor(owner)).cartId).toBe(cartId);
      await carts.setQuantity(cartId, product, 2);
      return { cartId, cart: await carts.loadFor(owner) };
    });
    expect(cart.lines.map((l) => [l.product.id, l.product.variantId, l.quantity])).toEqual([[product.productId, product.variantId, 2]]);
    expect(await cartRows("guest_token_hash", tokenHash)).toEqual([{ id: cartId, user_id: null, guest_token_hash: tokenHash }]);
    const { rows } = await pool.query("SELECT count(*)::int AS n FROM carts WHERE guest_token_hash = $1 OR id::text = $1", [token]);
    expect(rows[0].n).toBe(0);
    expect(await new PrismaCartRepository(prisma).countItems(owner)).toBe(2);
  });

  it("lets the database refuse a cart with two owners or none", async () => {
    const user = await insertUser(pool);
    const { tokenHash } = newGuest();
    await expect(pool.query("INSERT INTO carts (id, user_id, guest_token_hash, created_at, updated_at) VALUES (gen_random_uuid(), $1, $2, now(), now())", [user.id, tokenHash])).rejects.toThrow(/carts_one_owner/);
    await expect(pool.query("INSERT INTO carts (id, created_at, updated_at) VALUES (gen_random_uuid(), now(), now())")).rejects.toThrow(/carts_one_owner/);
  });

  it("gives guests the cart use case's rules: their own lines only, stock enforced", async () => {
    const a = newGuest();
    const b = newGuest();
    const user = await insertUser(pool);
    const product = await insertProduct(pool, { stock: 3 });
    const { cart } = await services.cart.addItem(a.owner, { productId: product, quantity: 2 });
    const itemId = cart.lines[0]!.itemId;
    await expect(services.cart.updateItem(b.owner, { itemId, quantity: 1 })).rejects.toMatchObject({ code: "not_found" });
    await expect(services.cart.removeItem(userCartOwner(user.id), itemId)).rejects.toMatchObject({ code: "not_found" });
    await expect(services.cart.addItem(a.owner, { productId: product, quantity: 2 })).rejects.toMatchObject({ code: "insufficient_stock" });
    expect(await services.cart.itemCount(a.owner)).toBe(2);
    expect(await services.cart.itemCount(b.owner)).toBe(0);
  });
});

describe("merging a guest cart", () => {
  it("adds up, caps at the stock left, deletes the guest cart, and leaves other carts alone", async () => {
    const ann = await insertUser(pool);
    const bob = await insertUser(pool);
    const guest = newGuest();
    const lamp = await insertProduct(pool, { stock: 3, name: "Oak Lamp" });
    const mug = await insertProduct(pool, { stock: 50 });
    await services.cart.addItem(userCartOwner(ann.id), { productId: lamp, quantity: 2 });
    await services.cart.addItem(userCartOwner(bob.id), { productId: lamp, quantity: 1 });
    await services.cart.addItem(guest.owner, { productId: lamp, quantity: 3 });
    await services.cart.addItem(guest.owner, { productId: mug, quantity: 4 });

    const result = await services.cart.mergeGuestCart({ userId: ann.id, guestTokenHash: guest.tokenHash });

    expect(result).toEqual({ itemsAdded: 5, adjustments: [{ productName: "Oak Lamp", requested: 5, quantity: 3, reason: "stock" }] });
    expect(await lineQuantities(userCartOwner(ann.id))).toEqual({ [lamp]: 3, [mug]: 4 });
    expect(await lineQuantities(userCartOwner(bob.id))).toEqual({ [lamp]: 1 });
    expect(await cartRows("guest_token_hash", guest.tokenHash)).toEqual([]);
    const { rows } = await pool.query("SELECT count(*)::int AS n FROM cart_items i LEFT JOIN carts c ON c.id = i.cart_id WHERE c.id IS NULL");
    expect(rows[0].n).toBe(0);
  });

  it("merges once when two sign-ins merge the same guest cart at the same moment", async () => {
    const ann = await insertUser(pool);
    const guest = newGuest();
    const product = await insertProduct(pool, { stock: 20 });
    await services.cart.addItem(userCartOwner(ann.id), { productId: product, quantity: 1 });
    await services.cart.addItem(guest.owner, { productId: product, quantity: 2 });
    const userCartId = (await cartRows("user_id", ann.id))[0]!.id;

    // Hold the account's cart so that both merges are inside their transactions,
    // queued on the row locks, before either can run.
    const blocker = await pool.connect();
    try {
      await blocker.query("BEGIN");
      await blocker.query("SELECT id FROM carts WHERE id = $1 FOR UPDATE", [userCartId]);
      const merges = [
        services.cart.mergeGuestCart({ userId: ann.id, guestTokenHash: guest.tokenHash }),
        services.cart.mergeGuestCart({ userId: ann.id, guestTokenHash: guest.tokenHash }),
      ];
      await eventually(
        async () => {
          const { rows } = await pool.query<{ n: number }>(
            "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
          );
          return rows[0]!.n >= 2 ? true : undefined;
        },
        10_000,
        "both merges waiting for the cart locks",
      );
      await blocker.query("COMMIT");
      const results = await Promise.all(merges);
      expect(results.map((r) => r.itemsAdded).sort()).toEqual([0, 2]);
    } finally {
      blocker.release();
    }
    expect(await lineQuantities(userCartOwner(ann.id))).toEqual({ [product]: 3 });
    expect(await cartRows("guest_token_hash", guest.tokenHash)).toEqual([]);
  });

  it("hands one guest cart to one account only when two accounts race for it, without deadlocks", async () => {
    const product = await insertProduct(pool, { stock: 1000 });
    for (let round = 0; round < 8; round++) {
      const users = await Promise.all([insertUser(pool), insertUser(pool), insertUser(pool)]);
      const guest = newGuest();
      await services.cart.addItem(guest.owner, { productId: product, quantity: 2 });
      // Each account also has a cart already, so the merges lock two rows each, in different id orders.
      for (const u of users) await services.cart.addItem(userCartOwner(u.id), { productId: product, quantity: 1 });
      const results = await Promise.all(users.map((u) => services.cart.mergeGuestCart({ userId: u.id, guestTokenHash: guest.tokenHash })));
      expect(results.filter((r) => r.itemsAdded === 2)).toHaveLength(1);
      const totals = await Promise.all(users.map((u) => services.cart.itemCount(userCartOwner(u.id))));
      expect(totals.sort()).toEqual([1, 1, 3]);
    }
  });
});
