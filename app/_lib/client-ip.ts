import { isIP } from "node:net";

/**
 * The client's address for sign-in throttling: the first hop of
 * X-Forwarded-For, else X-Real-IP. Trust these headers only behind a proxy you
 * control that sets them (overwriting what the client sent): a client talking
 * to `next start` directly can send any value, and Next.js keeps a value the
 * client sent. The per-email limit does not depend on this.
 *
 * IPv6 clients are counted per /64, the block one subscriber usually gets:
 * counting single addresses would let them rotate through 2^64 of them.
 */
export function clientIp(headers: Headers): string | null {
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return normalizeIp(forwarded || headers.get("x-real-ip")?.trim() || "");
}

export function normalizeIp(raw: string): string | null {
  let ip = raw;
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
