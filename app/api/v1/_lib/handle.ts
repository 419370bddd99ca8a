/**
 * The one wrapper for /api/v1 route handlers. In order: rate limit (per client
 * address; /auth/* stricter), authenticate (bearer token, or the shop's
 * session cookie with an Origin check on writes), authorise, rate limit per
 * user, validate params, query and the body (JSON, or multipart/form-data for
 * an upload) with the endpoint's zod schemas,
 * apply Idempotency-Key semantics, call the handler, and map every error to an
 * RFC 9457 problem. Bad input never reaches a use case and never yields a 500.
 */
import { z } from "zod";
import { webLogger } from "@/lib/composition/logger";
import { errorReference, noteRequestUser } from "@/lib/composition/request-context";
import { isAppError, type AppError, type ErrorCode } from "@/lib/domain/errors";
import type { User } from "@/lib/domain/user";
import { fieldIssues } from "@/lib/domain/validation";
import { getServices } from "@/lib/composition/root";
import { clientIp } from "@/app/_lib/client-ip";
import { problemBody, sameOrigin, STATUS } from "@/app/_lib/http";
import { BodyTooLargeError, formatBytes, readBoundedBody, readBoundedText, refuseDeclaredOver, withBody } from "@/app/_lib/body";
import { edgeSettings, noteBodyRefused } from "@/lib/composition/request-context";
import type { Endpoint } from "./endpoint";

export interface ApiResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ApiContext<E extends Endpoint> {
  params: E["params"] extends z.ZodType ? z.infer<E["params"]> : Record<string, never>;
  query: E["query"] extends z.ZodType ? z.infer<E["query"]> : Record<string, never>;
  body: E["body"] extends z.ZodType ? z.infer<E["body"]> : E["multipart"] extends z.ZodObject ? z.infer<E["multipart"]> : undefined;
  /** The caller; never null when the endpoint's access is "user" or "admin". */
  user: E["access"] extends "none" ? User | null : User;
  request: Request;
  signal: AbortSignal;
}


function respond(result: ApiResult, problem = false): Response {
  const headers = new Headers(result.headers);
  headers.set("cache-control", headers.get("cache-control") ?? "no-store");
  if (result.body === undefined) return new Response(null, { status: result.status, headers });
  headers.set("content-type", problem ? "application/problem+json" : "application/json");
  return new Response(JSON.stringify(result.body), { status: result.status, headers });
}

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly errors?: { path: string; message: string }[],
    readonly headers?: Record<string, string>,
  ) {
    super(detail);
  }
}

/** Paths of strings holding NUL, which PostgreSQL text cannot store: refused as input, never a 500. */
function nulPaths(value: unknown, at: string[] = []): string[] {
  if (typeof value === "string") return value.includes("\u0000") ? [at.join(".")] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => nulPaths(v, [...at, String(i)]));
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => [...(k.includes("\u0000") ? [[...at, k].join(".")] : []), ...nulPaths(v, [...at, k])]);
  return [];
}

function parse<T extends z.ZodType>(schema: T | undefined, value: unknown, where: string): z.infer<T> | Record<string, never> {
  if (!schema) return {};
  const nul = nulPaths(value, [where]);
  if (nul.length > 0) {
    throw new Refusal(422, "validation", `The request ${where} is invalid.`, nul.map((path) => ({ path, message: "must not contain NUL characters" })));
  }
  const result = schema.safeParse(value);
  if (!result.success) throw new Refusal(422, "validation", `The request ${where} is invalid.`, fieldIssues(result.error, { at: where }));
  return result.data;
}

async function limit(counter: { hit(key: string): Promise<{ limited: boolean; retryAfterMs: number }> }, key: string) {
  const { limited, retryAfterMs } = await counter.hit(key);
  if (limited) {
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    throw new Refusal(429, "rate_limited", `Too many requests; retry in ${seconds} s.`, undefined, { "retry-after": String(seconds) });
  }
}

const SESSION_COOKIE = /(?:^|;\s*)(?:__Secure-)?authjs\.session-token(?:\.\d+)?=/;

/** The caller from a bearer token, else from the shop's session cookie; "invalid" for a bad bearer token. */
async function authenticate(request: Request, signal: AbortSignal): Promise<{ user: User | null; via: "bearer" | "cookie" | null }> {
  const header = request.headers.get("authorization");
  if (header !== null) {
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header.trim());
    const user = match ? await getServices().auth.apiTokens.resolve(match[1]!, signal) : null;
    if (!user) throw new Refusal(401, "unauthenticated", "The bearer token is missing, invalid, expired or revoked.", undefined, { "www-authenticate": 'Bearer error="invalid_token"' });
    return { user, via: "bearer" };
  }
  if (SESSION_COOKIE.test(request.headers.get("cookie") ?? "")) {
    // Imported lazily: next-auth needs Next's request scope, which only cookie callers have.
    const { getCurrentUser } = await import("@/app/_lib/auth");
    const user = await getCurrentUser();
    return { user, via: user ? "cookie" : null };
  }
  return { user: null, via: null };
}

/** JSON with object keys sorted, so the same body hashes the same whatever its key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * A multipart/form-data body's fields, read with the upload limit (refused by
 * Content-Length before reading, counted when chunked: formData() alone would
 * buffer any size). A field sent twice becomes an array, which the schema refuses.
 */
async function readMultipart(request: Request, limit: number): Promise<Record<string, unknown>> {
  if (!/^multipart\/form-data\s*(;|$)/i.test(request.headers.get("content-type") ?? "")) {
    throw new Refusal(415, "unsupported_media_type", "Send the body as multipart/form-data.");
  }
  const bytes = await readBoundedBody(request, limit);
  let form: FormData;
  try {
    form = await withBody(request, bytes).formData();
  } catch {
    throw new Refusal(400, "malformed_multipart", "The request body is not valid multipart/form-data.");
  }
  const fields = new Map<string, FormDataEntryValue[]>();
  for (const [name, value] of form) fields.set(name, [...(fields.get(name) ?? []), value]);
  return Object.fromEntries([...fields].map(([name, values]) => [name, values.length === 1 ? values[0] : values]));
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

type RouteContext = { params: Promise<Record<string, string | string[]>> };
export type ApiRouteHandler = ((request: Request, context: RouteContext) => Promise<Response>) & { endpoint: Endpoint };

export function handle<const E extends Endpoint>(endpoint: E, handler: (ctx: ApiContext<E>) => Promise<ApiResult>): ApiRouteHandler {
  const fn = async (request: Request, context: RouteContext): Promise<Response> => {
    const signal = request.signal;
    const bodyLimit = endpoint.multipart ? edgeSettings().UPLOAD_BODY_LIMIT_BYTES : edgeSettings().JSON_BODY_LIMIT_BYTES;
    try {
      // Before anything else: refusing a declared size costs nothing and reads nothing.
      if (endpoint.body || endpoint.multipart) refuseDeclaredOver(request, bodyLimit);
      const services = getServices();
      const ip = clientIp(request.headers) ?? "unknown";
      if (endpoint.rateLimit !== "none") await limit(endpoint.rateLimit === "auth" ? services.api.rateLimits.authPerIp : services.api.rateLimits.perIp, ip);

      let user: User | null = null;
      if (endpoint.access !== "none" || request.headers.has("authorization")) {
        const who = await authenticate(request, signal);
        user = who.user;
        if (user) noteRequestUser(user.id, request.headers);
        if (endpoint.access !== "none" && !user) throw new Refusal(401, "unauthenticated", "Sign in: send Authorization: Bearer <access token>.", undefined, { "www-authenticate": "Bearer" });
        if (endpoint.access === "admin" && user?.role !== "admin") throw new Refusal(403, "forbidden", "Only an admin can do that.");
        // A cookie is sent by the browser to any site's request: writes must come from the shop's own pages.
        if (who.via === "cookie" && endpoint.method !== "GET" && !sameOrigin(request)) {
          throw new Refusal(403, "forbidden", "Cross-site request refused.");
        }
        if (user) await limit(services.api.rateLimits.perUser, user.id);
      }

      const url = new URL(request.url);
      const params = parse(endpoint.params, context?.params ? await context.params : {}, "params");
      const query = parse(endpoint.query, Object.fromEntries(url.searchParams), "query");
      let body: unknown = undefined;
      if (endpoint.body) {
        const text = await readBoundedText(request, bodyLimit);
        let json: unknown;
        try {
          json = text.trim() === "" ? undefined : JSON.parse(text);
        } catch {
          throw new Refusal(400, "malformed_json", "The request body is not valid JSON.");
        }
        body = parse(endpoint.body, json, "body");
      } else if (endpoint.multipart) {
        body = parse(endpoint.multipart, await readMultipart(request, bodyLimit), "body");
      }

      const ctx = { params, query, body, user, request, signal } as unknown as ApiContext<E>;
      if (!endpoint.idempotent) return toResponse(await run(handler, ctx));

      const key = request.headers.get("idempotency-key");
      if (key === null) throw new Refusal(400, "idempotency_key_required", "Send an Idempotency-Key header (any unique string of up to 255 characters).");
      if (!IDEMPOTENCY_KEY.test(key)) {
        throw new Refusal(400, "idempotency_key_malformed", "The Idempotency-Key must be 1 to 255 visible ASCII characters.");
      }
      const result = await services.api.idempotency(
        {
          userId: user!.id,
          key,
          scope: `${endpoint.method} ${url.pathname}`,
          requestHash: services.api.hashRequest(canonical(body)),
        },
        async () => {
          const r = await run(handler, ctx);
          return { status: r.status, body: r.body ?? null };
        },
        signal,
      );
      return toResponse({ status: result.status, body: result.body ?? undefined, headers: result.replayed ? { "idempotent-replayed": "true" } : {} });
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        noteBodyRefused("/api/v1", request, error.limit, error.declared);
        return respond(problemBody(413, "payload_too_large", `The request body is larger than ${formatBytes(error.limit)}.`), true);
      }
      if (error instanceof Refusal) return respond({ ...problemBody(error.status, error.code, error.detail, error.errors), headers: error.headers }, true);
      if (isAppError(error) && error.code !== "internal") return respond(appProblem(error), true);
      webLogger().error(`api ${request.method} ${new URL(request.url).pathname} failed`, { err: error });
      // The reference is the trace id (also in the x-trace-id header): it finds this request's log lines and trace.
      return respond(problemBody(500, "internal", `Something went wrong on our side${errorReference(request.headers)}.`), true);
    }
  };
  return Object.assign(fn, { endpoint });
}

/** A domain error as its problem response; a rate_limited one says when to retry (Retry-After, seconds). */
function appProblem(error: AppError): ApiResult {
  const p = problemBody(STATUS[error.code], error.code, error.message, error.fields);
  return error.retryAfterSeconds === undefined ? p : { ...p, headers: { "retry-after": String(error.retryAfterSeconds) } };
}

/**
 * Answers about a passing state rather than the outcome of this request: the
 * processor did not answer, too many declines for now, another payment of the
 * order is in flight. Never stored as an idempotent answer, so a retry with the
 * same key is tried again instead of being told the same thing for 24 hours.
 */
const PASSING: readonly ErrorCode[] = ["unavailable", "rate_limited", "payment_in_progress"];

/** Runs the handler; a domain error becomes its problem response (so an idempotent request stores it too, unless it is PASSING). */
async function run<E extends Endpoint>(handler: (ctx: ApiContext<E>) => Promise<ApiResult>, ctx: ApiContext<E>): Promise<ApiResult> {
  try {
    return await handler(ctx);
  } catch (error) {
    if (isAppError(error) && error.code !== "internal" && !PASSING.includes(error.code)) return appProblem(error);
    throw error;
  }
}

function toResponse(result: ApiResult): Response {
  const isProblem = typeof result.body === "object" && result.body !== null && result.status >= 400 && "code" in result.body;
  return respond(result, isProblem);
}

const WRITE_AND_READ_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
type RouteMethod = (typeof WRITE_AND_READ_METHODS)[number];

/** A route file's answer to a method it does not serve: marked, so the contract check can tell it from an endpoint. */
export type NotAllowedHandler = ((request: Request) => Promise<Response>) & { notAllowed: true };

/**
 * The methods a route file does not serve, each answering 405 problem+json
 * with an Allow header (Next.js would send an empty 405). Spread into the
 * file's exports: `export const { POST, PUT, PATCH, DELETE } = otherMethods({ GET });`
 */
export function otherMethods(served: Partial<Record<RouteMethod, ApiRouteHandler>>): Record<RouteMethod, NotAllowedHandler> {
  const allow = [...Object.keys(served), ...(served.GET ? ["HEAD"] : []), "OPTIONS"].join(", ");
  const refuse = Object.assign(
    async (request: Request) => {
      const { pathname } = new URL(request.url);
      const { status, body } = problemBody(405, "method_not_allowed", `${request.method} is not served at ${pathname}; it serves ${allow}.`);
      return Response.json(body, { status, headers: { "content-type": "application/problem+json", allow } });
    },
    { notAllowed: true as const },
  );
  return Object.fromEntries(WRITE_AND_READ_METHODS.map((m) => [m, refuse])) as Record<RouteMethod, NotAllowedHandler>;
}
