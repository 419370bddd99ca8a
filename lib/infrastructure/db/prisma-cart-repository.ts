import type { Cart } from "../../domain/cart";
import { productSelect, toProduct } from "./mappers";
import type { Db } from "./prisma-client";

export class PrismaCartRepository {
  constructor(private readonly db: Db) {}

  async lockForUser(userId: string): Promise<{ cartId: string }> {
    // Upsert first so there is always a row to lock, then lock it.
    await this.db.$executeRaw`
      INSERT INTO carts (id, user_id, created_at, updated_at)
      VALUES (gen_random_uuid(), ${userId}::uuid, now(), now())
      ON CONFLICT (user_id) DO NOTHING`;
    const rows = await this.db.$queryRaw<{ id: string }[]>`
      SELECT id FROM carts WHERE user_id = ${userId}::uuid FOR UPDATE`;
    return { cartId: rows[0]!.id };
  }

  async lockAndLoad(userId: string): Promise<Cart | null> {
    const rows = await this.db.$queryRaw<{ id: string }[]>`
      SELECT id FROM carts WHERE user_id = ${userId}::uuid FOR UPDATE`;
    if (rows.length === 0) return null;
    return this.load(userId);
  }

  async load(userId: string): Promise<Cart> {
    const cart = await this.db.cart.findUnique({
      where: { userId },
      select: {
        id: true,
        items: { select: { id: true, quantity: true, product: { select: productSelect } }, orderBy: { createdAt: "asc" } },
      },
    });
    if (!cart) return { id: null, lines: [] };
    return {
      id: cart.id,
      lines: cart.items.map((i) => ({ itemId: i.id, quantity: i.quantity, product: toProduct(i.product) })),
    };
  }

  async setQuantity(cartId: string, productId: string, quantity: number): Promise<void> {
    await this.db.cartItem.upsert({
      where: { cartId_productId: { cartId, productId } },
      create: { cartId, productId, quantity },
      update: { quantity },
      select: { id: true },
    });
  }

  async findLine(cartId: string, itemId: string): Promise<{ productId: string; quantity: number } | null> {
    return this.db.cartItem.findFirst({ where: { id: itemId, cartId }, select: { productId: true, quantity: true } });
  }

  async removeLine(cartId: string, itemId: string): Promise<void> {
    await this.db.cartItem.deleteMany({ where: { id: itemId, cartId } });
  }

  async clear(cartId: string): Promise<void> {
    await this.db.cartItem.deleteMany({ where: { cartId } });
  }
}
