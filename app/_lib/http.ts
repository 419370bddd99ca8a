import { NextResponse } from "next/server";
import { z } from "zod";
import { webLogger } from "@/lib/composition/logger";
import { errorReference } from "@/lib/composition/request-context";
import { isAppError, type ErrorCode } from "@/lib/domain/errors";

/** The HTTP status of each error code: the one mapping, used by every route wrapper. */
export const STATUS: Record<ErrorCode, number> = {
  validation: 422,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  insufficient_stock: 409,
  invalid_transition: 409,
  payment_in_progress: 409,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

/**
 * Whether a request comes from this site's own pages (its Origin names the
 * host it was sent to). Cookie-authenticated writes must: a browser attaches
 * the shop's cookie to other sites' requests too.
 */
export function sameOrigin(request: Request): boolean {
  const origin = request.headers.get("origin");
  if (!origin) return false;
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** A problem's status and body (RFC 9457): the one shape, for every route wrapper. */
export function problemBody(status: number, code: string, detail: string, errors?: readonly { path: string; message: string }[]) {
  return {
    status,
    body: { type: "about:blank", title: code.replace(/_/g, " "), status, code, detail, ...(errors && errors.length ? { errors: [...errors] } : {}) },
  };
}

/** RFC 9457 problem details as a response. */
export function problem(status: number, code: string, detail: string, errors?: readonly { path: string; message: string }[]) {
  return NextResponse.json(problemBody(status, code, detail, errors).body, { status, headers: { "content-type": "application/problem+json" } });
}

/**
 * The one wrapper for route handlers: parses the query (and params) with zod,
 * calls the use case, maps errors. Unknown errors become a 500 that leaks
 * nothing and is logged with its cause chain.
 */
export function route<Q extends z.ZodType, P extends z.ZodType>(
  schemas: { query?: Q; params?: P },
  handler: (input: { query: z.infer<Q>; params: z.infer<P>; request: Request }) => Promise<Response>,
) {
  return async (request: Request, context: { params: Promise<Record<string, string | string[]>> }): Promise<Response> => {
    try {
      const url = new URL(request.url);
      const query = schemas.query ? schemas.query.safeParse(Object.fromEntries(url.searchParams)) : { success: true as const, data: {} };
      if (!query.success) return validationProblem(query.error, "query");
      const rawParams = context?.params ? await context.params : {};
      const params = schemas.params ? schemas.params.safeParse(rawParams) : { success: true as const, data: rawParams };
      if (!params.success) return validationProblem(params.error, "path");
      return await handler({ query: query.data as z.infer<Q>, params: params.data as z.infer<P>, request });
    } catch (error) {
      if (isAppError(error) && error.code !== "internal") {
        return problem(STATUS[error.code], error.code, error.message, error.fields.length ? [...error.fields] : undefined);
      }
      webLogger().error(`route ${request.method} ${new URL(request.url).pathname} failed`, { err: error });
      return problem(500, "internal", `Something went wrong on our side${errorReference(request.headers)}.`);
    }
  };
}

function validationProblem(error: z.ZodError, where: string) {
  return problem(
    422,
    "validation",
    `The request ${where} is invalid.`,
    error.issues.map((i) => ({ path: [where, ...i.path].join("."), message: i.message })),
  );
}
