/**
 * The web process's requests, seen where Node hands them to Next.js (ADR 013):
 * every request gets a server span (continuing the caller's traceparent), an
 * `x-trace-id` response header, one access log line and an observation in the
 * request-duration histogram, labelled by the Next.js route pattern.
 *
 * It wraps http.Server's "request" event, which is how `next start` receives
 * requests, so it needs no module-loading hooks and sees every answer: pages
 * served from the cache, route handlers, server actions, 404s.
 */
import { readFileSync } from "node:fs";
import { Server, type IncomingMessage, type ServerResponse } from "node:http";
import { join } from "node:path";
import type { Logger } from "../../application/shared";
import { randomBytes } from "node:crypto";
import { isSpanContextValid } from "@opentelemetry/api";
import { CLIENT_ADDRESS_HEADER, resolveClientAddress } from "./client-address";
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, tracer } from "./tracing";

/** What a request's handlers may add to its access log line. */
interface RequestRecord {
  userId?: string;
}

// The requests in flight, by the id the wrapper puts in their headers: a route
// finds its record from its request's headers, with or without a tracer (no
// AsyncLocalStorage of our own: each one adds work to every promise). On
// globalThis: Next.js bundles this module into instrumentation.ts (which
// installs the wrapper) and into the routes (which note the user) apart.
const RECORDS = Symbol.for("storefront.request-records");
const records = ((globalThis as Record<symbol, unknown>)[RECORDS] ??= new Map<string, RequestRecord>()) as Map<string, RequestRecord>;
/** Set on every request by the wrapper (overwriting what a client sent). */
export const REQUEST_ID_HEADER = "x-storefront-request-id";

/** Names the signed-in user (or API client) in this request's access log line and span. */
export function noteRequestUser(userId: string, headers: { get(name: string): string | null }): void {
  const id = headers.get(REQUEST_ID_HEADER);
  const record = id ? records.get(id) : undefined;
  if (record) record.userId = userId;
  trace.getActiveSpan()?.setAttribute("enduser.id", userId);
}

export interface RouteClassifier {
  (path: string): string;
}

interface ManifestRoute {
  page: string;
  regex: string;
}

interface ManifestRewrite {
  source: string;
  regex?: string;
}

/**
 * Maps a path to the route pattern Next.js serves it with (/products/[slug]),
 * from the build's routes manifest: a label with a bounded set of values.
 */
export function routeClassifier(manifest: {
  staticRoutes?: ManifestRoute[];
  dynamicRoutes?: ManifestRoute[];
  rewrites?: { beforeFiles?: ManifestRewrite[]; afterFiles?: ManifestRewrite[]; fallback?: ManifestRewrite[] } | ManifestRewrite[];
}): RouteClassifier {
  const exact = new Map<string, string>();
  for (const r of manifest.staticRoutes ?? []) exact.set(r.page, r.page);
  // Paths served through a rewrite (the catalog's / and /categories/:slug) are named by
  // their public pattern, /categories/[slug], not by the page that renders them.
  const rewrites = Array.isArray(manifest.rewrites)
    ? manifest.rewrites
    : [...(manifest.rewrites?.beforeFiles ?? []), ...(manifest.rewrites?.afterFiles ?? []), ...(manifest.rewrites?.fallback ?? [])];
  const rewritten = rewrites.filter((r) => r.regex).map((r) => ({ page: r.source.replace(/:(\w+)\*?/g, "[$1]"), regex: new RegExp(r.regex!) }));
  const dynamic = [...rewritten, ...(manifest.dynamicRoutes ?? []).map((r) => ({ page: r.page, regex: new RegExp(r.regex) }))];
  return (path) => {
    if (path.startsWith("/_next/static/")) return "/_next/static";
    if (path.startsWith("/_next/image")) return "/_next/image";
    const trimmed = path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
    const found = exact.get(trimmed);
    if (found) return found;
    for (const r of dynamic) if (r.regex.test(trimmed)) return r.page;
    if (path.startsWith("/_next/")) return "/_next";
    return "(unmatched)";
  };
}

/** The classifier of the build in `dir` (.next under the working directory), or one that knows no routes when there is no build. */
export function loadRouteClassifier(dir = join(process.cwd(), ".next")): RouteClassifier {
  try {
    return routeClassifier(JSON.parse(readFileSync(join(dir, "routes-manifest.json"), "utf8")));
  } catch {
    return routeClassifier({});
  }
}

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

export interface FinishedRequest {
  method: string;
  route: string;
  status: number;
  seconds: number;
}

export interface HttpRequestsOptions {
  log: Logger;
  classify: RouteClassifier;
  /**
   * Requests declaring a larger body than these are answered 413 here, unread,
   * before Next.js sees them: `action` for server actions (a Next-Action header;
   * Next.js itself counts an action's body but answers 500 at its limit),
   * `any` for every other request (the largest body any route accepts).
   */
  bodyLimits?: { action: number; any: number };
  /** Proxies in front that append to X-Forwarded-For (TRUSTED_PROXY_HOPS): who the client is (client-address.ts). */
  trustedProxyHops?: number;
  /** Called when a body is refused for its declared size, e.g. to count it. */
  onBodyRefused?: () => void;
  /** Called once per answered (or abandoned) request, e.g. to observe a histogram. */
  onFinished?: (request: FinishedRequest) => void;
}

const patched = Symbol.for("storefront.http-requests");

/** Installs the wrapper once per process (later calls do nothing). */
export function observeHttpRequests(options: HttpRequestsOptions): void {
  const proto = Server.prototype as Server & { [patched]?: true };
  if (proto[patched]) return;
  proto[patched] = true;
  const emit = proto.emit as (this: Server, event: string | symbol, ...args: unknown[]) => boolean;
  proto.emit = function (this: Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event !== "request") return emit.apply(this, [event, ...args]);
    const [req, res] = args as [IncomingMessage, ServerResponse];
    return handle(options, req, res, () => emit.apply(this, [event, ...args]));
  } as typeof proto.emit;
}

function handle(options: HttpRequestsOptions, req: IncomingMessage, res: ServerResponse, next: () => boolean): boolean {
  const started = performance.now();
  // Read now: by "close" a destroyed request's socket is gone (req.socket is null), and reading it then threw out of the process.
  const peer = req.socket?.remoteAddress;
  const method = METHODS.has(req.method ?? "") ? req.method! : "OTHER";
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  // The query is never logged: reset links and searches are nobody's business.
  const path = q === -1 ? url : url.slice(0, q);
  const parent = propagation.extract(ROOT_CONTEXT, req.headers);
  const span = tracer().startSpan(
    method,
    { kind: SpanKind.SERVER, attributes: { "http.request.method": method, "url.path": path, "client.address": peer ?? "" } },
    parent,
  );
  const record: RequestRecord = {};
  const requestId = randomBytes(8).toString("hex");
  records.set(requestId, record);
  req.headers[REQUEST_ID_HEADER] = requestId;
  const spanContext = trace.setSpan(parent, span);
  // Without a tracer provider (nothing configured) the span is a no-op without
  // ids: the request still gets one, its caller's when it sent a traceparent.
  const traceId = isSpanContextValid(span.spanContext()) ? span.spanContext().traceId : requestTraceId(req.headers.traceparent);
  res.setHeader("x-trace-id", traceId);
  // For the route's own error messages (errorReference), which cannot read response headers.
  req.headers["x-trace-id"] = traceId;
  // Read now: Next.js adds its own x-forwarded-* headers to the request as it handles it.
  const forwardedFor = headerValue(req.headers["x-forwarded-for"]);
  // The routes learn the client's address only from here (they never see the socket): whatever
  // a client sent under this name is replaced, so it cannot pick its own rate-limit bucket.
  const client = resolveClientAddress(peer, req.headers["x-forwarded-for"], options.trustedProxyHops ?? 0);
  delete req.headers[CLIENT_ADDRESS_HEADER];
  if (client) req.headers[CLIENT_ADDRESS_HEADER] = client;
  // A raw header pair list is also kept by Node: drop the client's copy there too, for code that reads rawHeaders.
  for (let i = req.rawHeaders.length - 2; i >= 0; i -= 2) {
    if (req.rawHeaders[i]!.toLowerCase() === CLIENT_ADDRESS_HEADER) req.rawHeaders.splice(i, 2);
  }
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    records.delete(requestId);
    const seconds = (performance.now() - started) / 1000;
    const route = options.classify(path);
    // Closed before an answer was sent: the client gave up (nginx's 499).
    const status = res.writableFinished || res.headersSent ? res.statusCode : 499;
    span.setAttributes({ "http.route": route, "http.response.status_code": status });
    span.updateName(`${method} ${route}`);
    if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
    options.onFinished?.({ method, route, status, seconds });
    context.with(spanContext, () =>
      options.log.info("request", {
        method,
        route,
        path,
        status,
        duration_ms: Math.round(seconds * 10_000) / 10,
        client: client ?? undefined,
        peer,
        forwarded_for: forwardedFor,
        user_id: record.userId,
        trace_id: traceId,
      }),
    );
  };
  // "close" follows "finish" on every response and also ends one the client
  // abandoned: one listener. Next.js adds ten of its own, so make room for ours
  // rather than trip the leak warning.
  res.setMaxListeners(res.getMaxListeners() + 1);
  res.once("close", finish);
  const limit = options.bodyLimits && (req.headers["next-action"] !== undefined ? options.bodyLimits.action : options.bodyLimits.any);
  const declared = Number(req.headers["content-length"] ?? 0);
  if (limit !== undefined && declared > limit) {
    context.with(spanContext, () => options.log.warn("request body over the limit refused", { method, path, limit, declared }));
    options.onBodyRefused?.();
    const detail = `The request body is larger than ${limit} bytes.`;
    // Not Connection: close: closing a socket with unread bytes in it resets the connection, and the client may
    // lose this answer. Node discards the rest of the body as it arrives (nothing is held); requestTimeout ends a stalling one.
    res.writeHead(413, { "content-type": "application/problem+json", "cache-control": "no-store" });
    res.end(JSON.stringify({ type: "about:blank", title: "payload too large", status: 413, code: "payload_too_large", detail }));
    return true;
  }
  return context.with(spanContext, next);
}

const TRACEPARENT = /^00-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** The caller's trace id from a W3C traceparent, else a new random one. */
function requestTraceId(traceparent: string | string[] | undefined): string {
  const found = typeof traceparent === "string" ? TRACEPARENT.exec(traceparent.trim()) : null;
  return found && !/^0+$/.test(found[1]!) ? found[1]! : randomBytes(16).toString("hex");
}

function headerValue(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value.join(", ") : value;
  return text ? text.slice(0, 200) : undefined;
}
