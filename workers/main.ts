/**
 * The worker process: outbox relay plus one consumer group per concern.
 * SIGTERM/SIGINT stop fetching, let in-flight handlers finish and commit,
 * disconnect, and exit 0 (or 1 if that takes longer than the bound).
 */
import { createServices } from "../lib/composition/root";
import { createWorkerAdapters } from "../lib/composition/worker";
import { describeCauses } from "../lib/domain/errors";
import { orderConfirmationEmailHandler } from "./handlers/order-confirmation-email.handler";
import { reserveStockHandler } from "./handlers/reserve-stock.handler";
import { welcomeEmailHandler } from "./handlers/welcome-email.handler";
import { runRelay } from "./relay";

const SHUTDOWN_TIMEOUT_MS = 20_000;

const logger = {
  info: (m: string) => console.log(`[worker] ${m}`),
  error: (m: string) => console.error(`[worker] ${m}`),
};

async function main(): Promise<void> {
  const services = createServices();
  const adapters = createWorkerAdapters(services.env, logger);
  const notifications = services.notifications(adapters.mailer);
  const stop = new AbortController();

  const consumers = [
    adapters.consumer(reserveStockHandler(services)),
    adapters.consumer(orderConfirmationEmailHandler(notifications)),
    adapters.consumer(welcomeEmailHandler(notifications)),
  ];
  await Promise.all(consumers.map((c) => c.start()));
  const relay = runRelay(services.relayOutbox(adapters.publisher), {
    batchSize: services.env.OUTBOX_BATCH_SIZE,
    pollMs: services.env.OUTBOX_POLL_MS,
    signal: stop.signal,
    log: logger.error,
  });
  logger.info(`running: relay + ${consumers.length} consumers`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: shutting down`);
    const timer = setTimeout(() => {
      logger.error("shutdown took too long; exiting");
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    stop.abort();
    await Promise.allSettled([relay, ...consumers.map((c) => c.stop())]);
    await adapters.close();
    await services.close();
    clearTimeout(timer);
    logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  logger.error(`failed to start: ${describeCauses(error)}`);
  process.exit(1);
});
