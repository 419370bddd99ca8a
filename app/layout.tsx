import type { Metadata } from "next";
import "./globals.css";
import { signOut } from "./_lib/auth";
import { VisitorProvider } from "@/components/cart/cart-count";
import { SiteHeader } from "@/components/layout/site-header";

export const metadata: Metadata = {
  title: { default: "Storefront", template: "%s · Storefront" },
  description: "A small, honest shop.",
};

/**
 * The same for every visitor, so pages below can be served from the page
 * cache: what depends on the visitor (who is signed in, the cart count, the
 * cart note) is fetched by SiteHeader after the page arrives.
 */
export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased">
        <VisitorProvider>
          <SiteHeader signOut={signOutAndGoHome} />
          <main className="mx-auto max-w-5xl px-4 py-6">{children}</main>
        </VisitorProvider>
      </body>
    </html>
  );
}

async function signOutAndGoHome(): Promise<void> {
  "use server";
  await signOut({ redirectTo: "/" });
}
