// Bundles the worker (workers/main.ts and the lib/ code it reaches) into one
// ES module, so production runs plain `node` without a TypeScript loader: tsx's
// loader thread and esbuild service cost ~48 MB of the worker's memory
// (docs/decisions/012-performance.md, "Memory"). Packages stay in node_modules.
//
//   tsx scripts/build-worker.ts [outfile]     (default dist/worker/main.mjs; npm run build:worker)
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const WORKER_BUNDLE = "dist/worker/main.mjs";

/** Builds the bundle at `outfile` (relative to the project root); a source map goes beside it for stack traces. */
export async function buildWorker(outfile: string = WORKER_BUNDLE): Promise<void> {
  await build({
    absWorkingDir: ROOT,
    entryPoints: ["workers/main.ts"],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    sourcemap: true,
    outfile,
    logLevel: "warning",
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildWorker(process.argv[2]);
}
