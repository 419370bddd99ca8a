import type { Services } from "../lib/composition/root";
import type { createWorkerAdapters } from "../lib/composition/worker";
import type { EventHandler, Logger } from "../lib/application/shared";
import type { Topic } from "../lib/domain/events";
import { PRUNABLE } from "../lib/application/maintenance/prune-expired";
import { INVENTORY_GROUP, NOTIFICATIONS_GROUP } from "./handlers/groups";
import { orderConfirmationEmailHandler } from "./handlers/order-confirmation-email.handler";
import { releaseStockHandler } from "./handlers/release-stock.handler";
import { reserveStockHandler } from "./handlers/reserve-stock.handler";
import { welcomeEmailHandler } from "./handlers/welcome-email.handler";
import { registrationAttemptEmailHandler } from "./handlers/registration-attempt-email.handler";
import { receiptEmailHandler } from "./handlers/receipt-email.handler";
import { shippedEmailHandler } from "./handlers/shipped-email.handler";
import { refundEmailHandler } from "./handlers/refund-email.handler";
import { runEmailDispatch } from "./email-dispatch";
import { runLoop } from "./loop";
import { runRelay } from "./relay";

export interface RunningWorker {
  /**
   * Stops fetching, lets in-flight handlers finish and commit, lets SMTP
   * conversations in flight finish and record their result, stops the relay
   * and the jobs, disconnects.
   */
  stop(): Promise<void>;
  /** For the health endpoint: every consumer group joined and fetching. */
  consumersRunning(): Record<string, boolean>;
}

type Adapters = ReturnType<typeof createWorkerAdapters>;
type Log = Pick<Logger, "info" | "error">;

const PRUNE_INTERVAL_MS = 10 * 60_000;

/**
 * Starts what env.WORKER_ROLES names: consumer groups, outbox relay, email
 * dispatch, jobs. Used by main.ts and by tests. Takes the worker's area of the
 * services and the settings (roles, intervals, batch sizes), nothing else; each
 * handler gets only the use cases it runs.
 */
export async function startWorker(services: Pick<Services, "env" | "worker">, adapters: Adapters, log: Log): Promise<RunningWorker> {
  const { env, worker } = services;
  const roles = new Set(env.WORKER_ROLES);
  const { metrics } = adapters;
  const stopLoops = new AbortController();
  const loops: Promise<void>[] = [];

  const groups: Record<string, EventHandler<Topic>[]> = roles.has("consumers")
    ? {
        [INVENTORY_GROUP]: [
          reserveStockHandler({ reserveStock: worker.reserveStock, reserveStockBatch: worker.reserveStockBatch }),
          releaseStockHandler({ releaseStock: worker.releaseStock }),
        ],
        [NOTIFICATIONS_GROUP]: [
          orderConfirmationEmailHandler(worker.notifications, worker.queueOrderConfirmations),
          receiptEmailHandler(worker.notifications),
          shippedEmailHandler(worker.notifications),
          refundEmailHandler(worker.notifications),
          welcomeEmailHandler(worker.notifications),
          registrationAttemptEmailHandler(worker.notifications),
        ],
      }
    : {};
  const consumers = Object.entries(groups).map(([group, handlers]) => ({ group, runner: adapters.consumerGroup(group, handlers) }));
  await Promise.all(consumers.map((c) => c.runner.start()));

  if (roles.has("relay")) {
    const wakeup = adapters.wakeup("outbox_events");
    await wakeup.start();
    // Several relay loops, like several relays (010): each claims other rows
    // (SKIP LOCKED) and an aggregate's events still go in order, while one
    // loop waits for the broker another reads and marks rows (ADR 012).
    const relayOnce = worker.relayOutbox(adapters.publisher);
    for (let i = 0; i < env.OUTBOX_RELAY_CONCURRENCY; i++) {
      loops.push(
        runRelay(relayOnce, {
          batchSize: env.OUTBOX_BATCH_SIZE,
          pollMs: env.OUTBOX_POLL_MS,
          wakeup,
          signal: stopLoops.signal,
          log: log.error,
          onPublished: (n) => {
            metrics.outboxPublished.inc({}, n);
            adapters.batchMetrics.outboxBatchEvents.observe({}, n);
          },
          onFailure: () => metrics.outboxPublishFailures.inc(),
        }),
      );
    }
  }
  if (roles.has("emails")) {
    const wakeup = adapters.wakeup("outgoing_emails");
    await wakeup.start();
    const dispatcher = worker.emailDispatcher(adapters.mailer, {
      concurrency: env.EMAIL_CONCURRENCY,
      maxAttempts: env.EMAIL_MAX_ATTEMPTS,
      baseBackoffMs: env.EMAIL_BACKOFF_MS,
      leaseMs: env.EMAIL_LEASE_SECONDS * 1000,
      onSent: (kind) => metrics.emailsSent.inc({ kind }),
      onFailed: (kind) => metrics.emailsFailed.inc({ kind }),
      onGivenUp: (kind) => metrics.emailsGivenUp.inc({ kind }),
      onInDoubt: (kind) => {
        metrics.emailsInDoubt.inc({ kind });
        log.info(`sending a ${kind} email again after an attempt with no recorded outcome`);
      },
    });
    loops.push(runEmailDispatch(dispatcher, { batchSize: env.EMAIL_CONCURRENCY * 2, pollMs: 5_000, wakeup, signal: stopLoops.signal, log: log.error }));
  }
  if (roles.has("jobs")) {
    const pruneExpired = worker.pruneExpired((table, rows) => metrics.prunedRows.inc({ table }, rows));
    // Every table's series exists from the start, so a rate() over it is 0 rather than absent.
    for (const table of PRUNABLE) metrics.prunedRows.inc({ table }, 0);
    const paymentWakeup = adapters.wakeup("refunds");
    await paymentWakeup.start();
    // Several workers may run the jobs: expiry locks due orders with SKIP
    // LOCKED and moves each with a compare-and-set, so every expiry happens once.
    loops.push(
      runLoop(
        "reservation expiry",
        async (signal) => {
          for (;;) {
            const n = await worker.expireReservations(100, signal);
            metrics.reservationsExpired.inc({}, n);
            if (n < 100 || signal.aborted) return env.EXPIRY_INTERVAL_MS;
          }
        },
        { signal: stopLoops.signal, log: log.error },
      ),
      runLoop(
        "payment settlement",
        async (signal) => {
          // Voids owed, refunds to make, attempts whose request died: a new refund wakes this at once (NOTIFY refunds).
          for (;;) {
            const n = await worker.settlePayments(50, signal);
            metrics.paymentsSettled.inc({ outcome: "applied" }, n.applied);
            metrics.paymentsSettled.inc({ outcome: "voided" }, n.voided);
            metrics.paymentsSettled.inc({ outcome: "refunded" }, n.refunded);
            metrics.paymentsSettled.inc({ outcome: "abandoned" }, n.abandoned);
            metrics.paymentFailures.inc({ operation: "void" }, n.voidFailures);
            metrics.paymentFailures.inc({ operation: "refund" }, n.refundFailures);
            const claimed = n.voided + n.voidFailures + n.refunded + n.refundFailures;
            if (claimed < 50 || signal.aborted) return env.PAYMENTS_SETTLE_INTERVAL_MS;
          }
        },
        { signal: stopLoops.signal, log: log.error, wakeup: paymentWakeup },
      ),
      runLoop(
        "retention pruning",
        async (signal) => {
          // Several workers may prune at once: each batch skips rows another holds (SKIP LOCKED).
          const started = Date.now();
          const totals = await pruneExpired(signal);
          log.info(`retention pruning: ${Object.entries(totals).map(([table, n]) => `${table} ${n}`).join(", ")} rows deleted in ${Date.now() - started} ms`, { pruned: totals });
          return env.RETENTION_INTERVAL_MS;
        },
        { signal: stopLoops.signal, log: log.error, onFailure: () => metrics.retentionFailures.inc() },
      ),
      runLoop(
        "outbox pruning",
        async (signal) => {
          metrics.outboxPruned.inc({}, await worker.pruneOutbox(1_000, signal));
          return PRUNE_INTERVAL_MS;
        },
        { signal: stopLoops.signal, log: log.error },
      ),
    );
  }
  log.info(`running: ${[...roles].join(", ")}${consumers.length ? ` (${consumers.map((c) => c.group).join(", ")})` : ""}`);
  return {
    consumersRunning: () => Object.fromEntries(consumers.map((c) => [c.group, c.runner.isRunning])),
    async stop() {
      // Consumers first: they stop fetching and finish what they hold, so no
      // handler is cut off; the loops then finish their current round.
      await Promise.allSettled(consumers.map((c) => c.runner.stop()));
      stopLoops.abort();
      await Promise.allSettled(loops);
      await adapters.close();
    },
  };
}
