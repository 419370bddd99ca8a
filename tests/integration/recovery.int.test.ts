import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { health } from "@/app/api/v1/_contract/system";
import { handle } from "@/app/api/v1/_lib/handle";
import { webLogger } from "@/lib/composition/logger";
import { describeCauses } from "@/lib/domain/errors";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { useApiDatabase } from "../support/api";

/**
 * Recovery at the API's door (ADR 013): a route handler that throws something
 * unexpected answers a generic 500 problem quoting the request's trace id,
 * the error is logged once with its cause chain, and the next request is
 * served as usual.
 */

let db: TestDatabase;
let stop: () => Promise<void>;

beforeAll(async () => {
  db = await createTestDatabase();
  stop = await useApiDatabase(db.url);
});

afterAll(async () => {
  await stop?.();
  await db?.drop();
});

describe("an unexpected error in a route handler", () => {
  it("answers 500 problem+json with the trace id to quote, logs the cause chain once, and the next request is served", async () => {
    const error = vi.spyOn(webLogger(), "error").mockImplementation(() => undefined);
    try {
      const failing = handle(health, async () => {
        throw new Error("reading the catalog failed", { cause: new Error("connection terminated unexpectedly") });
      });
      // The request wrapper (instrumentation.ts) puts the request's trace id into its headers.
      const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
      const res = await failing(new Request("http://127.0.0.1/api/v1/health", { headers: { "x-trace-id": traceId, "x-forwarded-for": "198.51.100.7" } }), {
        params: Promise.resolve({}),
      });
      expect(res.status).toBe(500);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      const body = (await res.json()) as { code: string; detail: string };
      expect(body.code).toBe("internal");
      expect(body.detail).toContain(`reference ${traceId}`);
      // Nothing of the error itself reaches the client.
      expect(JSON.stringify(body)).not.toMatch(/catalog failed|connection terminated/);

      expect(error).toHaveBeenCalledTimes(1);
      const [message, fields] = error.mock.calls[0]!;
      expect(message).toMatch(/GET \/api\/v1\/health failed/);
      expect(describeCauses((fields as { err: unknown }).err)).toMatch(/reading the catalog failed[\s\S]*caused by Error: connection terminated unexpectedly/);

      const served = await handle(health, async () => ({ status: 200, body: { status: "ok" } }))(new Request("http://127.0.0.1/api/v1/health"), {
        params: Promise.resolve({}),
      });
      expect(served.status).toBe(200);
    } finally {
      error.mockRestore();
    }
  });
});
