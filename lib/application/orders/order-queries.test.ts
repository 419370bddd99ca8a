import { describe, expect, it } from "vitest";
import { isAppError } from "../../domain/errors";
import type { Order } from "../../domain/order";
import { decodeOrderCursor, encodeOrderCursor, makeOrderQueries, type OrderPageCursor, type OrderReader } from "./order-queries";

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

function order(n: number, userId: string, createdAt: Date): Order {
  return { id: uuid(n), userId, createdAt } as unknown as Order;
}

/** Keyset over an array, as the repository does it: (createdAt, id) descending, strictly after the cursor. */
class ArrayReader implements OrderReader {
  constructor(readonly orders: Order[]) {}
  async findById(id: string) {
    return this.orders.find((o) => o.id === id) ?? null;
  }
  async listForUser(userId: string, limit: number) {
    return this.sorted(userId).slice(0, limit);
  }
  async listForUserAfter(userId: string, after: OrderPageCursor | null, limit: number) {
    const rows = this.sorted(userId).filter(
      (o) => !after || o.createdAt.getTime() < after.createdAt.getTime() || (o.createdAt.getTime() === after.createdAt.getTime() && o.id < after.id),
    );
    return rows.slice(0, limit);
  }
  private sorted(userId: string) {
    return this.orders
      .filter((o) => o.userId === userId)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  }
}

describe("order cursors", () => {
  it("round-trip the creation time (to the millisecond) and the id", () => {
    const cursor = { createdAt: new Date("2026-03-04T05:06:07.089Z"), id: uuid(7) };
    expect(decodeOrderCursor(encodeOrderCursor(cursor))).toEqual(cursor);
  });

  it("refuse text the shop did not make", () => {
    const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64url");
    for (const text of ["", "!!", "a".repeat(201), b64("x|y"), b64(`2026-03-04T05:06:07.089Z|not-a-uuid`), b64(`yesterday|${uuid(1)}`), b64(`2026-03-04T05:06:07.089Z|${uuid(1)}|more`), b64("2026-13-45T99:99:99.999Z|" + uuid(1))]) {
      expect(decodeOrderCursor(text), text).toBeNull();
    }
  });
});

describe("pageForUser", () => {
  const t = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));
  const reader = new ArrayReader([
    order(1, "u", t(1)),
    order(2, "u", t(2)),
    order(3, "u", t(2)),
    order(4, "other", t(3)),
    order(5, "u", t(4)),
  ]);
  const queries = makeOrderQueries({ orders: reader });

  it("walks the user's orders newest first, ties by id, with a next cursor until the last page", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    const nexts: (string | null)[] = [];
    do {
      const page = await queries.pageForUser("u", { limit: 2, cursor });
      seen.push(...page.items.map((o) => o.id));
      nexts.push(page.next);
      cursor = page.next ?? undefined;
    } while (cursor);
    expect(seen).toEqual([uuid(5), uuid(3), uuid(2), uuid(1)]);
    expect(nexts.map((n) => n === null)).toEqual([false, true]);
  });

  it("gives no next cursor when the page holds exactly the rest", async () => {
    const page = await queries.pageForUser("u", { limit: 4 });
    expect(page.items).toHaveLength(4);
    expect(page.next).toBeNull();
  });

  it("refuses a limit outside 1..100 and a broken cursor as validation errors", async () => {
    for (const input of [{ limit: 0 }, { limit: 101 }, { limit: 1.5 }, { limit: 5, cursor: "nope!" }]) {
      const error = await queries.pageForUser("u", input).catch((e: unknown) => e);
      expect(isAppError(error, "validation"), JSON.stringify(input)).toBe(true);
    }
  });
});
