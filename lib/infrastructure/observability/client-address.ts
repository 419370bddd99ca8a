import { isIP } from "node:net";

/**
 * Who sent a request, decided once where Node hands it over (the request
 * wrapper) and passed to the routes in CLIENT_ADDRESS_HEADER: rate limits and
 * sign-in throttling count per this address, the access log names it.
 *
 * X-Forwarded-For is a list each proxy appends its peer to, so only its
 * right-most entries were written by proxies we run; anything to their left
 * came from the client and may be forged. With `trustedHops` proxies in front,
 * the client is the trustedHops-th entry from the right (the right-most one no
 * trusted proxy vouches for beyond); with none, the socket's peer, and the
 * header is ignored (a client talking to `next start` directly can send any value).
 */
export const CLIENT_ADDRESS_HEADER = "x-storefront-client-address";

export function resolveClientAddress(remoteAddress: string | undefined, forwardedFor: string | string[] | undefined, trustedHops: number): string | null {
  const peer = normalizeIp(remoteAddress ?? "");
  if (trustedHops === 0) return peer;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : (forwardedFor ?? ""))
    .split(",")
    .map((h) => h.trim())
    .filter((h) => h !== "");
  // The socket's peer is the nearest proxy; chain = [...XFF, peer]; the client sits trustedHops places left of the peer.
  // A shorter chain than configured (a request that bypassed a proxy) yields its left-most entry, as Express's "trust proxy" does.
  if (hops.length === 0) return peer;
  const candidate = hops[Math.max(0, hops.length - trustedHops)]!;
  return normalizeIp(candidate) ?? peer;
}

/**
 * The address as a rate-limit key: IPv4 as is (ports, brackets and IPv4-mapped
 * IPv6 undone), IPv6 per /64, the block one subscriber usually gets: counting
 * single addresses would let them rotate through 2^64 of them. Null when not an address.
 */
export function normalizeIp(raw: string): string | null {
  let ip = raw.trim();
  // Some proxies append a port: "203.0.113.7:51234", "[2001:db8::1]:443".
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(ip);
  if (v4WithPort) ip = v4WithPort[1]!;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(ip);
  if (bracketed) ip = bracketed[1]!;
  ip = ip.replace(/%.*$/, ""); // zone id
  const version = isIP(ip);
  if (version === 4) return ip;
  if (version !== 6) return null;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1]!;
  return `${ipv6Groups(ip).slice(0, 4).join(":")}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address, lower-case, without leading zeros. */
function ipv6Groups(ip: string): string[] {
  const count = (part: string) => (part === "" ? [] : part.split(":")).flatMap((g) => (g.includes(".") ? ["0", "0"] : [g]));
  const [head = "", tail] = ip.split("::");
  const left = count(head);
  const right = tail === undefined ? [] : count(tail);
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
  return groups.map((g) => parseInt(g, 16).toString(16));
}
