import { cookies } from "next/headers";
import { z } from "zod";
import { shippingAddressSchema, type ShippingAddress } from "@/lib/domain/address";
import { getServices } from "@/lib/composition/root";

/**
 * Carries the address from step 1 to the review step. A cookie rather than the
 * URL: an address is personal data, and URLs end up in history, logs and
 * Referer headers. HttpOnly, scoped to /checkout, kept for a day. It is the
 * shopper's own input, so it is not signed; it is validated again on every
 * read like any other input, and ignored when it belongs to another account
 * (a shared browser).
 */
const COOKIE = "checkout_address";
const MAX_AGE_SECONDS = 24 * 60 * 60;

const payloadSchema = z.object({ userId: z.uuid(), address: z.unknown() }).strict();

function secure(): boolean {
  return new URL(getServices().env.APP_URL).protocol === "https:";
}

export async function rememberAddress(userId: string, address: ShippingAddress): Promise<void> {
  const value = Buffer.from(JSON.stringify({ userId, address }), "utf8").toString("base64url");
  (await cookies()).set(COOKIE, value, { httpOnly: true, sameSite: "lax", secure: secure(), path: "/checkout", maxAge: MAX_AGE_SECONDS });
}

export async function recallAddress(userId: string): Promise<ShippingAddress | null> {
  const raw = (await cookies()).get(COOKIE)?.value;
  if (!raw) return null;
  try {
    const payload = payloadSchema.safeParse(JSON.parse(Buffer.from(raw, "base64url").toString("utf8")));
    if (!payload.success || payload.data.userId !== userId) return null;
    const address = shippingAddressSchema.safeParse(payload.data.address);
    return address.success ? address.data : null;
  } catch {
    // Not base64 or not JSON: someone edited it. Ask for the address again.
    return null;
  }
}

/** After the order is placed: the address lives on in the order, not in the browser. */
export async function forgetAddress(): Promise<void> {
  (await cookies()).delete({ name: COOKIE, path: "/checkout" });
}
