import { readdir } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENDPOINTS } from "@/app/api/v1/_contract";
import type { ApiRouteHandler } from "@/app/api/v1/_lib/handle";
import { buildOpenApiDocument } from "@/app/api/v1/_lib/openapi";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { apiHarness, contractChecker, useApiDatabase } from "../support/api";
import { apiCaller } from "../support/api-fuzz";
import { sqlPool } from "../support/fixtures";

const API_DIR = path.resolve(import.meta.dirname, "../../app/api/v1");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] as const;
/** Routes that serve the contract itself rather than being part of it. */
// The document itself, and the catch-all that answers unknown paths with a 404 problem.
const META_ROUTES = new Set(["/openapi.json", "/[...unknown]"]);

async function routeFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith("_")) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await routeFiles(full)));
    else if (entry.name === "route.ts") out.push(full);
  }
  return out;
}

/** app/api/v1/orders/[id]/pay/route.ts → /orders/{id}/pay */
function openApiPath(file: string): string {
  return "/" + path.relative(API_DIR, path.dirname(file)).split(path.sep).map((s) => s.replace(/^\[(\w+)\]$/, "{$1}")).join("/");
}

describe("the OpenAPI contract", () => {
  it("lists every route handler under /api/v1, each built from its own endpoint definition", async () => {
    const doc = buildOpenApiDocument() as { paths: Record<string, Record<string, unknown>> };
    const handlers: string[] = [];
    for (const file of await routeFiles(API_DIR)) {
      const routePath = openApiPath(file);
      if (META_ROUTES.has(routePath)) continue;
      const mod = (await import(/* @vite-ignore */ file)) as Record<string, unknown>;
      for (const method of METHODS) {
        const handler = mod[method] as (ApiRouteHandler & { notAllowed?: true }) | undefined;
        // Methods the path does not serve answer 405 problem+json (otherMethods): not endpoints.
        if (!handler || handler.notAllowed) continue;
        handlers.push(`${method} ${routePath}`);
        expect(handler.endpoint, `${method} ${routePath} is not built with handle()`).toBeDefined();
        expect(`${handler.endpoint.method} ${handler.endpoint.path}`).toBe(`${method} ${routePath}`);
        expect(ENDPOINTS).toContain(handler.endpoint);
        expect(doc.paths[routePath]?.[method.toLowerCase()], `${method} ${routePath} missing from the document`).toBeDefined();
      }
    }
    // And nothing in the document lacks a handler.
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    expect(documented.sort()).toEqual(handlers.sort());
    expect(new Set(ENDPOINTS.map((e) => e.operationId)).size).toBe(ENDPOINTS.length);
    console.info(`${handlers.length} route handlers, all in the OpenAPI document`);
  });

  it("is an OpenAPI 3.1 document whose every operation has responses and every $ref resolves", () => {
    const doc = buildOpenApiDocument() as { openapi: string; paths: Record<string, Record<string, { responses: object }>>; components: { schemas: Record<string, unknown> } };
    expect(doc.openapi).toBe("3.1.0");
    const text = JSON.stringify(doc);
    for (const [, name] of text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) {
      expect(doc.components.schemas, `dangling $ref ${name}`).toHaveProperty(name!);
    }
    expect(text).not.toContain("#/$defs/");
    for (const ops of Object.values(doc.paths)) for (const op of Object.values(ops)) expect(Object.keys(op.responses).length).toBeGreaterThan(0);
  });

  it("documents a multipart body as multipart/form-data, its file as binary, with the answers handle() gives it", () => {
    type Op = { requestBody?: { required: boolean; content: Record<string, { schema: Record<string, unknown> }> }; responses: Record<string, unknown> };
    const doc = buildOpenApiDocument() as { paths: Record<string, Record<string, Op>> };
    const multipart = ENDPOINTS.filter((e) => e.multipart);
    expect(multipart.map((e) => `${e.method} ${e.path}`)).toContain("POST /admin/products/{id}/images");
    for (const e of multipart) {
      const op = doc.paths[e.path]![e.method.toLowerCase()]!;
      expect(Object.keys(op.requestBody!.content)).toEqual(["multipart/form-data"]);
      expect(op.requestBody!.required).toBe(true);
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(["400", "413", "415", "422"]));
      expect(e.idempotent, "a file has no canonical form to hash").toBeFalsy();
    }
    const upload = doc.paths["/admin/products/{id}/images"]!.post!;
    const schema = upload.requestBody!.content["multipart/form-data"]!.schema as { type: string; properties: Record<string, Record<string, unknown>>; required: string[]; additionalProperties: boolean };
    expect(schema.type).toBe("object");
    expect(schema.properties.file).toMatchObject({ type: "string", format: "binary", maxLength: 5 * 1024 * 1024 });
    expect(schema.properties.alt).toMatchObject({ type: "string", maxLength: 200 });
    expect(schema.required).toEqual(["file"]);
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(upload.responses)).toEqual(expect.arrayContaining(["201", "401", "403", "404"]));
    // A JSON body is never answered 415.
    for (const e of ENDPOINTS.filter((x) => x.body)) expect(doc.paths[e.path]![e.method.toLowerCase()]!.responses).not.toHaveProperty("415");
  });
});

describe("the response checker every API test goes through", () => {
  it("refuses an undocumented status, a body off its schema and a wrong content type", () => {
    const { findEndpoint, check } = contractChecker();
    const { endpoint } = findEndpoint("GET", "/health");
    expect(() => check(endpoint, 200, { status: "ok" }, "application/json")).not.toThrow();
    expect(() => check(endpoint, 418, { status: "ok" }, "application/json")).toThrow(/does not list/);
    expect(() => check(endpoint, 200, { status: "ok", extra: 1 }, "application/json")).toThrow(/does not match/);
    expect(() => check(endpoint, 200, { status: "fine" }, "application/json")).toThrow(/does not match/);
    expect(() => check(endpoint, 200, { status: "ok" }, "text/html")).toThrow(/content-type/);
    expect(() => findEndpoint("GET", "/no-such-route")).toThrow(/no endpoint/);
  });
});

describe("system endpoints", () => {
  let db: TestDatabase;
  let stop: () => Promise<void>;
  const api = apiHarness();

  beforeAll(async () => {
    db = await createTestDatabase();
    stop = await useApiDatabase(db.url);
  });

  afterAll(async () => {
    await stop?.();
    await db?.drop();
  });

  it("answers liveness and readiness (PostgreSQL and Kafka reachable), telling the public only ready or not", async () => {
    expect((await api.call("GET", "/health")).body).toEqual({ status: "ok" });
    // Which dependency failed, and its error text, is for operators: an anonymous caller learns only the verdict.
    const ready = await api.call("GET", "/ready");
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: "ready" });
    const pool = sqlPool(db.url);
    try {
      const customer = await apiCaller(pool, "customer");
      expect((await api.call("GET", "/ready", { token: customer.token })).body).toEqual({ status: "ready" });
    } finally {
      await pool.end();
    }
  });

  it("gives an admin the checks of each dependency", async () => {
    const pool = sqlPool(db.url);
    try {
      const admin = await apiCaller(pool, "admin");
      const ready = await api.call<{ status: string; checks: { postgres: { ok: boolean }; kafka: { ok: boolean } } }>("GET", "/ready", { token: admin.token });
      expect(ready.status).toBe(200);
      expect(ready.body.checks.postgres.ok && ready.body.checks.kafka.ok).toBe(true);
    } finally {
      await pool.end();
    }
  });
});
