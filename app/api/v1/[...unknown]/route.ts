import { problem } from "@/app/_lib/http";

/**
 * Any /api/v1 path no route handler answers: a 404 problem+json naming the
 * path, not the shop's HTML 404 page. A program reading the API always gets
 * problem+json (issue 16). Routes that exist take precedence over this one.
 */
function notFound(request: Request): Response {
  const { pathname } = new URL(request.url);
  return problem(404, "not_found", `No such endpoint: ${pathname}. The endpoints are listed in /api/v1/openapi.json.`);
}

export const dynamic = "force-dynamic";

export const GET = notFound;
export const HEAD = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
export const OPTIONS = notFound;
