import type { Metadata } from "next";
import { getServices } from "@/lib/composition/root";
import { getCurrentUser } from "@/app/_lib/auth";
import { currentCartOwner } from "@/app/_lib/guest-cart";
import { CartLines, type CartLineView } from "./cart-lines";

export const metadata: Metadata = { title: "Your cart" };
export const dynamic = "force-dynamic";

/** Guests see their own cart; checking out is where an account becomes necessary. */
export default async function CartPage() {
  const user = await getCurrentUser();
  const { cart } = await getServices().cart.getCart(await currentCartOwner(user));
  // Prices are today's catalog prices (read with the cart), never a copy kept in it.
  const lines: CartLineView[] = cart.lines.map((l) => ({
    itemId: l.itemId,
    name: l.product.name,
    slug: l.product.slug,
    unitPrice: l.product.price,
    quantity: l.quantity,
  }));
  return (
    <section aria-labelledby="cart-heading">
      <h1 id="cart-heading" className="text-2xl font-semibold">
        Your cart
      </h1>
      <CartLines lines={lines} signedIn={user !== null} />
    </section>
  );
}
