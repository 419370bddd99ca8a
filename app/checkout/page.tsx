import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { getServices } from "@/lib/composition/root";
import { getCurrentUser } from "@/app/_lib/auth";
import { recallAddress } from "./address-cookie";
import { AddressForm } from "./address-form";
import { CheckoutSteps } from "./checkout-steps";
import { addressFormValues } from "./schemas";

export const metadata: Metadata = { title: "Checkout: shipping address" };
export const dynamic = "force-dynamic";

export default async function CheckoutAddressPage() {
  const user = await getCurrentUser();
  if (!user) redirect("/signin?callbackUrl=%2Fcheckout");
  const services = getServices();
  if (!(await services.orders.quoteCheckout(user.id))) redirect("/cart?checkout=empty");

  // Back from the review step: the address typed there; otherwise where the last order went.
  const remembered = (await recallAddress(user.id)) ?? (await services.orders.listForUser(user.id)).find((o) => o.shipTo)?.shipTo ?? null;
  const defaults = remembered ? addressFormValues(remembered) : { name: user.name };

  return (
    <section aria-labelledby="checkout-heading" className="flex flex-col gap-4">
      <CheckoutSteps current={1} />
      <h1 id="checkout-heading" className="text-2xl font-semibold">
        Where should we send your order?
      </h1>
      <div className="rounded-lg border border-slate-200 bg-white p-6">
        <AddressForm defaults={defaults} />
      </div>
      <Link href="/cart" className="text-indigo-700 underline">
        Back to your cart
      </Link>
    </section>
  );
}
