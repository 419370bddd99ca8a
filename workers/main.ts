/**
 * The worker process: consumer groups, outbox relay, email dispatch and jobs
 * (env.WORKER_ROLES), plus an HTTP endpoint for health and Prometheus metrics.
 *
 * SIGTERM/SIGINT: stop fetching, let in-flight handlers finish and commit, let
 * SMTP conversations in flight finish, disconnect, exit 0 — or exit 1 if that
 * takes longer than WORKER_SHUTDOWN_TIMEOUT_MS.
 */
import { createServices } from "../lib/composition/root";
import { createWorkerLogger } from "../lib/composition/logger";
import { logProcessWarnings, startWorkerTracing } from "../lib/composition/observability";
import { createWorkerAdapters } from "../lib/composition/worker";
import { assertSafeToStart } from "../lib/composition/startup";
import { startWorkerHttpServer } from "./http-server";
import { startWorker } from "./worker";

// JSON lines in production (service "storefront-worker", with the pid); an error goes
// under `err` with its cause chain.
const log = createWorkerLogger();
logProcessWarnings(log);

async function main(): Promise<void> {
  const tracing = await startWorkerTracing();
  // The configuration is read (and a production one with unsafe secrets refused) here.
  const services = createServices(undefined, { log });
  const { env } = services;
  await assertSafeToStart(services);
  const adapters = createWorkerAdapters({ env, deadLetters: services.worker.deadLetters }, log);
  const worker = await startWorker({ env, worker: services.worker }, adapters, log);
  const http = await startWorkerHttpServer({
    port: env.WORKER_HTTP_PORT,
    host: env.WORKER_HTTP_HOST,
    metrics: adapters.metrics.registry,
    log,
    health: async () => {
      const { postgres, kafka } = await services.readiness();
      const consumers = worker.consumersRunning();
      const checks: Record<string, { ok: boolean; error?: string }> = {
        postgres: postgres.ok ? { ok: true } : { ok: false, error: postgres.error },
        kafka: kafka.ok ? { ok: true } : { ok: false, error: kafka.error },
      };
      for (const [group, running] of Object.entries(consumers)) {
        checks[`consumer ${group}`] = running ? { ok: true } : { ok: false, error: "not in its group" };
      }
      return { ok: Object.values(checks).every((c) => c.ok), checks };
    },
  });
  log.info(`health and metrics on http://${env.WORKER_HTTP_HOST}:${http.port}/metrics`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const started = Date.now();
    log.info(`${signal}: shutting down`);
    const timer = setTimeout(() => {
      log.error(`shutdown took longer than ${env.WORKER_SHUTDOWN_TIMEOUT_MS} ms; exiting`);
      process.exit(1);
    }, env.WORKER_SHUTDOWN_TIMEOUT_MS);
    try {
      await worker.stop();
      await http.close();
      await services.close();
      // The spans still buffered (the last handlers', the shutdown's) go out before exit.
      await tracing.shutdown();
    } catch (error) {
      log.error("shutdown failed", { err: error });
      process.exit(1);
    }
    clearTimeout(timer);
    log.info(`stopped in ${Date.now() - started} ms`);
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
  log.info(tracing.exporting ? "tracing: exporting spans to Zipkin" : "tracing: no exporter configured (trace ids only)");
}

// Recovery: a promise nobody awaited that fails is a bug to log (with the
// trace it happened in), not a reason to stop reserving stock and sending email.
process.on("unhandledRejection", (reason) => log.error("unhandled promise rejection; the worker goes on", { err: reason }));

main().catch((error: unknown) => {
  log.error("failed to start", { err: error });
  process.exit(1);
});
