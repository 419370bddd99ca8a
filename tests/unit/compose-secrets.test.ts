import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * docker-compose.yml cannot be run here (no Docker engine), so it is checked by
 * reading: a secret comes from the person starting it (`${NAME:?message}`:
 * compose refuses to start without it), never from a default written in the file.
 */
const ROOT = path.resolve(import.meta.dirname, "../..");
const compose = readFileSync(path.join(ROOT, "docker-compose.yml"), "utf8");

const SECRETS = ["AUTH_SECRET", "NEXTAUTH_SECRET", "API_TOKEN_SECRET", "REQUEST_FINGERPRINT_SECRET", "METRICS_TOKEN", "ADMIN_PASSWORD", "POSTGRES_PASSWORD"];

/** `NAME: value` lines of the file (environment entries), comments aside. */
function settings(name: string): string[] {
  return [...compose.matchAll(new RegExp(`^\\s*${name}:\\s*(.+)$`, "gm"))].map((m) => m[1]!.trim());
}

describe("docker-compose.yml's secrets", () => {
  it("requires every secret from whoever starts it", () => {
    for (const name of SECRETS) {
      expect(settings(name).length, name).toBeGreaterThan(0);
      for (const value of settings(name)) {
        // Required (":?", with a YAML anchor perhaps), or a YAML alias of a required one.
        expect(value, name).toMatch(/^(&[\w-]+ )?\$\{[A-Z_]+:\?[^}]+\}$|^\*[\w-]+$/);
      }
    }
    expect(settings("DATABASE_URL").join("\n")).toContain("${POSTGRES_PASSWORD:?");
  });

  it("writes no default value for any variable it substitutes into a secret", () => {
    // ${NAME:-default} and ${NAME-default} give a working value when NAME is unset.
    const defaulted = [...compose.matchAll(/\$\{([A-Z_]+):?-/g)].map((m) => m[1]);
    expect(defaulted.filter((name) => SECRETS.includes(name!))).toEqual([]);
  });
});
