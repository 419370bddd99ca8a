import { describe, expect, it } from "vitest";
import { clientIp, normalizeIp } from "@/app/_lib/client-ip";

describe("the client address for sign-in throttling", () => {
  it("takes the first hop of X-Forwarded-For, then X-Real-IP", () => {
    expect(clientIp(new Headers({ "x-forwarded-for": "203.0.113.7, 10.0.0.1", "x-real-ip": "198.51.100.1" }))).toBe("203.0.113.7");
    expect(clientIp(new Headers({ "x-real-ip": "198.51.100.1" }))).toBe("198.51.100.1");
    expect(clientIp(new Headers())).toBeNull();
  });

  it("ignores what is not an address", () => {
    expect(clientIp(new Headers({ "x-forwarded-for": "unknown" }))).toBeNull();
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
  });
});
