import type { Metadata } from "next";
import { getServices } from "@/lib/composition/root";
import { getCurrentUser } from "@/app/_lib/auth";
import { currentCartOwner } from "@/app/_lib/guest-cart";
import { CartLines, type CartLineView } from "./cart-lines";
import { offerName } from "@/lib/domain/catalog";

export const metadata: Metadata = { title: "Your cart" };
export const dynamic = "force-dynamic";

/** Guests see their own cart; checking out is where an account becomes necessary. */
export default async function CartPage() {
  const user = await getCurrentUser();
  const { cart } = await getServices().cart.getCart(await currentCartOwner(user));
  // Prices are today's catalog prices (read with the cart), never a copy kept in it.
  const lines: CartLineView[] = cart.lines.map((l) => ({
    itemId: l.itemId,
    name: offerName(l.product),
    slug: l.product.slug,
    unitPrice: l.product.price,
    quantity: l.quantity,
  }));
  // Archived by the back office after they were added: checkout refuses them.
  const gone = cart.lines.filter((l) => cart.archivedVariantIds?.includes(l.product.variantId)).map((l) => l.product.name);
  return (
    <section aria-labelledby="cart-heading">
      <h1 id="cart-heading" className="text-2xl font-semibold">
        Your cart
      </h1>
      {gone.length > 0 ? (
        <p role="alert" className="mt-4 rounded border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
          {gone.join(", ")} {gone.length === 1 ? "is" : "are"} no longer sold. Please remove {gone.length === 1 ? "it" : "them"} before you check out.
        </p>
      ) : null}
      <CartLines lines={lines} signedIn={user !== null} />
    </section>
  );
}
