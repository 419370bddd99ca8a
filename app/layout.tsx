import type { Metadata } from "next";
import Link from "next/link";
import "./globals.css";
import { getCurrentUser, signOut } from "./_lib/auth";
import { getServices } from "@/lib/composition/root";

export const metadata: Metadata = {
  title: { default: "Storefront", template: "%s · Storefront" },
  description: "A small, honest shop.",
};

async function CartLink({ userId }: { userId: string | null }) {
  const count = userId ? (await getServices().cart.getCart(userId)).summary.itemCount : 0;
  return (
    <Link href="/cart" className="hover:underline" data-testid="cart-link" aria-label={`Cart, ${count} ${count === 1 ? "item" : "items"}`}>
      Cart{count > 0 ? ` (${count})` : null}
    </Link>
  );
}

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const user = await getCurrentUser();
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased">
        <header className="border-b border-slate-200 bg-white">
          <nav aria-label="Main" className="mx-auto flex max-w-5xl flex-wrap items-center gap-4 px-4 py-3">
            <Link href="/" className="text-lg font-semibold">
              Storefront
            </Link>
            <div className="ml-auto flex items-center gap-4 text-sm">
              <CartLink userId={user?.id ?? null} />
              {user ? (
                <>
                  <Link href="/orders" className="hover:underline">
                    Orders
                  </Link>
                  <Link href="/account" className="hover:underline">
                    Account
                  </Link>
                  <span className="text-slate-500" data-testid="signed-in-as">
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
                  <Link href="/signin" className="hover:underline">
                    Sign in
                  </Link>
                  <Link href="/register" className="hover:underline">
                    Register
                  </Link>
                </>
              )}
            </div>
          </nav>
        </header>
        <main className="mx-auto max-w-5xl px-4 py-6">{children}</main>
      </body>
    </html>
  );
}
