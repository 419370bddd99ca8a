import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

// The alert rules are code: scripts/prometheus/check.sh runs promtool's config check, rule check
// and rule unit tests (ops/prometheus/alerts.test.yml). It fails when promtool is missing, so a
// machine without it fails here too instead of skipping the rules unseen.
const root = path.resolve(import.meta.dirname, "../..");
const source = path.join(root, "ops/prometheus");
const scratch = mkdtempSync(path.join(tmpdir(), "prometheus-rules-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function check(dir?: string) {
  const r = spawnSync("bash", [path.join(root, "scripts/prometheus/check.sh"), ...(dir ? [dir] : [])], { encoding: "utf8", timeout: 60_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** A copy of ops/prometheus with alerts.yml changed by `edit`. */
function copyWithRules(name: string, edit: (rules: string) => string): string {
  const dir = path.join(scratch, name);
  cpSync(source, dir, { recursive: true });
  const file = path.join(dir, "alerts.yml");
  const before = readFileSync(file, "utf8");
  const after = edit(before);
  expect(after, "the edit changed nothing: the test would prove nothing").not.toBe(before);
  writeFileSync(file, after);
  return dir;
}

describe("Prometheus config and alert rules (promtool)", () => {
  it("passes promtool's config check, rule check and every rule unit test", () => {
    const r = check();
    expect(r.output).toContain("pass");
    expect(r.status, r.output).toBe(0);
  }, 60_000);

  it("fails when an alert no longer fires where its unit test expects it (lag threshold raised)", () => {
    const r = check(copyWithRules("threshold", (s) => s.replace("sum by (group) (storefront_worker_consumer_lag) > 1000", "sum by (group) (storefront_worker_consumer_lag) > 5000")));
    expect(r.status).toBe(1);
    expect(r.output).toMatch(/FAILED[\s\S]*StorefrontConsumerLagHigh/);
  }, 60_000);

  it("fails when the first dead letter of a group would go unnoticed (new-series clause removed)", () => {
    const r = check(
      copyWithRules("new-series", (s) =>
        s.replace(
          /(increase\(storefront_worker_events_dead_lettered_total\[15m\]\)\) > 0)\n\s+or\n[\s\S]*?\) > 0\n/,
          "$1\n",
        ),
      ),
    );
    expect(r.status).toBe(1);
    expect(r.output).toMatch(/FAILED[\s\S]*StorefrontEventsDeadLettered/);
  }, 60_000);

  it("fails on a rule PromQL cannot parse", () => {
    const r = check(copyWithRules("syntax", (s) => s.replace("expr: up{job=~\"storefront-.*\"} == 0", "expr: up{job=~\"storefront-.*\" == 0")));
    expect(r.status).toBe(1);
    expect(r.output).toContain("alerts.yml");
  }, 60_000);
});
