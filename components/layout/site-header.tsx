"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useOptimistic, useState } from "react";
import { ReturnLink } from "@/components/return-link";
import { CartCountLink, useCartCount, type HeaderSession } from "@/components/cart/cart-count";
import { CartFlash } from "@/components/cart/cart-flash";

/**
 * The header, and the one-shot cart note below it. The pages are the same for
 * every visitor (so they can be served from the page cache); who is signed in,
 * the cart count and the note are asked for here after the page arrives, and
 * again whenever the path changes (sign-in, sign-out and checkout all end in a
 * navigation). Until the visitor is known its links are left out, not guessed.
 */
export function SiteHeader({ signOut }: { signOut: () => Promise<void> }) {
  const pathname = usePathname();
  const bridge = useCartCount();
  const [session, setSession] = useState<HeaderSession | null>(null);
  const [count, setCount] = useState(0);
  const [shown, adjust] = useOptimistic(count, (current: number, delta: number) => Math.max(0, current + delta));

  useEffect(() => {
    bridge.attach({ adjust, setCount });
    return () => bridge.attach(null);
  }, [bridge, adjust]);

  useEffect(() => {
    const abort = new AbortController();
    fetch("/api/header", { cache: "no-store", signal: abort.signal, headers: { accept: "application/json" } })
      .then(async (res) => {
        if (!res.ok) return;
        const body = (await res.json()) as HeaderSession;
        setSession(body);
        setCount(body.cartCount);
      })
      // A lost answer leaves the header as it was; the next navigation asks again.
      .catch(() => {});
    return () => abort.abort();
  }, [pathname]);

  const user = session?.user ?? null;
  return (
    <>
      <header className="border-b border-slate-200 bg-white">
        <nav aria-label="Main" className="mx-auto flex max-w-5xl flex-wrap items-center gap-4 px-4 py-3">
          <Link href="/" className="text-lg font-semibold">
            Storefront
          </Link>
          <div className="ml-auto flex min-h-6 min-w-0 flex-wrap items-center justify-end gap-x-4 gap-y-1 text-sm">
            <CartCountLink count={shown} />
            {session === null ? null : user ? (
              <>
                {user.role === "admin" ? (
                  <Link href="/admin" className="hover:underline">
                    Back office
                  </Link>
                ) : null}
                <Link href="/orders" className="hover:underline">
                  Orders
                </Link>
                <Link href="/account" className="hover:underline">
                  Account
                </Link>
                <span className="max-w-[14rem] truncate text-slate-500" title={user.email} data-testid="signed-in-as">
                  {user.email}
                </span>
                <form
                  action={async () => {
                    setSession({ user: null, cartCount: 0, cartFlash: null });
                    setCount(0);
                    await signOut();
                  }}
                >
                  <button type="submit" className="hover:underline">
                    Sign out
                  </button>
                </form>
              </>
            ) : (
              <>
                <ReturnLink href="/signin" className="hover:underline">
                  Sign in
                </ReturnLink>
                <ReturnLink href="/register" className="hover:underline">
                  Register
                </ReturnLink>
              </>
            )}
          </div>
        </nav>
      </header>
      <CartFlash message={session?.cartFlash ?? null} />
    </>
  );
}
