import type { Services } from "../lib/composition/root";
import type { createWorkerAdapters } from "../lib/composition/worker";
import { orderConfirmationEmailHandler } from "./handlers/order-confirmation-email.handler";
import { releaseStockHandler } from "./handlers/release-stock.handler";
import { reserveStockHandler } from "./handlers/reserve-stock.handler";
import { welcomeEmailHandler } from "./handlers/welcome-email.handler";
import { receiptEmailHandler } from "./handlers/receipt-email.handler";
import { shippedEmailHandler } from "./handlers/shipped-email.handler";
import { runExpiry } from "./expiry";
import { runRelay } from "./relay";

export interface RunningWorker {
  /** Stops fetching, lets in-flight handlers finish and commit, stops the relay, disconnects. */
  stop(): Promise<void>;
}

/** Starts the outbox relay and one consumer group per concern. Used by main.ts and by tests. */
export async function startWorker(
  services: Services,
  adapters: ReturnType<typeof createWorkerAdapters>,
  log: { info(m: string): void; error(m: string): void },
): Promise<RunningWorker> {
  const notifications = services.notifications(adapters.mailer);
  const consumers = [
    adapters.consumer(reserveStockHandler(services)),
    adapters.consumer(releaseStockHandler(services)),
    adapters.consumer(orderConfirmationEmailHandler(notifications)),
    adapters.consumer(welcomeEmailHandler(notifications)),
    adapters.consumer(receiptEmailHandler(notifications)),
    adapters.consumer(shippedEmailHandler(notifications)),
  ];
  await Promise.all(consumers.map((c) => c.start()));
  const stopRelay = new AbortController();
  const relay = runRelay(services.relayOutbox(adapters.publisher), {
    batchSize: services.env.OUTBOX_BATCH_SIZE,
    pollMs: services.env.OUTBOX_POLL_MS,
    signal: stopRelay.signal,
    log: log.error,
  });
  const expiry = runExpiry(services.expireReservations, {
    intervalMs: services.env.EXPIRY_INTERVAL_MS,
    signal: stopRelay.signal,
    log: log.error,
  });
  log.info(`running: outbox relay, reservation expiry, ${consumers.length} consumer groups`);
  return {
    async stop() {
      stopRelay.abort();
      await Promise.allSettled([relay, expiry, ...consumers.map((c) => c.stop())]);
      await adapters.close();
    },
  };
}
