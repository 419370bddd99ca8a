import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { randomUUID } from "node:crypto";
import { formatMoney } from "@/lib/domain/money";
import { amountToFreeShipping } from "@/lib/domain/shipping";
import { getServices } from "@/lib/composition/root";
import { getCurrentUser } from "@/app/_lib/auth";
import { OrderSummary } from "@/components/order-summary";
import { ShippingAddressBlock } from "@/components/shipping-address";
import { recallAddress } from "../address-cookie";
import { CheckoutSteps } from "../checkout-steps";
import { addressFormValues } from "../schemas";
import { PlaceOrderForm } from "./place-order-form";

export const metadata: Metadata = { title: "Checkout: review your order" };
export const dynamic = "force-dynamic";

export default async function CheckoutReviewPage() {
  const user = await getCurrentUser();
  if (!user) redirect("/signin?callbackUrl=%2Fcheckout");
  // Priced here, from the cart as it is now; placing the order prices it again the same way.
  const quote = await getServices().orders.quoteCheckout(user.id);
  if (!quote) redirect("/cart?checkout=empty");
  const address = await recallAddress(user.id);
  if (!address) redirect("/checkout");
  const toFreeShipping = amountToFreeShipping(quote.subtotal);

  return (
    <section aria-labelledby="review-heading" className="flex flex-col gap-4">
      <CheckoutSteps current={2} />
      <h1 id="review-heading" className="text-2xl font-semibold">
        Review your order
      </h1>
      <div className="grid gap-6 rounded-lg border border-slate-200 bg-white p-6 md:grid-cols-[3fr_2fr]">
        <div>
          <OrderSummary caption="Items in your order" lines={quote.lines} totals={quote} />
          <p className="mt-2 text-sm text-slate-600">
            {toFreeShipping ? `Add ${formatMoney(toFreeShipping)} more to your cart for free shipping.` : "Your order ships free."}
          </p>
        </div>
        <div className="flex flex-col gap-4">
          <div>
            <h2 className="text-lg font-semibold">Shipping to</h2>
            <ShippingAddressBlock address={address} />
            <Link href="/checkout" className="text-sm text-indigo-700 underline">
              Edit address
            </Link>
          </div>
          {/* A new key per rendering of the review: one checkout attempt. */}
          <PlaceOrderForm checkoutKey={randomUUID()} address={addressFormValues(address)} reviewedTotalMinor={quote.total.amountMinor} />
        </div>
      </div>
      <Link href="/cart" className="text-indigo-700 underline">
        Change your cart
      </Link>
    </section>
  );
}
