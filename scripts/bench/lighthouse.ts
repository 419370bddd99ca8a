/**
 * Lighthouse's performance figures for a few pages of a running shop, for
 * scripts/bench/bench.ts. Runs the pinned Lighthouse 12 CLI (13 needs Node 22)
 * in its own process with Debian's Chromium, mobile emulation and simulated
 * throttling (Lighthouse's defaults), performance category only.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface LighthouseScore {
  page: string;
  url: string;
  runs: number;
  /** 0–100, the median over the runs, as each figure below. */
  performance: number;
  tbtMs: number;
  lcpMs: number;
  cls: number;
}

interface Report {
  runtimeError?: { code: string; message: string };
  categories: { performance?: { score: number | null } };
  audits: Record<string, { numericValue?: number } | undefined>;
}

/** The Chromium Lighthouse drives: CHROME_PATH (Lighthouse's own variable), else CHROMIUM_PATH (the e2e tests'), else Debian's. */
const chromePath = () => process.env.CHROME_PATH || process.env.CHROMIUM_PATH || "/usr/bin/chromium";

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** One Lighthouse run; throws with Lighthouse's own words when it could not measure the page. */
async function once(url: string): Promise<{ performance: number; tbtMs: number; lcpMs: number; cls: number }> {
  const bin = new URL("../../node_modules/.bin/lighthouse", import.meta.url).pathname;
  const { stdout } = await run(
    bin,
    [url, "--output=json", "--output-path=stdout", "--quiet", "--only-categories=performance", "--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
    // A report is a few MB; a run takes 10–30 s on a small machine.
    { env: { ...process.env, CHROME_PATH: chromePath() }, maxBuffer: 256 * 1024 * 1024, timeout: 180_000 },
  ).catch((error: unknown) => {
    const e = error as { stderr?: string; message?: string };
    throw new Error(`lighthouse ${url} failed: ${(e.stderr || e.message || String(error)).trim().split("\n").slice(-3).join(" ")}`, { cause: error });
  });
  const report = JSON.parse(stdout) as Report;
  if (report.runtimeError) throw new Error(`lighthouse ${url}: ${report.runtimeError.code} ${report.runtimeError.message}`);
  const figure = (audit: string) => {
    const value = report.audits[audit]?.numericValue;
    if (typeof value !== "number") throw new Error(`lighthouse ${url}: no ${audit} in the report`);
    return value;
  };
  const score = report.categories.performance?.score;
  if (typeof score !== "number") throw new Error(`lighthouse ${url}: no performance score in the report`);
  return { performance: score * 100, tbtMs: figure("total-blocking-time"), lcpMs: figure("largest-contentful-paint"), cls: figure("cumulative-layout-shift") };
}

/** Each page `runs` times, one run at a time (runs in parallel would measure each other); the median of each figure. */
export async function lighthouseScores(pages: { page: string; url: string }[], runs: number, log: (line: string) => void): Promise<LighthouseScore[]> {
  const scores: LighthouseScore[] = [];
  for (const { page, url } of pages) {
    const started = performance.now();
    const results = [];
    for (let i = 0; i < runs; i++) results.push(await once(url));
    const seconds = Math.round((performance.now() - started) / 1000);
    const score: LighthouseScore = {
      page,
      url,
      runs,
      performance: Math.round(median(results.map((r) => r.performance))),
      tbtMs: Math.round(median(results.map((r) => r.tbtMs))),
      lcpMs: Math.round(median(results.map((r) => r.lcpMs))),
      cls: Number(median(results.map((r) => r.cls)).toFixed(3)),
    };
    log(`  lighthouse ${page}: performance ${score.performance}, TBT ${score.tbtMs} ms, LCP ${score.lcpMs} ms, CLS ${score.cls} (${runs} ${runs === 1 ? "run" : "runs"}, ${seconds} s)`);
    scores.push(score);
  }
  return scores;
}
