/**
 * The worker process. SIGTERM/SIGINT: stop fetching, let in-flight handlers
 * finish and commit, disconnect, exit 0 — or exit 1 if that exceeds the bound.
 */
import { createServices } from "../lib/composition/root";
import { createWorkerAdapters } from "../lib/composition/worker";
import { describeCauses } from "../lib/domain/errors";
import { startWorker } from "./worker";

const SHUTDOWN_TIMEOUT_MS = 20_000;

const log = {
  info: (m: string) => console.log(`[worker] ${m}`),
  error: (m: string) => console.error(`[worker] ${m}`),
};

async function main(): Promise<void> {
  const services = createServices();
  const worker = await startWorker(services, createWorkerAdapters(services, log), log);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: shutting down`);
    const timer = setTimeout(() => {
      log.error("shutdown took too long; exiting");
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    await worker.stop();
    await services.close();
    clearTimeout(timer);
    log.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  log.error(`failed to start: ${describeCauses(error)}`);
  process.exit(1);
});
