"use client";

import Link from "next/link";
import { usePathname, useSearchParams } from "next/navigation";
import { Suspense } from "react";

type Props = { href: "/signin" | "/register"; children: React.ReactNode; className?: string };

/**
 * A link to sign-in or registration that brings the shopper back to the page
 * they were on. The layout cannot know the current URL on the server, so this
 * small client component adds it; until it can (useSearchParams suspends during
 * prerendering), the plain link stands in.
 */
export function ReturnLink(props: Props) {
  return (
    <Suspense
      fallback={
        <Link href={props.href} className={props.className}>
          {props.children}
        </Link>
      }
    >
      <LinkBack {...props} />
    </Suspense>
  );
}

function LinkBack({ href, children, className }: Props) {
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
