"use client";

import Link from "next/link";
import { ReturnLink } from "@/components/return-link";
import { CartCountLink, useVisitor } from "@/components/cart/cart-count";
import { CartFlash } from "@/components/cart/cart-flash";

/**
 * The header's visitor-specific links. Until the visitor is known the space is
 * kept (no layout shift) and only the cart link shows.
 */
export function VisitorNav({ signOut }: { signOut: () => Promise<void> }) {
  const { session, clear } = useVisitor();
  const user = session?.user ?? null;
  return (
    <div className="ml-auto flex min-h-6 min-w-0 flex-wrap items-center justify-end gap-x-4 gap-y-1 text-sm">
      <CartCountLink />
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
              clear();
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
  );
}

/** The one-shot cart note, from the same answer as the header. */
export function VisitorFlash() {
  const { session } = useVisitor();
  return <CartFlash message={session?.cartFlash ?? null} />;
}
