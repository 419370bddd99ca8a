import { buildOpenApiDocument } from "../_lib/openapi";

export const dynamic = "force-static";

/** GET /api/v1/openapi.json: the contract, generated from the routes' own zod schemas. */
export function GET(): Response {
  return Response.json(buildOpenApiDocument(), { headers: { "cache-control": "public, max-age=300" } });
}
