import type { Cart, CartOwner } from "../../domain/cart";
import { Prisma, type Db } from "./prisma-client";

function ownerWhere(owner: CartOwner) {
  return owner.kind === "user" ? { userId: owner.userId } : { guestTokenHash: owner.tokenHash };
}

export class PrismaCartRepository {
  constructor(private readonly db: Db) {}

  async lockFor(owner: CartOwner): Promise<{ cartId: string }> {
    // One upsert creates the cart if missing and row-locks it either way. It
    // bumps updated_at, which pruning abandoned guest carts goes by, and unlike
    // insert-then-select it cannot miss a guest row a merge deleted in between.
    const rows =
      owner.kind === "user"
        ? await this.db.$queryRaw<{ id: string }[]>`
            INSERT INTO carts (id, user_id, created_at, updated_at)
            VALUES (gen_random_uuid(), ${owner.userId}::uuid, now(), now())
            ON CONFLICT (user_id) DO UPDATE SET updated_at = now()
            RETURNING id`
        : await this.db.$queryRaw<{ id: string }[]>`
            INSERT INTO carts (id, guest_token_hash, created_at, updated_at)
            VALUES (gen_random_uuid(), ${owner.tokenHash}, now(), now())
            ON CONFLICT (guest_token_hash) DO UPDATE SET updated_at = now()
            RETURNING id`;
    return { cartId: rows[0]!.id };
  }

  lockForUser(userId: string): Promise<{ cartId: string }> {
    return this.lockFor({ kind: "user", userId });
  }

  async lockForMerge(userId: string, guestTokenHash: string): Promise<{ userCartId: string; guestCartId: string | null }> {
    await this.db.$executeRaw`
      INSERT INTO carts (id, user_id, created_at, updated_at)
      VALUES (gen_random_uuid(), ${userId}::uuid, now(), now())
      ON CONFLICT (user_id) DO NOTHING`;
    // One statement, rows locked in id order: every merge takes the two locks in
    // the same order, so concurrent merges queue instead of deadlocking. A guest
    // row that a merge deleted while we waited is skipped (READ COMMITTED
    // re-checks locked rows), which is what makes a second merge a no-op.
    const rows = await this.db.$queryRaw<{ id: string; is_user: boolean }[]>`
      SELECT id, user_id IS NOT NULL AS is_user FROM carts
      WHERE user_id = ${userId}::uuid OR guest_token_hash = ${guestTokenHash}
      ORDER BY id
      FOR UPDATE`;
    return {
      userCartId: rows.find((r) => r.is_user)!.id,
      guestCartId: rows.find((r) => !r.is_user)?.id ?? null,
    };
  }

  /**
   * One round trip (placing an order is a hot path): the cart row locked, its
   * lines with their variants and products, in the order the lines were added.
   */
  async lockAndLoad(userId: string): Promise<CartWithArchived | null> {
    const rows = await this.db.$queryRaw<CartRow[]>`${cartRowsSql(Prisma.sql`c.user_id = ${userId}::uuid`)} FOR UPDATE OF c`;
    return rows.length === 0 ? null : toCart(rows);
  }

  async loadFor(owner: CartOwner): Promise<CartWithArchived> {
    const where = owner.kind === "user" ? Prisma.sql`c.user_id = ${owner.userId}::uuid` : Prisma.sql`c.guest_token_hash = ${owner.tokenHash}`;
    return toCart(await this.db.$queryRaw<CartRow[]>(cartRowsSql(where)));
  }

  load(userId: string): Promise<CartWithArchived> {
    return this.loadFor({ kind: "user", userId });
  }

  async loadById(cartId: string): Promise<CartWithArchived> {
    return toCart(await this.db.$queryRaw<CartRow[]>(cartRowsSql(Prisma.sql`c.id = ${cartId}::uuid`)));
  }

  async countItems(owner: CartOwner): Promise<number> {
    const result = await this.db.cartItem.aggregate({ where: { cart: ownerWhere(owner) }, _sum: { quantity: true } });
    return result._sum.quantity ?? 0;
  }

  /** Sets the variant's line (one per variant: the key is (cart, variant)), creating it if missing. */
  async setQuantity(cartId: string, line: { productId: string; variantId: string }, quantity: number): Promise<void> {
    await this.db.cartItem.upsert({
      where: { cartId_variantId: { cartId, variantId: line.variantId } },
      create: { cartId, productId: line.productId, variantId: line.variantId, quantity },
      update: { quantity },
      select: { id: true },
    });
  }

  async findLine(cartId: string, itemId: string): Promise<{ productId: string; variantId: string; quantity: number } | null> {
    return this.db.cartItem.findFirst({ where: { id: itemId, cartId }, select: { productId: true, variantId: true, quantity: true } });
  }

  async removeLine(cartId: string, itemId: string): Promise<void> {
    await this.db.cartItem.deleteMany({ where: { id: itemId, cartId } });
  }

  async removeVariant(cartId: string, variantId: string): Promise<void> {
    await this.db.cartItem.deleteMany({ where: { cartId, variantId } });
  }

  async clear(cartId: string): Promise<void> {
    await this.db.cartItem.deleteMany({ where: { cartId } });
  }

  async delete(cartId: string): Promise<void> {
    await this.db.cart.deleteMany({ where: { id: cartId } });
  }
}

/** A cart, plus which of its variants are no longer sold, archived with or without their product since they were added (checkout refuses those). */
export type CartWithArchived = Cart & { archivedVariantIds: string[] };

/**
 * A cart's lines with their variants and products, oldest first (one row with
 * null line fields for a cart without lines): the one read every cart load
 * goes through, for one round trip and one source of the variant's title.
 */
function cartRowsSql(where: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`
    SELECT c.id AS cart_id, ci.id AS item_id, ci.quantity,
           p.id, v.id AS variant_id, v.sku, p.slug, p.name, variant_title(v.id) AS variant_title, p.description,
           coalesce(v.price_override_minor, p.price_minor) AS price_minor, p.currency, v.stock, p.image_url,
           (p.archived_at IS NOT NULL OR v.archived_at IS NOT NULL) AS archived
      FROM carts c
      LEFT JOIN cart_items ci ON ci.cart_id = c.id
      LEFT JOIN product_variants v ON v.id = ci.variant_id
      LEFT JOIN products p ON p.id = v.product_id
     WHERE ${where}
     ORDER BY ci.created_at, ci.id`;
}

type CartRow = {
  cart_id: string;
  item_id: string | null;
  quantity: number | null;
  id: string | null;
  variant_id: string | null;
  sku: string | null;
  slug: string | null;
  name: string | null;
  variant_title: string | null;
  description: string | null;
  price_minor: number | null;
  currency: string | null;
  stock: number | null;
  image_url: string | null;
  archived: boolean | null;
};

function toCart(rows: readonly CartRow[]): CartWithArchived {
  if (rows.length === 0) return { id: null, lines: [], archivedVariantIds: [] };
  const lines = rows.flatMap((r) =>
    r.item_id === null || r.id === null
      ? []
      : [
          {
            itemId: r.item_id,
            quantity: r.quantity!,
            product: {
              id: r.id,
              variantId: r.variant_id!,
              sku: r.sku!,
              slug: r.slug!,
              name: r.name!,
              variantTitle: r.variant_title!,
              description: r.description!,
              price: { amountMinor: r.price_minor!, currency: r.currency! },
              stock: r.stock!,
              imageUrl: r.image_url,
            },
            archived: r.archived!,
          },
        ],
  );
  return {
    id: rows[0]!.cart_id,
    lines: lines.map(({ archived: _archived, ...line }) => line),
    archivedVariantIds: lines.filter((l) => l.archived).map((l) => l.product.variantId),
  };
}
