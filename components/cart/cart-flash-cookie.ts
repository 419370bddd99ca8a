/**
 * The one-shot cart note's cookie name. Its own module because client code
 * (which deletes the cookie) must not import app/_lib/guest-cart.ts (server-only).
 */
export const CART_FLASH_COOKIE = "cart_flash";
