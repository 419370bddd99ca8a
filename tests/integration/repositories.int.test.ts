import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { isAppError } from "@/lib/domain/errors";
import { makeEvent } from "@/lib/domain/events";
import { createPrismaClient, type PrismaClient } from "@/lib/infrastructure/db/prisma-client";
import { PrismaCartRepository } from "@/lib/infrastructure/db/prisma-cart-repository";
import { PrismaInventoryRepository } from "@/lib/infrastructure/db/prisma-inventory-repository";
import { PrismaOrderRepository } from "@/lib/infrastructure/db/prisma-order-repository";
import { PrismaOutboxRelayStore, PrismaOutboxWriter } from "@/lib/infrastructure/db/prisma-outbox-repository";
import { PrismaProcessedEventRepository } from "@/lib/infrastructure/db/prisma-processed-event-repository";
import { PrismaProductRepository } from "@/lib/infrastructure/db/prisma-product-repository";
import { PrismaSessionRepository } from "@/lib/infrastructure/db/prisma-session-repository";
import { PrismaUserRepository } from "@/lib/infrastructure/db/prisma-user-repository";
import { PrismaUnitOfWork } from "@/lib/infrastructure/db/prisma-unit-of-work";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { SHIP_TO } from "../support/addresses";
import { insertProduct, insertSimpleProduct, insertUser, sqlPool, stockOf } from "../support/fixtures";

let db: TestDatabase;
let prisma: PrismaClient;
let pool: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = createPrismaClient(db.url, { poolSize: 5 });
  pool = sqlPool(db.url);
});

afterAll(async () => {
  await prisma?.$disconnect();
  await pool?.end();
  await db?.drop();
});

describe("PrismaUserRepository", () => {
  it("creates a user, refuses a duplicate email as a conflict on the email field, and keeps the hash inside", async () => {
    const users = new PrismaUserRepository(prisma);
    const user = await users.create({ id: randomUUID(), email: "dup@example.com", name: "D", passwordHash: "h", role: "customer" });
    expect(user).toEqual({ id: user.id, email: "dup@example.com", name: "D", role: "customer" });
    const error = await users
      .create({ id: randomUUID(), email: "dup@example.com", name: "E", passwordHash: "h", role: "customer" })
      .catch((e: unknown) => e);
    expect(isAppError(error, "conflict")).toBe(true);
    expect((error as { fields: { path: string }[] }).fields[0]!.path).toBe("email");
    expect(await users.findCredentials("dup@example.com")).toEqual({ user, passwordHash: "h" });
    expect(await users.findByEmail("dup@example.com")).toEqual(user);
  });
});

describe("PrismaSessionRepository", () => {
  it("resolves a live session with its times, not an expired or deleted one", async () => {
    const sessions = new PrismaSessionRepository(prisma);
    const u = await insertUser(pool);
    const live = randomUUID();
    const expired = randomUUID();
    const now = new Date();
    await sessions.create({ id: live, userId: u.id, createdAt: now, expiresAt: new Date(now.getTime() + 60_000) });
    await sessions.create({ id: expired, userId: u.id, createdAt: now, expiresAt: new Date(now.getTime() - 1) });
    expect(await sessions.findActive(live, now)).toMatchObject({ user: { id: u.id }, createdAt: now, lastSeenAt: now });
    expect(await sessions.findActive(expired, now)).toBeNull();
    await sessions.delete(live);
    expect(await sessions.findActive(live, now)).toBeNull();
  });

  it("moves last_seen_at forwards only", async () => {
    const sessions = new PrismaSessionRepository(prisma);
    const u = await insertUser(pool);
    const id = randomUUID();
    const t0 = new Date();
    await sessions.create({ id, userId: u.id, createdAt: t0, expiresAt: new Date(t0.getTime() + 3_600_000) });
    const later = new Date(t0.getTime() + 120_000);
    await sessions.touch(id, later);
    await sessions.touch(id, new Date(t0.getTime() + 60_000));
    expect((await sessions.findActive(id, t0))?.lastSeenAt).toEqual(later);
  });

  it("ends every session of a user but the one kept, and no other user's", async () => {
    const sessions = new PrismaSessionRepository(prisma);
    const [a, b] = [await insertUser(pool), await insertUser(pool)];
    const now = new Date();
    const expiresAt = new Date(now.getTime() + 3_600_000);
    const [keep, other1, other2, bs] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    for (const [id, userId] of [[keep, a.id], [other1, a.id], [other2, a.id], [bs, b.id]] as const) await sessions.create({ id, userId, createdAt: now, expiresAt });
    expect(await sessions.deleteAllForUser(a.id, keep)).toBe(2);
    expect(await sessions.findActive(keep, now)).not.toBeNull();
    expect(await sessions.findActive(other1, now)).toBeNull();
    expect(await sessions.findActive(bs, now)).not.toBeNull();
    expect(await sessions.deleteAllForUser(a.id)).toBe(1);
    expect(await sessions.findActive(keep, now)).toBeNull();
  });
});

describe("PrismaProductRepository", () => {
  it("pages through products by name and finds one by slug", async () => {
    const products = new PrismaProductRepository(prisma);
    const ids = [];
    for (const name of ["Zeta", "Alpha", "Mid"]) ids.push(await insertProduct(pool, { stock: 1, name: `Repo ${name}` }));
    const all = await products.search({ match: "words", inStockOnly: false, sort: "name" }, { offset: 0, limit: 100 });
    const names = all.items.map((p) => p.name).filter((n) => n.startsWith("Repo "));
    expect(names).toEqual(["Repo Alpha", "Repo Mid", "Repo Zeta"]);
    expect(all.total).toBeGreaterThanOrEqual(3);
    const one = await products.findDetailsById(ids[0]!);
    expect(one!.categories).toEqual([]);
    expect(await products.findDetailsBySlug(one!.slug)).toEqual(one);
    expect(one!.price).toEqual({ amountMinor: 1000, currency: "USD" });
    expect(await products.findDetailsBySlug("no-such-product")).toBeNull();
  });
});

describe("PrismaCartRepository", () => {
  it("creates one cart per user, sets, finds, removes and clears lines", async () => {
    const u = await insertUser(pool);
    const p1 = await insertSimpleProduct(pool, { stock: 5 });
    const p2 = await insertSimpleProduct(pool, { stock: 5 });
    const result = await prisma.$transaction(async (tx) => {
      const carts = new PrismaCartRepository(tx);
      const { cartId } = await carts.lockForUser(u.id);
      expect((await carts.lockForUser(u.id)).cartId).toBe(cartId);
      await carts.setQuantity(cartId, p1, 2);
      await carts.setQuantity(cartId, p2, 1);
      await carts.setQuantity(cartId, p1, 3);
      const cart = await carts.load(u.id);
      const line = cart.lines.find((l) => l.product.variantId === p2.variantId)!;
      expect(line.product.id).toBe(p2.productId);
      expect(await carts.findLine(cartId, line.itemId)).toEqual({ ...p2, quantity: 1 });
      await carts.removeLine(cartId, line.itemId);
      return { cartId, cart: await carts.load(u.id) };
    });
    expect(result.cart.lines.map((l) => [l.product.id, l.product.variantId, l.quantity])).toEqual([[p1.productId, p1.variantId, 3]]);
    await new PrismaCartRepository(prisma).clear(result.cartId);
    expect((await new PrismaCartRepository(prisma).load(u.id)).lines).toEqual([]);
  });

  it("refuses a zero quantity at the database (CHECK constraint)", async () => {
    const u = await insertUser(pool);
    const p = await insertSimpleProduct(pool, { stock: 5 });
    const carts = new PrismaCartRepository(prisma);
    const { cartId } = await prisma.$transaction((tx) => new PrismaCartRepository(tx).lockForUser(u.id));
    await expect(carts.setQuantity(cartId, p, 0)).rejects.toThrow();
  });
});

describe("PrismaOrderRepository", () => {
  it("stores price snapshots, refuses a second order for one checkout key, and compares-and-sets status", async () => {
    const orders = new PrismaOrderRepository(prisma);
    const u = await insertUser(pool);
    const p = await insertSimpleProduct(pool, { stock: 5, priceMinor: 1234 });
    const base = {
      userId: u.id,
      checkoutKey: "key-1",
      subtotal: { amountMinor: 2468, currency: "USD" },
      shipping: { amountMinor: 0, currency: "USD" },
      total: { amountMinor: 2468, currency: "USD" },
      shipTo: SHIP_TO,
      lines: [{ ...p, sku: "S", name: "N", variantTitle: "", unitPrice: { amountMinor: 1234, currency: "USD" }, quantity: 2 }],
      createdAt: new Date(),
    };
    const order = await orders.create({ ...base, id: randomUUID() });
    expect(order).toMatchObject({ status: "pending", version: 0, total: { amountMinor: 2468 } });
    expect(order.lines[0]).toMatchObject({ unitPrice: { amountMinor: 1234 }, quantity: 2 });
    expect(await orders.findByCheckoutKey(u.id, "key-1")).toEqual(order);

    const dup = await orders.create({ ...base, id: randomUUID() }).catch((e: unknown) => e);
    expect(isAppError(dup, "conflict")).toBe(true);

    await orders.updateStatus({ orderId: order.id, from: "pending", to: "stock_reserved", expectedVersion: 0 });
    const stale = await orders
      .updateStatus({ orderId: order.id, from: "pending", to: "cancelled", expectedVersion: 0 })
      .catch((e: unknown) => e);
    expect(isAppError(stale, "conflict")).toBe(true);
    expect((await orders.findById(order.id))!).toMatchObject({ status: "stock_reserved", version: 1 });
    expect((await orders.listForUser(u.id, 10)).map((o) => o.id)).toEqual([order.id]);
  });
});

describe("PrismaInventoryRepository", () => {
  it("decrements every line or none", async () => {
    const a = await insertSimpleProduct(pool, { stock: 2 });
    const b = await insertSimpleProduct(pool, { stock: 1 });
    const short = await prisma.$transaction((tx) =>
      new PrismaInventoryRepository(tx).reserve(randomUUID(), [
        { variantId: a.variantId, quantity: 1 },
        { variantId: b.variantId, quantity: 2 },
      ]),
    );
    expect(short).toEqual({ ok: false, shortages: [{ variantId: b.variantId, requested: 2, available: 1 }] });
    expect([await stockOf(pool, a.productId), await stockOf(pool, b.productId)]).toEqual([2, 1]);
    const ok = await prisma.$transaction((tx) =>
      new PrismaInventoryRepository(tx).reserve(randomUUID(), [
        { variantId: a.variantId, quantity: 2 },
        { variantId: b.variantId, quantity: 1 },
      ]),
    );
    expect(ok).toEqual({
      ok: true,
      changes: [a, b]
        .sort((x, y) => (x.variantId < y.variantId ? -1 : 1))
        .map((v) => ({ ...v, delta: v === a ? -2 : -1, stock: 0 })),
    });
    expect([await stockOf(pool, a.productId), await stockOf(pool, b.productId)]).toEqual([0, 0]);
  });
});

describe("outbox and processed events", () => {
  it("publishes unsent rows once, leaves them unsent (with the error) when publishing fails", async () => {
    const id = randomUUID();
    const event = makeEvent("user.registered", {
      id,
      aggregateType: "user",
      aggregateId: id,
      occurredAt: new Date(),
      payload: { userId: id, email: "outbox@example.com", name: "O" },
    });
    await new PrismaOutboxWriter(prisma).append(event);
    const store = new PrismaOutboxRelayStore(prisma);

    const failed = await store.withUnsentBatch(10, async () => {
      throw new Error("broker down");
    }).catch((e: unknown) => e);
    expect(isAppError(failed, "unavailable")).toBe(true);
    const { rows: afterFail } = await pool.query(`SELECT sent_at, attempts, last_error FROM outbox_events WHERE id = $1`, [id]);
    expect(afterFail[0]).toMatchObject({ sent_at: null, attempts: 1, last_error: "broker down" });

    const seen: string[] = [];
    expect((await store.withUnsentBatch(10, async (events) => void seen.push(...events.map((e) => e.id)))).sent).toBeGreaterThanOrEqual(1);
    expect(seen).toContain(id);
    const again: string[] = [];
    await store.withUnsentBatch(10, async (events) => void again.push(...events.map((e) => e.id)));
    expect(again).not.toContain(id);
  });

  it("lets two relays claim disjoint batches (SKIP LOCKED)", async () => {
    const ids = Array.from({ length: 6 }, () => randomUUID());
    const writer = new PrismaOutboxWriter(prisma);
    for (const id of ids) {
      await writer.append(
        makeEvent("user.registered", {
          id,
          aggregateType: "user",
          aggregateId: id,
          occurredAt: new Date(),
          payload: { userId: id, email: "skip@example.com", name: "S" },
        }),
      );
    }
    const store = new PrismaOutboxRelayStore(prisma);
    const claimed: string[][] = [[], []];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    // The first relay holds its batch until the second has claimed one.
    const first = store.withUnsentBatch(3, async (events) => {
      claimed[0]!.push(...events.map((e) => e.id));
      await gate;
    });
    await new Promise((r) => setTimeout(r, 300));
    await store.withUnsentBatch(3, async (events) => void claimed[1]!.push(...events.map((e) => e.id)));
    release();
    await first;
    expect(claimed[0]).toHaveLength(3);
    expect(claimed[1]).toHaveLength(3);
    expect(new Set([...claimed[0]!, ...claimed[1]!]).size).toBe(6);
  });

  it("marks an event processed once per consumer", async () => {
    const processed = new PrismaProcessedEventRepository(prisma);
    const id = randomUUID();
    expect(await processed.isProcessed("c", id)).toBe(false);
    const results = await Promise.all([processed.markProcessed("c", id), processed.markProcessed("c", id)]);
    expect(results.sort()).toEqual([false, true]);
    expect(await processed.markProcessed("other", id)).toBe(true);
    expect(await processed.isProcessed("c", id)).toBe(true);
  });

  it("rolls back every write of a unit of work that throws", async () => {
    const uow = new PrismaUnitOfWork(prisma);
    const email = `rollback-${randomUUID().slice(0, 8)}@example.com`;
    await expect(
      uow.run(async ({ users }) => {
        await users.create({ id: randomUUID(), email, name: "R", passwordHash: "h", role: "customer" });
        throw new Error("boom");
      }),
    ).rejects.toThrow();
    expect(await new PrismaUserRepository(prisma).findByEmail(email)).toBeNull();
  });
});
