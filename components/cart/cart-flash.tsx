"use client";

import { useEffect, useState } from "react";
import { CART_FLASH_COOKIE } from "@/components/cart/cart-flash-cookie";

/**
 * The note left by a guest-cart merge, shown once. The live region is always
 * rendered, so the note is announced when sign-in's navigation fills it in.
 */
export function CartFlash({ message }: { message: string | null }) {
  const [dismissed, setDismissed] = useState<string | null>(null);
  useEffect(() => {
    // Read once: the next page must not show it again.
    if (message) document.cookie = `${CART_FLASH_COOKIE}=; Max-Age=0; Path=/; SameSite=Lax`;
  }, [message]);
  const visible = message !== null && message !== dismissed;
  return (
    <div aria-live="polite" aria-atomic="true" className="mx-auto max-w-5xl px-4">
      {visible ? (
        <p data-testid="cart-flash" className="mt-4 flex items-start justify-between gap-4 rounded border border-indigo-200 bg-indigo-50 px-4 py-2 text-sm text-indigo-900">
          <span>{message}</span>
          <button type="button" onClick={() => setDismissed(message)} className="underline" aria-label="Dismiss cart message">
            Dismiss
          </button>
        </p>
      ) : null}
    </div>
  );
}
