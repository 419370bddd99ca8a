/**
 * Calls /api/v1 route handlers in-process, exactly as Next would (a Request
 * and a params promise), against a test database, and checks every response
 * against the OpenAPI document: a status the document does not list for that
 * operation, or a body that does not match its schema, fails the test.
 */
import path from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { ENDPOINTS } from "@/app/api/v1/_contract";
import type { Endpoint } from "@/app/api/v1/_lib/endpoint";
import type { ApiRouteHandler } from "@/app/api/v1/_lib/handle";
import { buildOpenApiDocument } from "@/app/api/v1/_lib/openapi";

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  /** Sent as is (for malformed JSON); wins over body. */
  rawBody?: string;
  /** Sent as multipart/form-data (fetch sets the boundary); wins over rawBody and body. */
  form?: FormData;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  /** The client address (as the request wrapper would set it from the socket); each harness has its own by default. */
  ip?: string;
}

const ROOT = path.resolve(import.meta.dirname, "../..");
type Json = Record<string, unknown>;

function templateRegex(template: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  const source = template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\?\{(\w+)\\?\}|\{(\w+)\}/g, (_m, a: string, b: string) => {
    names.push(a ?? b);
    return "([^/]+)";
  });
  return { regex: new RegExp(`^${source}$`), names };
}

function routeFile(template: string): string {
  return path.join(ROOT, "app/api/v1", template.replace(/\{(\w+)\}/g, "[$1]"), "route.ts");
}

/** Which (method path status) the tests have seen; for the contract-coverage check. */
export const seenResponses = new Set<string>();

/**
 * Finds the endpoint of a request and checks a response against the OpenAPI
 * document: its status must be listed for the operation and its body must
 * match the documented schema. Used in-process (apiHarness) and over HTTP
 * (tests/e2e/api-contract.ts).
 */
export function contractChecker() {
  const doc = buildOpenApiDocument() as { paths: Record<string, Record<string, Json>>; components: { schemas: Json } };
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema({ $id: "doc", components: doc.components }, "doc");
  const validators = new Map<string, ReturnType<typeof ajv.compile>>();

  function findEndpoint(method: string, pathname: string): { endpoint: Endpoint; params: Record<string, string> } {
    for (const endpoint of ENDPOINTS) {
      if (endpoint.method !== method) continue;
      const { regex, names } = templateRegex(endpoint.path);
      const m = regex.exec(pathname);
      if (m) return { endpoint, params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)])) };
    }
    throw new Error(`no endpoint for ${method} ${pathname}`);
  }

  function check(endpoint: Endpoint, status: number, body: unknown, contentType: string | null) {
    const op = doc.paths[endpoint.path]?.[endpoint.method.toLowerCase()] as { responses: Record<string, { content?: Record<string, { schema: Json }> }> } | undefined;
    if (!op) throw new Error(`${endpoint.method} ${endpoint.path} is not in the OpenAPI document`);
    const spec = op.responses[String(status)];
    if (!spec) throw new Error(`${endpoint.method} ${endpoint.path} answered ${status}, which the OpenAPI document does not list: ${JSON.stringify(body)}`);
    seenResponses.add(`${endpoint.method} ${endpoint.path} ${status}`);
    if (!spec.content) return;
    const [mediaType, { schema }] = Object.entries(spec.content)[0]!;
    if (contentType !== null && !contentType.startsWith(mediaType)) {
      throw new Error(`${endpoint.method} ${endpoint.path} ${status}: content-type ${contentType}, documented ${mediaType}`);
    }
    const key = `${endpoint.method} ${endpoint.path} ${status}`;
    let validate = validators.get(key);
    if (!validate) {
      // Refs point at #/components/schemas/...: resolve them inside the "doc" schema.
      const rebased = JSON.parse(JSON.stringify(schema).replace(/"#\/components\/schemas\//g, '"doc#/components/schemas/'));
      validate = ajv.compile(rebased);
      validators.set(key, validate);
    }
    if (!validate(body)) {
      throw new Error(`${key}: the body does not match the OpenAPI document: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 2000)}`);
    }
  }

  return { findEndpoint, check };
}

export function apiHarness(options: { ip?: string } = {}) {
  const { findEndpoint, check } = contractChecker();
  const defaultIp = options.ip ?? `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
  return {
    async call<T = unknown>(method: Endpoint["method"], pathAndQuery: string, opts: CallOptions = {}): Promise<ApiResponse<T>> {
      const url = new URL(`http://api.test/api/v1${pathAndQuery}`);
      for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, v);
      const { endpoint, params } = findEndpoint(method, url.pathname.replace(/^\/api\/v1/, ""));
      const mod = (await import(/* @vite-ignore */ routeFile(endpoint.path))) as Record<string, ApiRouteHandler>;
      const handler = mod[method];
      if (!handler) throw new Error(`${routeFile(endpoint.path)} exports no ${method}`);
      // In-process there is no socket and no request wrapper: the harness sets the address the wrapper would have.
      const headers = new Headers({ "x-storefront-client-address": opts.ip ?? defaultIp, ...(opts.headers ?? {}) });
      if (opts.token) headers.set("authorization", `Bearer ${opts.token}`);
      let body: string | FormData | undefined;
      if (opts.form !== undefined) body = opts.form;
      else if (opts.rawBody !== undefined) body = opts.rawBody;
      else if (opts.body !== undefined) body = JSON.stringify(opts.body);
      // A FormData body brings its own multipart content type (with the boundary) unless the test sets one.
      if (typeof body === "string" && !headers.has("content-type")) headers.set("content-type", "application/json");
      const response = await handler(new Request(url, { method, headers, body }), { params: Promise.resolve(params) });
      const text = await response.text();
      let parsed: unknown = null;
      if (text !== "") parsed = JSON.parse(text);
      check(endpoint, response.status, parsed, text === "" ? null : response.headers.get("content-type"));
      return { status: response.status, headers: response.headers, body: parsed as T, text };
    },
  };
}

/**
 * Points the app's services (getServices) at a test database for this test
 * file, with generous rate limits unless a test sets its own. Calling it again
 * replaces the services with ones built from the new settings.
 */
export async function useApiDatabase(url: string, env: Record<string, string> = {}): Promise<() => Promise<void>> {
  Object.assign(process.env, {
    DATABASE_URL: url,
    API_RATE_LIMIT_PER_MINUTE: "1000000",
    API_USER_RATE_LIMIT_PER_MINUTE: "1000000",
    API_AUTH_RATE_LIMIT_PER_MINUTE: "1000000",
    REGISTRATION_LIMIT_PER_IP_PER_HOUR: "1000000",
    REGISTRATION_LIMIT_PER_MINUTE: "1000000",
    CATALOG_CACHE_TTL_SECONDS: "0",
    ...env,
  });
  const g = globalThis as { __storefrontServices?: { close(): Promise<void> } };
  await g.__storefrontServices?.close();
  const { createServices } = await import("@/lib/composition/root");
  const { loadEnv } = await import("@/lib/infrastructure/config/env");
  const { webMetrics } = await import("@/lib/infrastructure/observability/metrics");
  // A copy: loadEnv caches what it read from process.env itself, and a second call in one file must see the new values.
  // The process-wide metrics, as getServices wires them: counts carry over from one call to the next.
  g.__storefrontServices = createServices(loadEnv({ ...process.env }), { metrics: webMetrics() });
  return async () => {
    await g.__storefrontServices?.close();
    g.__storefrontServices = undefined;
  };
}
