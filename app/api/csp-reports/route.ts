import { z } from "zod";
import { webLogger } from "@/lib/composition/logger";
import { getServices } from "@/lib/composition/root";
import { problem } from "@/app/_lib/http";
import { fieldIssues } from "@/lib/domain/validation";

export const dynamic = "force-dynamic";

/**
 * Where browsers report what the Content-Security-Policy blocked (its
 * report-uri): an injected script, or a page of ours the policy does not fit.
 * Counted by directive (storefront_csp_violations_total, the number to alert
 * on) and logged, at most LOG_PER_MINUTE lines a minute per process: anyone can
 * post here, so the log must not be floodable. Nothing is stored.
 */
const MAX_BYTES = 16 * 1024;
const LOG_PER_MINUTE = 20;
/** The label's values: directives our policies name, anything else is "other". */
const DIRECTIVES = new Set([
  "default-src", "script-src", "script-src-elem", "script-src-attr", "style-src", "style-src-elem", "style-src-attr", "img-src",
  "font-src", "connect-src", "object-src", "base-uri", "form-action", "frame-ancestors", "frame-src", "child-src", "worker-src", "manifest-src", "media-src",
]);

// Not .strict(): browsers send more fields than we read (original-policy, referrer,
// line numbers…) and add new ones; the ones we read are bounded, the rest dropped.
const text = (max: number) => z.string().max(max);
/** report-uri's format (what Chromium and Firefox send for report-uri). */
export const cspReportSchema = z.object({
  "csp-report": z.object({
    "document-uri": text(4096),
    "effective-directive": text(64).optional(),
    "violated-directive": text(4096).optional(),
    "blocked-uri": text(4096).optional(),
  }),
});
export type CspReport = z.infer<typeof cspReportSchema>;

let logWindow = { startedAt: 0, logged: 0, suppressed: 0 };

export async function POST(request: Request): Promise<Response> {
  if (Number(request.headers.get("content-length") ?? 0) > MAX_BYTES) return problem(413, "payload_too_large", `A report is at most ${MAX_BYTES} bytes.`);
  const body = await request.text();
  if (body.length > MAX_BYTES) return problem(413, "payload_too_large", `A report is at most ${MAX_BYTES} bytes.`);
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return problem(400, "validation", "The report is not JSON.", [{ path: "body", message: "not JSON" }]);
  }
  const parsed = cspReportSchema.safeParse(json);
  if (!parsed.success) {
    return problem(400, "validation", "The report is not a CSP violation report.", fieldIssues(parsed.error, { whole: "body" }));
  }
  const report = parsed.data["csp-report"];
  const named = (report["effective-directive"] ?? report["violated-directive"] ?? "").trim().split(/\s+/)[0]!.toLowerCase();
  const directive = DIRECTIVES.has(named) ? named : "other";
  getServices().metrics.cspViolations.inc({ directive });
  const now = Date.now();
  if (now - logWindow.startedAt >= 60_000) {
    if (logWindow.suppressed > 0) webLogger().warn(`csp violation: ${logWindow.suppressed} more reports in the last minute were counted, not logged`);
    logWindow = { startedAt: now, logged: 0, suppressed: 0 };
  }
  if (logWindow.logged < LOG_PER_MINUTE) {
    logWindow.logged++;
    webLogger().warn("csp violation", { directive, blocked: blockedLabel(report["blocked-uri"]), page: pathOf(report["document-uri"]) });
  } else {
    logWindow.suppressed++;
  }
  return new Response(null, { status: 204 });
}

/** "inline", "eval" or the blocked URL's origin: never a path or query (tokens live there). */
function blockedLabel(uri: string | undefined): string {
  if (!uri) return "";
  if (/^(inline|eval|wasm-eval|data|blob)$/.test(uri)) return uri;
  try {
    return new URL(uri).origin;
  } catch {
    return "(not a URL)";
  }
}

function pathOf(uri: string): string {
  try {
    return new URL(uri).pathname;
  } catch {
    return "(not a URL)";
  }
}
