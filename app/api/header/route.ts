import { getCurrentUser } from "@/app/_lib/auth";
import { currentCartOwner, readCartFlash } from "@/app/_lib/guest-cart";
import { getServices } from "@/lib/composition/root";
import type { HeaderSession } from "@/components/cart/cart-count";

/**
 * What the header shows about this visitor: the pages are cached and the same
 * for everyone, so the browser asks for this after the page arrives
 * (components/cart/cart-count.tsx). Never cached anywhere: it is this visitor's.
 */
export async function GET(): Promise<Response> {
  const user = await getCurrentUser();
  const [cartCount, cartFlash] = await Promise.all([getServices().cart.itemCount(await currentCartOwner(user)), readCartFlash()]);
  const body: HeaderSession = { user: user ? { email: user.email, role: user.role } : null, cartCount, cartFlash };
  return Response.json(body, { headers: { "cache-control": "private, no-store" } });
}
