import { spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { Argon2PasswordHasher } from "@/lib/infrastructure/security/argon2-password-hasher";
import { buildWorker } from "@/scripts/build-worker";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { sqlPool } from "../support/fixtures";

/**
 * The worker as production runs it (the bundle, NODE_ENV=production): it exits
 * 1 before doing any work when a secret is a documented placeholder or an admin
 * still has a documented default password, saying which setting is at fault;
 * with proper secrets it starts.
 */

const ROOT = path.resolve(import.meta.dirname, "../..");
// A path of this file's own: the fault tests bundle into .local/test-worker.
const BUNDLE = ".local/test-worker-start-guards/main.mjs";

let db: TestDatabase;
let pool: pg.Pool;

const secret = () => randomBytes(32).toString("base64url");
const goodEnv = () => ({
  NODE_ENV: "production",
  DATABASE_URL: db.url,
  PAYMENTS_PROVIDER: "fake",
  AUTH_SECRET: secret(),
  API_TOKEN_SECRET: secret(),
  REQUEST_FINGERPRINT_SECRET: secret(),
  // Jobs only: no consumer group to join, so a proper start is quick to see.
  WORKER_ROLES: "jobs",
  WORKER_HTTP_PORT: "0",
  LOG_FORMAT: "json",
  OTEL_EXPORTER_ZIPKIN_ENDPOINT: "",
});

/** Runs the worker until it exits or logs that it runs (then stops it); its output and exit code. */
function runWorker(env: Record<string, string>): Promise<{ code: number | null; output: string; started: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BUNDLE], { cwd: ROOT, env: { PATH: process.env.PATH ?? "", NODE_ENV: "production", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    let started = false;
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      // "tracing: ..." is its last start line, logged once SIGTERM is handled.
      if (!started && output.includes("running: jobs") && output.includes("tracing:")) {
        started = true;
        child.kill("SIGTERM");
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output, started });
    });
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
  pool = sqlPool(db.url);
  await buildWorker(BUNDLE);
});

afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

describe("a production worker's start", () => {
  it("starts with three distinct random secrets and no admin on a default password", async () => {
    const run = await runWorker(goodEnv());
    expect(run.started, run.output).toBe(true);
    expect(run.code).toBe(0);
  });

  it("exits 1 naming AUTH_SECRET when it is docker-compose's old placeholder", async () => {
    const run = await runWorker({ ...goodEnv(), AUTH_SECRET: "dev-only-insecure-auth-secret-change-me-0123456789" });
    expect(run.code).toBe(1);
    expect(run.started).toBe(false);
    expect(run.output).toContain("failed to start");
    expect(run.output).toContain("AUTH_SECRET: is a documented placeholder");
  });

  it("exits 1 naming API_TOKEN_SECRET when it is AUTH_SECRET again", async () => {
    const env = goodEnv();
    const run = await runWorker({ ...env, API_TOKEN_SECRET: env.AUTH_SECRET });
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/API_TOKEN_SECRET: must differ from AUTH_SECRET/);
  });

  it("exits 1 naming ADMIN_PASSWORD while an admin still has the documented default password", async () => {
    const email = `admin-${randomUUID().slice(0, 8)}@example.com`;
    const hash = await new Argon2PasswordHasher().hash("change-me-admin-password");
    await pool.query(
      `INSERT INTO users (id, email, name, password_hash, role, created_at, updated_at) VALUES ($1, $2, 'Admin', $3, 'admin', now(), now())`,
      [randomUUID(), email, hash],
    );
    try {
      const run = await runWorker(goodEnv());
      expect(run.code).toBe(1);
      expect(run.started).toBe(false);
      expect(run.output).toContain(`ADMIN_PASSWORD: the admin account ${email} still has a documented default password`);
    } finally {
      await pool.query("DELETE FROM users WHERE email = $1", [email]);
    }
  });
});
