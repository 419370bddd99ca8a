import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testLogger } from "@/tests/support/logger";
import { noteRequestUser, observeHttpRequests, routeClassifier, type FinishedRequest } from "./http-requests";
import { startTracing } from "./tracing";

describe("routeClassifier", () => {
  const classify = routeClassifier({
    staticRoutes: [{ page: "/cart", regex: "^/cart(?:/)?$" }],
    dynamicRoutes: [{ page: "/products/[slug]", regex: "^/products/([^/]+?)(?:/)?$" }],
    rewrites: { beforeFiles: [{ source: "/", regex: "^/(?:/)?$" }, { source: "/categories/:slug", regex: "^/categories(?:/([^/]+?))(?:/)?$" }] },
  });

  it("names a path by the route pattern that serves it, rewritten paths by their public pattern", () => {
    expect(classify("/cart")).toBe("/cart");
    expect(classify("/cart/")).toBe("/cart");
    expect(classify("/products/oak-mug")).toBe("/products/[slug]");
    expect(classify("/")).toBe("/");
    expect(classify("/categories/kitchen")).toBe("/categories/[slug]");
  });

  it("keeps the label set bounded whatever paths clients send", () => {
    expect(classify("/_next/static/chunks/abc.js")).toBe("/_next/static");
    expect(classify("/wp-login.php")).toBe("(unmatched)");
    expect(classify("/products/a/b/c")).toBe("(unmatched)");
  });
});

describe("observeHttpRequests", () => {
  const lines: { message: string; fields: Record<string, unknown> }[] = [];
  const finished: FinishedRequest[] = [];
  const seenTraceIds: (string | string[] | undefined)[] = [];
  const seenClients: (string | string[] | undefined)[] = [];
  let server: Server;
  let base: string;

  beforeAll(async () => {
    // Nothing configured: no tracer provider; the wrapper still gives each request a trace id.
    expect((await startTracing("test-web", {})).exporting).toBe(false);
    const log = testLogger();
    observeHttpRequests({
      log: { ...log, info: (message: string, fields?: Record<string, unknown>) => void lines.push({ message, fields: fields ?? {} }) },
      classify: routeClassifier({ dynamicRoutes: [{ page: "/items/[id]", regex: "^/items/([^/]+?)(?:/)?$" }] }),
      onFinished: (r) => void finished.push(r),
      bodyLimits: { action: 1024, any: 4096 },
    });
    server = createServer((req, res) => {
      // Handlers see the request's trace id in its headers and may name the user.
      seenTraceIds.push(req.headers["x-trace-id"]);
      seenClients.push(req.headers["x-storefront-client-address"]);
      if (req.url?.startsWith("/items/")) noteRequestUser("user-42", { get: (name) => (req.headers[name] as string | undefined) ?? null });
      res.statusCode = req.url?.includes("boom") ? 500 : 200;
      res.end("ok");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("answers with the request's trace id, continues the caller's trace, and logs one line per request without the query", async () => {
    const parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    const res = await fetch(`${base}/items/7?token=secret-reset-token`, {
      // A client cannot choose the request's record or trace id header: the wrapper sets both.
      headers: { traceparent: parent, "x-forwarded-for": "203.0.113.9", "x-storefront-request-id": "forged", "x-trace-id": "f".repeat(32) },
    });
    expect(res.headers.get("x-trace-id")).toBe("0af7651916cd43dd8448eb211c80319c");
    expect(seenTraceIds.at(-1)).toBe("0af7651916cd43dd8448eb211c80319c");
    await expect.poll(() => lines.length).toBe(1);
    expect(lines[0]!.message).toBe("request");
    expect(lines[0]!.fields).toMatchObject({
      method: "GET",
      route: "/items/[id]",
      path: "/items/7",
      status: 200,
      user_id: "user-42",
      forwarded_for: "203.0.113.9",
      trace_id: "0af7651916cd43dd8448eb211c80319c",
    });
    expect(JSON.stringify(lines[0])).not.toContain("secret-reset-token");
    expect(finished.at(-1)).toMatchObject({ method: "GET", route: "/items/[id]", status: 200 });
  });

  it("tells the route the socket's peer as the client, whatever address headers the client forged", async () => {
    // No proxy is trusted here (trustedProxyHops unset): X-Forwarded-For and a forged internal header are both ignored.
    for (const forged of ["203.0.113.1", "203.0.113.2", "198.51.100.3"]) {
      await fetch(`${base}/items/9`, { headers: { "x-forwarded-for": forged, "x-real-ip": forged, "x-storefront-client-address": forged } });
    }
    expect(seenClients.slice(-3)).toEqual(["127.0.0.1", "127.0.0.1", "127.0.0.1"]);
    await expect.poll(() => lines.length).toBe(4);
    expect(lines.at(-1)!.fields).toMatchObject({ client: "127.0.0.1", forwarded_for: "198.51.100.3" });
    lines.splice(1);
    finished.splice(1);
  });

  it("answers 413 to a body declared over its limit without handing the request on, a server action's limit being its own", async () => {
    const handled = seenTraceIds.length;
    const post = (headers: Record<string, string>, size: number) => fetch(`${base}/items/1`, { method: "POST", headers, body: "a".repeat(size) });
    const tooBig = await post({}, 5000);
    expect(tooBig.status).toBe(413);
    expect(await tooBig.json()).toMatchObject({ status: 413, code: "payload_too_large" });
    expect((await post({ "next-action": "7f00" }, 2000)).status).toBe(413);
    expect(seenTraceIds.length).toBe(handled);
    expect((await post({}, 2000)).status).toBe(200);
    expect(seenTraceIds.length).toBe(handled + 1);
    await expect.poll(() => lines.length).toBe(4);
    lines.splice(1);
    finished.splice(1);
  });

  it("gives a request without a traceparent a fresh trace id, and labels failures by status", async () => {
    const a = await fetch(`${base}/boom`);
    const b = await fetch(`${base}/boom`);
    expect(a.headers.get("x-trace-id")).toMatch(/^[0-9a-f]{32}$/);
    expect(a.headers.get("x-trace-id")).not.toBe(b.headers.get("x-trace-id"));
    await expect.poll(() => finished.length).toBe(3);
    expect(finished.slice(1)).toEqual([
      expect.objectContaining({ method: "GET", route: "(unmatched)", status: 500 }),
      expect.objectContaining({ method: "GET", route: "(unmatched)", status: 500 }),
    ]);
    expect(lines[1]!.fields.user_id).toBeUndefined();
  });
});
