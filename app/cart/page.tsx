import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { randomUUID } from "node:crypto";
import { multiply } from "@/lib/domain/money";
import { getServices } from "@/lib/composition/root";
import { getCurrentUser } from "@/app/_lib/auth";
import { Price } from "@/components/money";
import { CartLineControls } from "./cart-line-form";
import { CheckoutForm } from "./checkout-form";

export const metadata: Metadata = { title: "Your cart" };
export const dynamic = "force-dynamic";

export default async function CartPage() {
  const user = await getCurrentUser();
  if (!user) redirect("/signin?callbackUrl=/cart");
  const { cart, summary } = await getServices().cart.getCart(user.id);

  if (cart.lines.length === 0) {
    return (
      <section>
        <h1 className="text-2xl font-semibold">Your cart</h1>
        <p className="mt-4 text-slate-600">Your cart is empty.</p>
        <Link href="/" className="mt-2 inline-block text-indigo-700 underline">
          Continue shopping
        </Link>
      </section>
    );
  }

  return (
    <section aria-labelledby="cart-heading">
      <h1 id="cart-heading" className="text-2xl font-semibold">
        Your cart
      </h1>
      <ul className="mt-4 divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
        {cart.lines.map((line) => (
          <li key={line.itemId} className="flex flex-col gap-2 p-4 sm:flex-row sm:items-center sm:justify-between" data-testid="cart-line">
            <div>
              <Link href={`/products/${line.product.slug}`} className="font-medium hover:underline">
                {line.product.name}
              </Link>
              <p className="text-sm text-slate-600">
                <Price value={line.product.price} /> each · <Price value={multiply(line.product.price, line.quantity)} />
              </p>
            </div>
            <CartLineControls itemId={line.itemId} quantity={line.quantity} name={line.product.name} />
          </li>
        ))}
      </ul>
      <div className="mt-4 flex items-center justify-between">
        <p className="text-lg">
          Total ({summary.itemCount} items): <Price value={summary.subtotal} className="font-semibold" />
        </p>
        <CheckoutForm checkoutKey={randomUUID()} />
      </div>
    </section>
  );
}
