import { NextResponse } from "next/server";
import type { ErrorCode } from "@/lib/domain/errors";

/** The HTTP status of each error code: the one mapping (handle() in app/api/v1 uses it for every API route). */
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

/** A problem's status and body (RFC 9457): the one shape, for the API and the few routes outside it. */
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
