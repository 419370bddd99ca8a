/**
 * Builds the OpenAPI 3.1 document from the endpoint definitions: the same zod
 * schemas the handlers validate with, converted by zod's own JSON Schema
 * (draft 2020-12, which OpenAPI 3.1 uses).
 */
import { z } from "zod";
import { ENDPOINTS } from "../_contract";
import { commonResponses, type Endpoint } from "./endpoint";

type Json = Record<string, unknown>;

/** Converts a schema, moving its $defs into components.schemas. */
function schemaOf(schema: z.ZodType, io: "input" | "output", components: Record<string, unknown>): Json {
  const raw = z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" }) as Json;
  delete raw.$schema;
  const defs = (raw.$defs ?? {}) as Record<string, Json>;
  delete raw.$defs;
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (node && typeof node === "object") {
      const out: Json = {};
      for (const [k, v] of Object.entries(node)) {
        out[k] = k === "$ref" && typeof v === "string" ? v.replace(/^#\/\$defs\//, "#/components/schemas/") : rewrite(v);
      }
      return out;
    }
    return node;
  };
  for (const [name, def] of Object.entries(defs)) components[name] = rewrite(def);
  return rewrite(raw) as Json;
}

function parameters(endpoint: Endpoint, components: Record<string, unknown>): Json[] {
  const out: Json[] = [];
  for (const [where, obj] of [["path", endpoint.params], ["query", endpoint.query]] as const) {
    if (!obj) continue;
    for (const [name, field] of Object.entries(obj.shape as Record<string, z.ZodType>)) {
      const schema = schemaOf(field, "input", components);
      const description = (field as z.ZodType).description;
      out.push({ name, in: where, required: where === "path" || !field.safeParse(undefined).success, schema, ...(description ? { description } : {}) });
    }
  }
  if (endpoint.idempotent) {
    out.push({
      name: "Idempotency-Key",
      in: "header",
      required: true,
      description: "Any unique string (1–255 visible ASCII characters). Repeating a request with the same key and body returns the first response; keys expire after 24 hours.",
      schema: { type: "string", minLength: 1, maxLength: 255 },
    });
  }
  return out;
}

export function buildOpenApiDocument(endpoints: readonly Endpoint[] = ENDPOINTS): Json {
  const components: Record<string, unknown> = {};
  const paths: Record<string, Json> = {};
  for (const e of endpoints) {
    const responses: Json = {};
    const all = { ...commonResponses(e), ...e.responses };
    for (const [status, spec] of Object.entries(all).sort(([a], [b]) => Number(a) - Number(b))) {
      const problem = Number(status) >= 400;
      responses[status] = {
        description: spec.description,
        ...(spec.schema ? { content: { [problem ? "application/problem+json" : "application/json"]: { schema: schemaOf(spec.schema, "output", components) } } } : {}),
        ...(status === "429" ? { headers: { "Retry-After": { description: "Seconds to wait", schema: { type: "integer" } } } } : {}),
      };
    }
    const operation: Json = {
      operationId: e.operationId,
      summary: e.summary,
      ...(e.description ? { description: e.description } : {}),
      tags: [e.tag],
      ...(e.access === "none" ? { security: [] } : { security: [{ bearerAuth: [] }, { cookieAuth: [] }] }),
      ...(e.access === "admin" ? { "x-access": "admin" } : e.access === "user" ? { "x-access": "user" } : {}),
      parameters: parameters(e, components),
      ...(e.body ? { requestBody: { required: true, content: { "application/json": { schema: schemaOf(e.body, "input", components) } } } } : {}),
      // z.file() converts to { type: string, format: binary, contentEncoding: binary }: a file part of the form.
      ...(e.multipart ? { requestBody: { required: true, content: { "multipart/form-data": { schema: schemaOf(e.multipart, "input", components) } } } } : {}),
      responses,
    };
    (paths[e.path] ??= {})[e.method.toLowerCase()] = operation;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Storefront API",
      version: "1.0.0",
      description:
        "Everything a shopper and an admin do in the shop, over HTTP. JSON in and out; money is integer minor units with a currency code; errors are RFC 9457 problem details with a stable `code`.",
    },
    servers: [{ url: "/api/v1" }],
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: "An access token from POST /auth/token (15 minutes; renew with POST /auth/refresh)." },
        cookieAuth: { type: "apiKey", in: "cookie", name: "authjs.session-token", description: "The shop's own session cookie; writes must come from the shop's origin." },
      },
    },
  };
}
