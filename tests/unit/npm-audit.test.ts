import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// scripts/security/npm-audit.ts gates CI on the production dependencies' advisories. The
// registry's audit endpoint is played by a local server answering what the real one
// answers (an advisory list per package, or an error), so each outcome is shown on a lock
// file with a known-vulnerable lodash (GHSA-35jh-r3h4-6jhm, fixed in 4.17.21).
const root = path.resolve(import.meta.dirname, "../..");
const scratch = mkdtempSync(path.join(tmpdir(), "npm-audit-"));

const LODASH_HIGH = { id: 1, url: "https://github.com/advisories/GHSA-35jh-r3h4-6jhm", title: "Command Injection in lodash", severity: "high", vulnerable_versions: "<4.17.21", cwe: ["CWE-77"], cvss: { score: 7.2 } };

/** A project whose lock file pins lodash 4.17.20 (production) and minimist 1.2.5 (dev only). */
function project(name: string, { lock = true } = {}): string {
  const dir = path.join(scratch, name);
  mkdirSync(dir);
  const manifest = { name: "audit-probe", version: "1.0.0", private: true, dependencies: { lodash: "4.17.20" }, devDependencies: { minimist: "1.2.5" } };
  writeFileSync(path.join(dir, "package.json"), JSON.stringify(manifest));
  if (lock) {
    writeFileSync(
      path.join(dir, "package-lock.json"),
      JSON.stringify({
        name: "audit-probe",
        version: "1.0.0",
        lockfileVersion: 3,
        requires: true,
        packages: {
          "": { name: "audit-probe", version: "1.0.0", dependencies: manifest.dependencies, devDependencies: manifest.devDependencies },
          "node_modules/lodash": { version: "4.17.20", resolved: "https://registry.npmjs.org/lodash/-/lodash-4.17.20.tgz", license: "MIT" },
          "node_modules/minimist": { version: "1.2.5", resolved: "https://registry.npmjs.org/minimist/-/minimist-1.2.5.tgz", dev: true, license: "MIT" },
        },
      }),
    );
  }
  return dir;
}

/** What the stand-in audit endpoint answers next, and the package names it was asked about. */
let answer: { status: number; body?: unknown } = { status: 200, body: {} };
const asked: string[][] = [];
const registry = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    if (req.method === "POST" && req.url === "/-/npm/v1/security/advisories/bulk") {
      const raw = Buffer.concat(chunks);
      const body = req.headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw;
      asked.push(Object.keys(JSON.parse(body.toString()) as object));
      res.statusCode = answer.status;
      res.setHeader("content-type", "application/json");
      res.end(answer.body === undefined ? "" : JSON.stringify(answer.body));
      return;
    }
    res.statusCode = 404; // package documents: npm then reports "no fix available"
    res.end();
  });
});
let registryUrl = "";

beforeAll(async () => {
  await new Promise<void>((resolve) => registry.listen(0, "127.0.0.1", resolve));
  registryUrl = `http://127.0.0.1:${(registry.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  await new Promise((resolve) => registry.close(resolve));
  rmSync(scratch, { recursive: true, force: true });
});

let runs = 0;
function audit(dir: string, env: Record<string, string> = {}): Promise<{ status: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", path.join(root, "scripts/security/npm-audit.ts"), dir],
      // A cache of its own per run: npm would otherwise answer a repeated audit from its cache.
      { cwd: root, timeout: 60_000, env: { ...process.env, npm_config_registry: registryUrl, npm_config_cache: path.join(scratch, `cache-${++runs}`), npm_config_fetch_retries: "0", NPM_AUDIT_UNREACHABLE: "", ...env } },
      (error, stdout, stderr) => resolve({ status: error ? Number(error.code ?? -1) : 0, output: `${stdout}${stderr}` }),
    );
  });
}

describe("npm audit gate (production dependencies)", () => {
  it("fails on a high advisory in a production dependency, naming the package, the advisory and whether a fix exists", async () => {
    answer = { status: 200, body: { lodash: [LODASH_HIGH] } };
    asked.length = 0;
    const r = await audit(project("high"));
    expect(r.output).toMatch(/high\s+lodash: high: Command Injection in lodash https:\/\/github.com\/advisories\/GHSA-35jh-r3h4-6jhm — no fix available/);
    expect(r.output).toContain("1 production package(s) with high or critical advisories (1 high)");
    expect(r.status, r.output).toBe(1);
    // Only production dependencies are asked about (--omit=dev).
    expect(asked).toEqual([["lodash"]]);
  }, 60_000);

  it("passes when the production dependencies have only moderate advisories, and lists them", async () => {
    answer = { status: 200, body: { lodash: [{ ...LODASH_HIGH, severity: "moderate" }] } };
    const r = await audit(project("moderate"));
    expect(r.output).toContain("no high or critical advisories in the production dependencies (1 moderate)");
    expect(r.output).toMatch(/moderate lodash/);
    expect(r.status, r.output).toBe(0);
  }, 60_000);

  it("fails with a clear message when the audit endpoint does not answer, and goes on with a warning only when told to", async () => {
    answer = { status: 405 };
    const strict = await audit(project("unreachable"));
    expect(strict.output).toMatch(/audit endpoint did not answer \(405 Method Not Allowed.*the production dependencies were NOT checked/);
    expect(strict.status, strict.output).toBe(2);
    const lenient = await audit(path.join(scratch, "unreachable"), { NPM_AUDIT_UNREACHABLE: "warn" });
    expect(lenient.output).toMatch(/WARNING: the registry's audit endpoint did not answer .*NOT checked/);
    expect(lenient.status, lenient.output).toBe(0);
  }, 60_000);

  it("fails whatever NPM_AUDIT_UNREACHABLE says when npm cannot audit for another reason (no lock file)", async () => {
    const r = await audit(project("no-lock", { lock: false }), { NPM_AUDIT_UNREACHABLE: "warn" });
    expect(r.output).toMatch(/npm audit failed/);
    expect(r.status, r.output).toBe(2);
  }, 60_000);
});
