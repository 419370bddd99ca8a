import type { Metadata } from "next";
import Link from "next/link";
import { ReturnLink } from "@/components/return-link";
import "./globals.css";
import { getCurrentUser, signOut } from "./_lib/auth";
import { currentCartOwner, readCartFlash } from "./_lib/guest-cart";
import { getServices } from "@/lib/composition/root";
import { CartCountLink, CartCountProvider } from "@/components/cart/cart-count";
import { CartFlash } from "@/components/cart/cart-flash";

export const metadata: Metadata = {
  title: { default: "Storefront", template: "%s · Storefront" },
  description: "A small, honest shop.",
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const user = await getCurrentUser();
  // Guests have a cart too: the header counts whichever cart this browser shows.
  const cartOwner = await currentCartOwner(user);
  const [cartCount, cartFlash] = await Promise.all([getServices().cart.itemCount(cartOwner), readCartFlash()]);
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased">
        <CartCountProvider count={cartCount}>
          <header className="border-b border-slate-200 bg-white">
            <nav aria-label="Main" className="mx-auto flex max-w-5xl flex-wrap items-center gap-4 px-4 py-3">
              <Link href="/" className="text-lg font-semibold">
                Storefront
              </Link>
              <div className="ml-auto flex min-w-0 flex-wrap items-center justify-end gap-x-4 gap-y-1 text-sm">
                <CartCountLink />
                {user ? (
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
                        "use server";
                        await signOut({ redirectTo: "/" });
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
          <CartFlash message={cartFlash} />
          <main className="mx-auto max-w-5xl px-4 py-6">{children}</main>
        </CartCountProvider>
      </body>
    </html>
  );
}
