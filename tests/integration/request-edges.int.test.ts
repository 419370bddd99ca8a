/**
 * The web's edge over real HTTP: a Node server with the request wrapper
 * (lib/infrastructure/observability/http-requests.ts) in front of the real
 * /api/v1 and next-auth route handlers, fed a streamed Request the way
 * `next start` feeds them. The same behaviour against `next start` itself is
 * in tests/e2e/request-edges-api.spec.ts.
 */
import { once } from "node:events";
import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { observeHttpRequests, routeClassifier, type HttpRequestsOptions } from "@/lib/infrastructure/observability/http-requests";
import { testLogger } from "../support/logger";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { useApiDatabase } from "../support/api";

const AUTH_PER_IP = 3;
const LIMIT = 64 * 1024;

let db: TestDatabase;
let stop: () => Promise<void>;
let server: Server;
let port: number;
// Read by the wrapper on every request, so a test can change how many proxies are trusted.
const wrapper: HttpRequestsOptions = { log: testLogger(() => {}), classify: routeClassifier({}), trustedProxyHops: 0 };

type Handler = (request: Request, context: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;
const routes = new Map<string, Handler>();

beforeAll(async () => {
  db = await createTestDatabase();
  stop = await useApiDatabase(db.url, { API_AUTH_RATE_LIMIT_PER_MINUTE: String(AUTH_PER_IP), JSON_BODY_LIMIT_BYTES: String(LIMIT) });
  routes.set("/api/v1/auth/token", (await import("@/app/api/v1/auth/token/route")).POST);
  observeHttpRequests(wrapper);
  server = createServer((req, res) => {
    void (async () => {
      const handler = routes.get(req.url ?? "");
      if (!handler) return res.writeHead(404).end();
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
      // As Next.js hands a route its body: a stream over the socket, read only if the route reads it.
      const request = new Request(`http://127.0.0.1:${port}${req.url}`, { method: req.method, headers, body: Readable.toWeb(req) as ReadableStream, duplex: "half" } as RequestInit);
      const response = await handler(request, { params: Promise.resolve({}) });
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    })().catch((error: unknown) => res.destroy(error as Error));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await stop?.();
  await db?.drop();
});

/**
 * POSTs `total` bytes of JSON-looking filler in 64 KB writes, waiting for the
 * socket to drain like a real client, and stops writing once an answer
 * arrives: the bytes sent by then show whether the server waited for all of it.
 */
async function sendLarge(path: string, total: number, opts: { chunked: boolean; headers?: Record<string, string> }) {
  const headers: Record<string, string> = { "content-type": "application/json", ...(opts.headers ?? {}) };
  if (!opts.chunked) headers["content-length"] = String(total);
  const req = httpRequest({ host: "127.0.0.1", port, path, method: "POST", headers });
  req.on("error", () => {}); // the server may close the socket on an unread body: the answer is what counts
  let answered: IncomingMessage | undefined;
  const answer = new Promise<IncomingMessage>((resolve) => req.once("response", (res) => resolve((answered = res))));
  const chunk = Buffer.alloc(64 * 1024, "a");
  let sent = 0;
  while (sent < total && !answered) {
    const more = req.write(chunk);
    sent += chunk.length;
    // events.once would reject on the EPIPE of a server that closed the connection after answering: wait on any of the three.
    if (!more) await Promise.race([new Promise((resolve) => (req.once("drain", resolve), req.once("error", resolve), req.once("close", resolve))), answer]);
    if (req.destroyed) break;
  }
  const sentAtAnswer = answered ? sent : total;
  if (!answered) req.end();
  const res = await answer;
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  req.destroy();
  return { status: res.statusCode!, contentType: res.headers["content-type"], body: JSON.parse(Buffer.concat(chunks).toString() || "null"), sentAtAnswer };
}

async function postJson(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as { code?: string } };
}

const HUGE = 256 * 1024 * 1024;

describe("request bodies over the limit", () => {
  it("refuses a public /api/v1/auth body with a Content-Length over the limit with a 413 problem before the client has sent it", async () => {
    const res = await sendLarge("/api/v1/auth/token", HUGE, { chunked: false });
    expect(res.status).toBe(413);
    expect(res.contentType).toContain("application/problem+json");
    expect(res.body).toMatchObject({ status: 413, code: "payload_too_large" });
    expect(res.sentAtAnswer).toBeLessThan(HUGE / 4);
  });

  it("refuses a chunked /api/v1/auth body as soon as the bytes read pass the limit, before the client has sent it", async () => {
    const res = await sendLarge("/api/v1/auth/token", HUGE, { chunked: true });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ status: 413, code: "payload_too_large" });
    expect(res.sentAtAnswer).toBeLessThan(HUGE / 4);
  });

  it("still reads a body within the limit", async () => {
    const res = await postJson("/api/v1/auth/token", { email: "nobody@example.com", password: "x".repeat(LIMIT / 2) }, { "x-forwarded-for": "198.18.0.1" });
    expect(res.status).not.toBe(413);
  });
});

describe("the client address rate limits count by", () => {
  // A new email each time: sign-in also throttles per email, and only the per-address limit is under test.
  let n = 0;
  const wrongPassword = () => ({ email: `nobody-${++n}-${Date.now()}@example.com`, password: "not-the-password" });

  it("refuses one client after the limit however it rotates forged X-Forwarded-For values (no proxy trusted)", async () => {
    wrapper.trustedProxyHops = 0;
    const statuses: number[] = [];
    // Another test of this file spent part of this address's budget: go until refused, at most a few past the limit.
    for (let i = 0; i < AUTH_PER_IP + 3; i++) statuses.push((await postJson("/api/v1/auth/token", wrongPassword(), { "x-forwarded-for": `203.0.113.${i + 1}`, "x-real-ip": `198.51.100.${i + 1}` })).status);
    expect(statuses.slice(-3)).toEqual([429, 429, 429]);
  });

  it("takes the right-most X-Forwarded-For value with one trusted proxy: a forged left part is the same client, another right-most a fresh one", async () => {
    wrapper.trustedProxyHops = 1;
    try {
      const statuses: number[] = [];
      for (let i = 0; i < AUTH_PER_IP + 1; i++) statuses.push((await postJson("/api/v1/auth/token", wrongPassword(), { "x-forwarded-for": `192.0.2.${i + 1}, 203.0.113.200` })).status);
      expect(statuses).toEqual([...Array<number>(AUTH_PER_IP).fill(401), 429]);
      expect((await postJson("/api/v1/auth/token", wrongPassword(), { "x-forwarded-for": "203.0.113.200, 203.0.113.201" })).status).toBe(401);
    } finally {
      wrapper.trustedProxyHops = 0;
    }
  });
});
