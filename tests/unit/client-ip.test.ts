import { describe, expect, it } from "vitest";
import { normalizeIp, resolveClientAddress } from "@/lib/infrastructure/observability/client-address";

describe("the client address for rate limits and sign-in throttling", () => {
  it("is the socket's peer when no proxy is trusted, whatever X-Forwarded-For says", () => {
    expect(resolveClientAddress("198.51.100.7", "203.0.113.1", 0)).toBe("198.51.100.7");
    expect(resolveClientAddress("198.51.100.7", ["203.0.113.1", "203.0.113.2"], 0)).toBe("198.51.100.7");
    expect(resolveClientAddress("::ffff:127.0.0.1", undefined, 0)).toBe("127.0.0.1");
  });

  it("is the right-most X-Forwarded-For entry behind one trusted proxy, so a forged left part changes nothing", () => {
    expect(resolveClientAddress("10.0.0.2", "203.0.113.7", 1)).toBe("203.0.113.7");
    expect(resolveClientAddress("10.0.0.2", "1.2.3.4, 5.6.7.8, 203.0.113.7", 1)).toBe("203.0.113.7");
    expect(resolveClientAddress("10.0.0.2", ["9.9.9.9", "203.0.113.7"], 1)).toBe("203.0.113.7");
  });

  it("counts N trusted proxies from the right, and takes the left-most entry of a shorter chain", () => {
    // Client → proxy A (appends client) → proxy B (appends A) → us (peer B).
    expect(resolveClientAddress("10.0.0.3", "6.6.6.6, 203.0.113.7, 10.0.0.1", 2)).toBe("203.0.113.7");
    expect(resolveClientAddress("10.0.0.3", "203.0.113.7", 2)).toBe("203.0.113.7");
    expect(resolveClientAddress("10.0.0.3", undefined, 2)).toBe("10.0.0.3");
  });

  it("falls back to the peer when the trusted entry is not an address", () => {
    expect(resolveClientAddress("10.0.0.2", "unknown", 1)).toBe("10.0.0.2");
    expect(normalizeIp("203.0.113.7; DROP TABLE")).toBeNull();
  });

  it("strips ports and IPv4-mapped prefixes", () => {
    expect(normalizeIp("203.0.113.7:51234")).toBe("203.0.113.7");
    expect(normalizeIp("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(normalizeIp("[2001:db8::1]:443")).toBe("2001:db8:0:0::/64");
  });

  it("counts an IPv6 client by its /64, however the address is written", () => {
    expect(normalizeIp("2001:0db8:0001:0002:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(normalizeIp("2001:db8:1:2:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
    expect(normalizeIp("::1")).toBe("0:0:0:0::/64");
    expect(resolveClientAddress("10.0.0.2", "2001:db8:1:2::99", 1)).toBe("2001:db8:1:2::/64");
  });
});
