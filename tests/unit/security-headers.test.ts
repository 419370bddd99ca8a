import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error -- next.config.js is plain JavaScript without declarations
import nextConfig from "@/next.config.js";
import { inlineScriptHashes, NOT_A_PAGE_POLICY } from "@/lib/infrastructure/security/content-security-policy.cjs";
import { applyContentSecurityPolicy } from "@/lib/infrastructure/security/security-headers";

const require = createRequire(import.meta.url);

type HeaderRule = { source: string; has?: { type: string; key: string; value?: string }[]; headers: { key: string; value: string }[] };

/** The directives of a policy, by name. */
function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name!.toLowerCase(), values]),
  );
}

const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;

describe("headers on every response (next.config.js)", () => {
  let rules: HeaderRule[];
  beforeAll(async () => {
    rules = await nextConfig.headers();
  });

  it("send nosniff, a referrer policy, a permissions policy and no framing on every path, pages, /api and static files alike", () => {
    const everywhere = rules.filter((r) => r.source === "/:path*" && !r.has);
    const headers = Object.fromEntries(everywhere.flatMap((r) => r.headers).map((h) => [h.key.toLowerCase(), h.value]));
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    expect(headers["permissions-policy"]).toMatch(/camera=\(\).*microphone=\(\).*geolocation=\(\)/);
    expect(headers["x-frame-options"]).toBe("DENY");
    expect(headers["strict-transport-security"]).toBeUndefined();
  });

  it("send HSTS for a year, subdomains included, only when the proxy in front says the request came over https", () => {
    const hsts = rules.filter((r) => r.headers.some((h) => h.key.toLowerCase() === "strict-transport-security"));
    expect(hsts).toHaveLength(1);
    expect(hsts[0]!.source).toBe("/:path*");
    expect(hsts[0]!.has).toEqual([{ type: "header", key: "x-forwarded-proto", value: "https" }]);
    expect(hsts[0]!.headers[0]!.value).toBe("max-age=31536000; includeSubDomains");
  });
});

describe("the Content-Security-Policy of a response (request wrapper)", () => {
  let server: Server;
  let base: string;
  let seenNonceHeader: string | undefined;
  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      applyContentSecurityPolicy(req, res);
      seenNonceHeader = req.headers["content-security-policy"] as string | undefined;
      if (req.url === "/page") {
        res.setHeader("content-type", "text/html; charset=utf-8");
        res.end("<!doctype html><p>hi</p>");
      } else if (req.url === "/page-head") {
        res.writeHead(200, { "Content-Type": "text/html" });
        res.end("<p>hi</p>");
      } else if (req.url === "/own") {
        res.setHeader("content-type", "image/png");
        res.setHeader("content-security-policy", "default-src 'none'; sandbox");
        res.end("png");
      } else {
        res.setHeader("content-type", "application/json");
        res.end("{}");
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("allows a page's inline scripts only by this request's nonce, the same one Next.js reads from the request", async () => {
    const first = await fetch(`${base}/page`);
    const policy = directives(first.headers.get("content-security-policy")!);
    const nonce = /'nonce-([^']+)'/.exec(seenNonceHeader ?? "")?.[1];
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(policy.get("script-src")).toEqual(["'self'", `'nonce-${nonce}'`]);
    expect(policy.get("object-src")).toEqual(["'none'"]);
    expect(policy.get("base-uri")).toEqual(["'none'"]);
    expect(policy.get("form-action")).toEqual(["'self'"]);
    expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
    expect(policy.get("style-src")).toEqual(["'self'"]);
    expect(policy.get("report-uri")).toEqual(["/api/csp-reports"]);
    const second = await fetch(`${base}/page`);
    expect(second.headers.get("content-security-policy")).not.toContain(nonce);
  });

  it("ignores a nonce the client sent, so a client cannot choose the one its page is stamped with", async () => {
    const res = await fetch(`${base}/page`, { headers: { "content-security-policy": "script-src 'nonce-chosen'", "content-security-policy-report-only": "script-src 'nonce-chosen'" } });
    expect(seenNonceHeader).not.toContain("chosen");
    expect(res.headers.get("content-security-policy")).not.toContain("chosen");
  });

  it("finds the page's content type also when it is given to writeHead", async () => {
    const res = await fetch(`${base}/page-head`);
    expect(res.headers.get("content-security-policy")).toContain("'nonce-");
  });

  it("lets nothing load, run or frame anything that is not a page", async () => {
    const res = await fetch(`${base}/api`);
    expect(res.headers.get("content-security-policy")).toBe(NOT_A_PAGE_POLICY);
    expect(directives(NOT_A_PAGE_POLICY).get("default-src")).toEqual(["'none'"]);
    expect(directives(NOT_A_PAGE_POLICY).get("frame-ancestors")).toEqual(["'none'"]);
  });

  it("keeps the policy a response brings (a cached page's hashes, /media's sandbox)", async () => {
    const res = await fetch(`${base}/own`);
    expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; sandbox");
  });
});

describe("the policy of a cached page (page cache handler)", () => {
  const html = [
    `<!DOCTYPE html><html><head><script src="/_next/static/chunks/main.js" async=""></script></head><body>`,
    `<script type="application/ld+json">{"@type":"Product"}</script>`,
    `<script>(self.__next_f=self.__next_f||[]).push([0])</script>`,
    `<script nonce="stale">self.__next_f.push([1,"1:I[\\"x\\"]\\n"])</script>`,
    `<script>(self.__next_f=self.__next_f||[]).push([0])</script>`,
    `<script type="module">import("/a.js")</script>`,
    `</body></html>`,
  ].join("");

  it("names each inline script the browser runs by its SHA-256, once, and skips files and data blocks", () => {
    expect(inlineScriptHashes(html)).toEqual([
      sha256("(self.__next_f=self.__next_f||[]).push([0])"),
      sha256(`self.__next_f.push([1,"1:I[\\"x\\"]\\n"])`),
      sha256(`import("/a.js")`),
    ]);
  });

  it("hashes a script's text as the HTML parser hands it over, with CR LF as LF", () => {
    expect(inlineScriptHashes("<script>a()\r\nb()\rc()</script>")).toEqual([sha256("a()\nb()\nc()")]);
  });

  it("is stored with the page, so the first visitor and every later one get the hashes of the HTML they receive", () => {
    const Handler = require("../../lib/infrastructure/cache/page-cache-handler.cjs") as { withPagePolicy(value: unknown): void };
    const value = { kind: "APP_PAGE", html, headers: { "x-next-cache-tags": "t" } as Record<string, string> };
    Handler.withPagePolicy(value);
    const policy = directives(value.headers["content-security-policy"]!);
    expect(policy.get("script-src")).toEqual(["'self'", ...inlineScriptHashes(html)]);
    expect(policy.get("script-src")).not.toContain("'unsafe-inline'");
    expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
    expect(value.headers["x-next-cache-tags"]).toBe("t");
    const route = { kind: "APP_ROUTE", body: "{}", headers: {} as Record<string, string> };
    Handler.withPagePolicy(route);
    expect(route.headers["content-security-policy"]).toBeUndefined();
  });
});
