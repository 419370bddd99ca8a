"use client";

import Link from "next/link";
import { createContext, use, useOptimistic } from "react";

interface CartCount {
  count: number;
  /** Moves the count now; it settles on the server's count when the surrounding action ends. Call inside an action. */
  adjust: (delta: number) => void;
}

const CartCountContext = createContext<CartCount>({ count: 0, adjust: () => {} });

/** Holds the header's item count so cart forms anywhere below can move it before the server answers. */
export function CartCountProvider({ count, children }: { count: number; children: React.ReactNode }) {
  const [optimistic, adjust] = useOptimistic(count, (current: number, delta: number) => Math.max(0, current + delta));
  return <CartCountContext value={{ count: optimistic, adjust }}>{children}</CartCountContext>;
}

export function useCartCount(): CartCount {
  return use(CartCountContext);
}

export function CartCountLink() {
  const { count } = useCartCount();
  return (
    <Link href="/cart" className="hover:underline" data-testid="cart-link" aria-label={`Cart, ${count} ${count === 1 ? "item" : "items"}`}>
      Cart{count > 0 ? ` (${count})` : null}
    </Link>
  );
}
