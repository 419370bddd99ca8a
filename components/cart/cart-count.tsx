"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { createContext, use, useCallback, useEffect, useOptimistic, useState } from "react";

/** What the header shows about this visitor (GET /api/header). */
export interface HeaderSession {
  user: { email: string; role: "admin" | "customer" } | null;
  cartCount: number;
  /** A one-shot note left for the next page (a guest-cart merge). */
  cartFlash: string | null;
}

interface VisitorState {
  /** null until the first answer: the header leaves the visitor's links out rather than guess. */
  session: HeaderSession | null;
  count: number;
  /** Moves the count now; it settles on the server's count when the surrounding action ends. Call inside an action. */
  adjust: (delta: number) => void;
  /** The server's count after a cart change. Call inside the action that made it, so the count never steps back. */
  setCount: (count: number) => void;
  /** Forget who is signed in (sign-out) until the next answer. */
  clear: () => void;
}

const VisitorContext = createContext<VisitorState>({ session: null, count: 0, adjust: () => {}, setCount: () => {}, clear: () => {} });

/**
 * Holds what the header says about the visitor. The pages themselves are the
 * same for everyone (so they can be served from the page cache); the signed-in
 * user, the cart count and the cart note are fetched here after the page
 * arrives, and again whenever the path changes (sign-in, sign-out, checkout
 * all end in a navigation).
 */
export function VisitorProvider({ children }: { children: React.ReactNode }) {
  const pathname = usePathname();
  const [session, setSession] = useState<HeaderSession | null>(null);
  const [count, setCountState] = useState(0);
  const [optimistic, adjust] = useOptimistic(count, (current: number, delta: number) => Math.max(0, current + delta));

  useEffect(() => {
    const abort = new AbortController();
    fetch("/api/header", { cache: "no-store", signal: abort.signal, headers: { accept: "application/json" } })
      .then(async (res) => {
        if (!res.ok) return;
        const body = (await res.json()) as HeaderSession;
        setSession(body);
        setCountState(body.cartCount);
      })
      // A lost answer leaves the header as it was; the next navigation asks again.
      .catch(() => {});
    return () => abort.abort();
  }, [pathname]);

  const setCount = useCallback((n: number) => setCountState(n), []);
  const clear = useCallback(() => {
    setSession({ user: null, cartCount: 0, cartFlash: null });
    setCountState(0);
  }, []);
  return <VisitorContext value={{ session, count: optimistic, adjust, setCount, clear }}>{children}</VisitorContext>;
}

export function useVisitor(): VisitorState {
  return use(VisitorContext);
}

/** The cart count and the ways to move it (see VisitorProvider). */
export function useCartCount(): Pick<VisitorState, "count" | "adjust" | "setCount"> {
  return use(VisitorContext);
}

export function CartCountLink() {
  const { count } = useCartCount();
  return (
    <Link href="/cart" className="hover:underline" data-testid="cart-link" aria-label={`Cart, ${count} ${count === 1 ? "item" : "items"}`}>
      Cart{count > 0 ? ` (${count})` : null}
    </Link>
  );
}
