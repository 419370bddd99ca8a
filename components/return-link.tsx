"use client";

import Link from "next/link";
import { usePathname, useSearchParams } from "next/navigation";

/**
 * A link to sign-in or registration that brings the shopper back to the page
 * they were on. The layout cannot know the current URL on the server, so this
 * small client component adds it.
 */
export function ReturnLink({ href, children, className }: { href: "/signin" | "/register"; children: React.ReactNode; className?: string }) {
  const pathname = usePathname();
  const search = useSearchParams().toString();
  const here = pathname + (search ? `?${search}` : "");
  // Coming back to the sign-in or registration page itself would be a loop.
  const target = pathname === "/signin" || pathname === "/register" ? href : `${href}?callbackUrl=${encodeURIComponent(here)}`;
  return (
    <Link href={target} className={className}>
      {children}
    </Link>
  );
}
