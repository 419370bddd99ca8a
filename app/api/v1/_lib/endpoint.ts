/**
 * The API's contract, in one place per route: method, path, who may call it,
 * the zod schemas its input is validated with and the responses it gives. The
 * route handler (handle.ts) validates with these schemas and the OpenAPI
 * document (openapi.ts) is generated from them, so the two cannot disagree.
 */
import { z } from "zod";

export type HttpMethod = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
/** none: anyone; user: a signed-in user (bearer token or the shop's session cookie); admin: an admin. */
export type Access = "none" | "user" | "admin";

export interface ResponseSpec {
  description: string;
  /** The JSON body; omitted for responses without one. Problems use ProblemSchema. */
  schema?: z.ZodType;
}

export interface Endpoint {
  method: HttpMethod;
  /** OpenAPI path under /api/v1, e.g. "/orders/{id}/pay"; {names} match the route's [folders]. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  access: Access;
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** A JSON body (application/json), at most JSON_BODY_LIMIT_BYTES. */
  body?: z.ZodType;
  /**
   * A multipart/form-data body instead, at most UPLOAD_BODY_LIMIT_BYTES: its
   * fields (a file field as z.file()), validated like a JSON body and reported
   * at body.<field>. A field sent more than once arrives as an array. Not with
   * `body`, nor `idempotent` (a file has no canonical form to hash).
   */
  multipart?: z.ZodObject;
  /** Requires an Idempotency-Key header; repeats replay the first response. */
  idempotent?: boolean;
  /**
   * "auth": the stricter per-address limit of /auth/*. "none": not counted —
   * only for liveness, which must answer a prober whatever else is going on,
   * does no work worth limiting, and must not depend on Redis.
   */
  rateLimit?: "auth" | "default" | "none";
  /** The route's own responses: its successes and the errors its use case gives (404, 409, ...). */
  responses: Record<number, ResponseSpec>;
}

export function defineEndpoint<const E extends Endpoint>(endpoint: E): E {
  if (endpoint.multipart && (endpoint.body || endpoint.idempotent)) {
    throw new Error(`${endpoint.operationId}: a multipart body goes without a JSON body and without Idempotency-Key semantics`);
  }
  return endpoint;
}

/** RFC 9457 problem details, with a stable machine code and, for validation errors, the field paths. */
export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string().describe("Stable machine-readable code, e.g. validation, unauthenticated, not_found, insufficient_stock"),
    detail: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional().describe("For validation errors: each invalid field"),
  })
  .meta({ id: "Problem" });

/** Money: integer minor units (cents) with an ISO 4217 currency code. */
export const MoneySchema = z
  .object({ amountMinor: z.number().int().describe("Integer minor units (cents)"), currency: z.string().length(3) })
  .meta({ id: "Money" });

export const uuidParam = z.uuid();

/** Cursor pagination: a page of items and the cursor of the next page (null on the last). */
export function pageOf<T extends z.ZodType>(item: T, id: string) {
  return z.object({ items: z.array(item), next: z.string().nullable().describe("Pass as ?cursor= for the next page; null on the last page") }).meta({ id });
}

export const cursorQuery = {
  limit: z.coerce.number().int().min(1).max(100).default(20).describe("Items per page, at most 100"),
  cursor: z.string().max(500).optional().describe("The `next` value of the previous page"),
};

/** Responses every endpoint of a kind may give, added to the document by openapi.ts. */
export function commonResponses(endpoint: Endpoint): Record<number, ResponseSpec> {
  const out: Record<number, ResponseSpec> = {};
  if (endpoint.body) out[400] = { description: "The body is not valid JSON, or a required header is missing", schema: ProblemSchema };
  if (endpoint.body) out[413] = { description: "The body is larger than the limit (JSON_BODY_LIMIT_BYTES, 64 KB by default); refused before it is read", schema: ProblemSchema };
  if (endpoint.multipart) {
    out[400] = { description: "The body is not readable multipart/form-data", schema: ProblemSchema };
    out[413] = {
      description: "The body is larger than the limit (UPLOAD_BODY_LIMIT_BYTES, 5 MB plus 64 KB by default); refused before it is read, or as soon as a chunked body passes it",
      schema: ProblemSchema,
    };
    out[415] = { description: "The body is not multipart/form-data", schema: ProblemSchema };
  }
  if (endpoint.idempotent) out[400] = { description: "Malformed JSON, or the Idempotency-Key header is missing or malformed", schema: ProblemSchema };
  if (endpoint.access !== "none") out[401] = { description: "No valid bearer token or session", schema: ProblemSchema };
  // handle() authenticates any Authorization header it is sent, also on public routes.
  else out[401] = { description: "An Authorization header was sent whose token is invalid, expired or revoked", schema: ProblemSchema };
  if (endpoint.access === "admin") out[403] = { description: "The caller is not an admin", schema: ProblemSchema };
  else if (endpoint.access === "user" && endpoint.method !== "GET") {
    out[403] = { description: "Cookie-authenticated request from another origin", schema: ProblemSchema };
  }
  if (endpoint.params || endpoint.query || endpoint.body || endpoint.multipart || endpoint.idempotent) {
    out[422] = {
      description: endpoint.idempotent ? "Invalid input (field paths in errors), or an Idempotency-Key reused with a different request" : "Invalid input (field paths in errors)",
      schema: ProblemSchema,
    };
  }
  if (endpoint.rateLimit !== "none") out[429] = { description: "Rate limited; see the Retry-After header (seconds)", schema: ProblemSchema };
  out[503] = { description: "A dependency is unavailable; retry later", schema: ProblemSchema };
  return out;
}
