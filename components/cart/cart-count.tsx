"use client";

import Link from "next/link";
import { createContext, use, useState } from "react";

/** What the header shows about this visitor (GET /api/header). */
export interface HeaderSession {
  user: { email: string; role: "admin" | "customer" } | null;
  cartCount: number;
  /** A one-shot note left for the next page (a guest-cart merge). */
  cartFlash: string | null;
}

export interface CartCountControls {
  /** Moves the header's count now; it settles on the server's count when the surrounding action ends. Call inside an action. */
  adjust(delta: number): void;
  /** The server's count after a cart change. Call inside the action that made it, so the count never steps back. */
  setCount(count: number): void;
}

/**
 * How cart forms anywhere in a page reach the header's count. The value never
 * changes (the header attaches its setters to it), on purpose: a context
 * update reaching a part of the page still streaming in would make React
 * throw that part's server HTML away and render it again in the browser.
 */
export class CartCountBridge implements CartCountControls {
  private target: CartCountControls | null = null;
  // Arrow functions: forms take them out of the object (const { adjust } = useCartCount()).
  attach = (target: CartCountControls | null): void => {
    this.target = target;
  };
  adjust = (delta: number): void => {
    this.target?.adjust(delta);
  };
  setCount = (count: number): void => {
    this.target?.setCount(count);
  };
}

const BridgeContext = createContext<CartCountBridge>(new CartCountBridge());

export function VisitorProvider({ children }: { children: React.ReactNode }) {
  const [bridge] = useState(() => new CartCountBridge());
  return <BridgeContext value={bridge}>{children}</BridgeContext>;
}

/** The header's cart count as cart forms move it (adjust, setCount); the header attaches itself to it. */
export function useCartCount(): CartCountBridge {
  return use(BridgeContext);
}

export function CartCountLink({ count }: { count: number }) {
  return (
    <Link href="/cart" className="hover:underline" data-testid="cart-link" aria-label={`Cart, ${count} ${count === 1 ? "item" : "items"}`}>
      Cart{count > 0 ? ` (${count})` : null}
    </Link>
  );
}
