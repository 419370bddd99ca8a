/**
 * Known advisories in the production dependencies (`npm audit --omit=dev`):
 * fails on any high or critical one, and prints each with its severity, its
 * advisories and whether npm knows a fix. Run by scripts/test.sh (so by CI).
 *
 *   npx tsx scripts/security/npm-audit.ts [dir]   # dir: where package-lock.json is (default: the repo)
 *
 * Exit codes: 0 nothing high or critical; 1 high or critical advisories found;
 * 2 no answer: the registry's audit endpoint could not be asked, or npm failed.
 *
 * Env:
 *   NPM_AUDIT_UNREACHABLE  fail | warn (default fail). What it means when the registry's
 *                          audit endpoint does not answer (an HTTP error or no network):
 *                          fail exits 2; warn prints a warning and exits 0. Never applies
 *                          to advisories found, nor to other npm failures (no lock file).
 *   npm_config_registry    the registry asked (npm's own setting)
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { z } from "zod";

const FAILING = new Set(["high", "critical"]);

const modeSchema = z.enum(["fail", "warn"], { error: "NPM_AUDIT_UNREACHABLE must be fail or warn" }).default("fail");

// What npm prints with --json. An advisory in `via` is an object; a package name there
// means "vulnerable through that dependency".
const advisory = z.object({ title: z.string(), url: z.string().optional(), severity: z.string(), range: z.string().optional() });
const reportSchema = z.object({
  vulnerabilities: z.record(
    z.string(),
    z.object({
      name: z.string(),
      severity: z.string(),
      range: z.string().optional(),
      via: z.array(z.union([z.string(), advisory.loose()])),
      fixAvailable: z.union([z.boolean(), z.object({ name: z.string(), version: z.string(), isSemVerMajor: z.boolean().optional() }).loose()]),
    }).loose(),
  ),
  metadata: z.object({ vulnerabilities: z.record(z.string(), z.number()) }).loose(),
});
const errorSchema = z.object({
  message: z.string().optional(),
  statusCode: z.number().optional(),
  error: z.object({ code: z.string().nullish(), summary: z.string().optional(), detail: z.string().optional() }).loose().optional(),
}).loose();

/** Network failures npm reports when it cannot reach the registry at all. */
const NO_NETWORK = /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|E\d{3})$/;

function npmAudit(dir: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // Exits 1 both when it finds advisories and when it fails: the JSON tells which.
    execFile("npm", ["audit", "--omit=dev", "--json"], { cwd: dir, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 }, (_error, stdout, stderr) =>
      resolve({ stdout, stderr }),
    );
  });
}

function fixText(fix: z.infer<typeof reportSchema>["vulnerabilities"][string]["fixAvailable"]): string {
  if (fix === true) return "fix available (npm audit fix)";
  if (fix === false) return "no fix available";
  return `fix available: ${fix.name}@${fix.version}${fix.isSemVerMajor ? " (semver-major)" : ""}`;
}

async function main(): Promise<number> {
  const dir = path.resolve(process.argv[2] ?? path.join(import.meta.dirname, "../.."));
  const mode = modeSchema.safeParse(process.env.NPM_AUDIT_UNREACHABLE || undefined);
  if (!mode.success) {
    console.error(`[npm-audit] ${mode.error.issues[0]!.message}`);
    return 2;
  }
  const { stdout, stderr } = await npmAudit(dir);
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    console.error(`[npm-audit] npm audit printed no report:\n${stderr.trim()}`);
    return 2;
  }

  const report = reportSchema.safeParse(json);
  if (!report.success) {
    const failure = errorSchema.safeParse(json);
    const code = failure.success ? (failure.data.statusCode !== undefined ? `E${failure.data.statusCode}` : failure.data.error?.code ?? "") : "";
    const message = failure.success ? failure.data.message || failure.data.error?.summary || code : "";
    if (NO_NETWORK.test(code)) {
      const text = `the registry's audit endpoint did not answer (${message}); the production dependencies were NOT checked for advisories`;
      if (mode.data === "warn") {
        console.warn(`[npm-audit] WARNING: ${text} (NPM_AUDIT_UNREACHABLE=warn)`);
        return 0;
      }
      console.error(`[npm-audit] ${text}. Set NPM_AUDIT_UNREACHABLE=warn to go on without the check where no audit endpoint is reachable.`);
      return 2;
    }
    console.error(`[npm-audit] npm audit failed: ${message || stdout.slice(0, 500)}`);
    return 2;
  }

  const { vulnerabilities, metadata } = report.data;
  const counts = Object.entries(metadata.vulnerabilities).filter(([k, n]) => k !== "total" && n > 0).map(([k, n]) => `${n} ${k}`);
  const failing = Object.values(vulnerabilities).filter((v) => FAILING.has(v.severity));
  for (const v of Object.values(vulnerabilities).sort((a, b) => a.name.localeCompare(b.name))) {
    const advisories = v.via.map((x) => (typeof x === "string" ? `via ${x}` : `${x.severity}: ${x.title}${x.url ? ` ${x.url}` : ""}`));
    const line = `[npm-audit] ${v.severity.padEnd(8)} ${v.name}${v.range ? ` ${v.range}` : ""}: ${advisories.join("; ")} — ${fixText(v.fixAvailable)}`;
    if (FAILING.has(v.severity)) console.error(line);
    else console.log(line);
  }
  if (failing.length > 0) {
    console.error(`[npm-audit] ${failing.length} production package(s) with high or critical advisories (${counts.join(", ")})`);
    return 1;
  }
  console.log(`[npm-audit] no high or critical advisories in the production dependencies${counts.length ? ` (${counts.join(", ")})` : ""}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[npm-audit] failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
