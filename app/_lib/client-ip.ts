import { CLIENT_ADDRESS_HEADER } from "@/lib/composition/request-context";

/**
 * The client's address for rate limits and sign-in throttling, as the request
 * wrapper decided it from the socket and TRUSTED_PROXY_HOPS
 * (lib/infrastructure/observability/client-address.ts): already normalised
 * (IPv6 per /64). X-Forwarded-For and X-Real-IP are never read here: a client
 * can send any value, and each forged value would be a fresh bucket.
 *
 * Null when the wrapper did not run (a handler called in-process); callers
 * then count under one shared key.
 */
export function clientIp(headers: Headers): string | null {
  return headers.get(CLIENT_ADDRESS_HEADER);
}
