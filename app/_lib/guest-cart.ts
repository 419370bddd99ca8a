import { cookies } from "next/headers";
import { guestCartOwner, newGuestCartToken } from "@/lib/application/cart/guest-token";
import { userCartOwner, type CartOwner } from "@/lib/domain/cart";
import type { User } from "@/lib/domain/user";
import { CART_FLASH_COOKIE } from "@/components/cart/cart-flash-cookie";

/**
 * The guest cart's cookie holds a random token (only its hash is stored).
 * HttpOnly: page scripts never need it, so an injected script cannot steal the
 * cart. SameSite=Lax: a cross-site form cannot add to it. Secure in production.
 */
const GUEST_CART_COOKIE = "guest_cart";
const GUEST_CART_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

/**
 * A one-shot note for the next page ("2 items from your guest cart were
 * added"). Not HttpOnly: the page that shows it deletes it (components/cart/cart-flash.tsx),
 * as a server component cannot. It only ever holds text we wrote, rendered escaped.
 */
const CART_FLASH_MAX_AGE_SECONDS = 60;
const MAX_FLASH_LENGTH = 500;

const secure = () => process.env.NODE_ENV === "production";

/** Whose cart this request shows: the user's when signed in, else the guest's (null: a guest with no cart yet). */
export async function currentCartOwner(user: User | null): Promise<CartOwner | null> {
  if (user) return userCartOwner(user.id);
  return guestCartOwner((await cookies()).get(GUEST_CART_COOKIE)?.value);
}

/**
 * The cart to change: a guest without a cart gets a token now. Only in server
 * actions and route handlers (where cookies can be set).
 */
export async function cartOwnerForUpdate(user: User | null): Promise<CartOwner> {
  const existing = await currentCartOwner(user);
  if (existing) return existing;
  const token = newGuestCartToken();
  (await cookies()).set(GUEST_CART_COOKIE, token, {
    httpOnly: true,
    sameSite: "lax",
    secure: secure(),
    path: "/",
    maxAge: GUEST_CART_MAX_AGE_SECONDS,
  });
  return guestCartOwner(token)!;
}

/** The guest cart this browser holds, if any, with a way to let go of it once it was merged. */
export async function guestCartToMerge(): Promise<{ tokenHash: string; forget: () => Promise<void> } | null> {
  const jar = await cookies();
  const owner = guestCartOwner(jar.get(GUEST_CART_COOKIE)?.value);
  if (owner?.kind !== "guest") return null;
  return { tokenHash: owner.tokenHash, forget: async () => void jar.delete(GUEST_CART_COOKIE) };
}

export async function setCartFlash(message: string): Promise<void> {
  // Next encodes the value (and decodes it on the way back in).
  (await cookies()).set(CART_FLASH_COOKIE, message.slice(0, MAX_FLASH_LENGTH), {
    httpOnly: false,
    sameSite: "lax",
    secure: secure(),
    path: "/",
    maxAge: CART_FLASH_MAX_AGE_SECONDS,
  });
}

export async function readCartFlash(): Promise<string | null> {
  return (await cookies()).get(CART_FLASH_COOKIE)?.value.slice(0, MAX_FLASH_LENGTH) || null;
}
