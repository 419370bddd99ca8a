"use client";

import Link from "next/link";
import { useOptimistic, useState } from "react";
import { DEFAULT_CURRENCY } from "@/lib/domain/cart";
import { multiply, sum, type Money } from "@/lib/domain/money";
import { Price } from "@/components/money";
import { useCartCount } from "@/components/cart/cart-count";
import { CartLineControls, type LineChange } from "./cart-line-form";

export interface CartLineView {
  itemId: string;
  name: string;
  slug: string;
  unitPrice: Money;
  quantity: number;
}

const CHECKOUT_PATH = "/checkout";

/**
 * The cart's lines, total and checkout link. Changes show at once (useOptimistic)
 * and settle on the server's cart when each action ends: a refused change falls
 * back by itself, with the reason next to its field.
 */
export function CartLines({ lines, signedIn }: { lines: CartLineView[]; signedIn: boolean }) {
  const [shown, applyChange] = useOptimistic(lines, (current: CartLineView[], change: LineChange) =>
    change.quantity === 0
      ? current.filter((l) => l.itemId !== change.itemId)
      : current.map((l) => (l.itemId === change.itemId ? { ...l, quantity: change.quantity } : l)),
  );
  const { adjust } = useCartCount();
  const [announcement, setAnnouncement] = useState("");

  const change = (c: LineChange) => {
    const before = shown.find((l) => l.itemId === c.itemId)?.quantity ?? 0;
    applyChange(c);
    adjust(c.quantity - before);
  };

  const itemCount = shown.reduce((n, l) => n + l.quantity, 0);
  const currency = shown[0]?.unitPrice.currency ?? DEFAULT_CURRENCY;
  const total = sum(shown.map((l) => multiply(l.unitPrice, l.quantity)), currency);
  // A guest goes through sign-in first; the cart comes along (it is merged at sign-in).
  const checkoutHref = signedIn ? CHECKOUT_PATH : `/signin?callbackUrl=${encodeURIComponent(CHECKOUT_PATH)}`;

  return (
    <>
      <p role="status" aria-live="polite" className="mt-2 min-h-5 text-sm text-slate-700" data-testid="cart-announcement">
        {announcement}
      </p>
      {shown.length === 0 ? (
        <div>
          <p className="mt-2 text-slate-600">Your cart is empty.</p>
          <Link href="/" className="mt-2 inline-block text-indigo-700 underline">
            Continue shopping
          </Link>
        </div>
      ) : (
        <>
          <ul className="mt-2 divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
            {shown.map((line) => (
              <li key={line.itemId} className="flex flex-col gap-2 p-4 sm:flex-row sm:items-center sm:justify-between" data-testid="cart-line">
                <div>
                  <Link href={`/products/${line.slug}`} className="font-medium hover:underline">
                    {line.name}
                  </Link>
                  <p className="text-sm text-slate-600">
                    <Price value={line.unitPrice} /> each · <Price value={multiply(line.unitPrice, line.quantity)} />
                  </p>
                </div>
                <CartLineControls
                  itemId={line.itemId}
                  name={line.name}
                  quantity={lines.find((l) => l.itemId === line.itemId)?.quantity ?? line.quantity}
                  onChange={change}
                  onSettled={setAnnouncement}
                />
              </li>
            ))}
          </ul>
          <div className="mt-4 flex flex-wrap items-center justify-between gap-4">
            <p className="text-lg" data-testid="cart-total">
              Total ({itemCount} {itemCount === 1 ? "item" : "items"}): <Price value={total} className="font-semibold" />
            </p>
            <div className="flex flex-col items-end gap-1">
              <Link href={checkoutHref} className="rounded bg-indigo-700 px-4 py-2 font-medium text-white hover:bg-indigo-800">
                Check out
              </Link>
              {signedIn ? null : (
                <p className="text-sm text-slate-600">
                  Checking out needs an account; this cart comes with you when you sign in or register.
                </p>
              )}
            </div>
          </div>
        </>
      )}
    </>
  );
}
