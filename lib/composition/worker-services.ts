/**
 * Wires what the worker process runs (root.ts's `worker`): the consumers' use
 * cases, the outbox relay, email dispatch and the periodic jobs. Built with the
 * rest of the services, over the same pool; the worker's own adapters (Kafka,
 * SMTP, LISTEN connections) are ./worker.ts, which the web never loads.
 */
import { makeReleaseStock } from "../application/inventory/release-stock";
import { makeReserveStock, makeReserveStockBatch } from "../application/inventory/reserve-stock";
import { makeExpireReservations } from "../application/orders/expire-reservations";
import { makeNotifications, makeQueueOrderConfirmations, type Mailer } from "../application/notifications/emails";
import { makeEmailDispatcher, type EmailDispatcherDeps } from "../application/notifications/email-dispatcher";
import { makePruneOutbox, makeRelayOutbox } from "../application/outbox/relay-outbox";
import { makePruneExpired, type Prunable } from "../application/maintenance/prune-expired";
import type { makeSettlePayments } from "../application/payments/settle-payments";
import type { Env } from "../infrastructure/config/env";
import { PrismaDeadLetterRepository } from "../infrastructure/db/prisma-dead-letter-repository";
import { PrismaOutboxRelayStore } from "../infrastructure/db/prisma-outbox-repository";
import { PrismaOutgoingEmailRepository } from "../infrastructure/db/prisma-outgoing-email-repository";
import { PrismaRetentionStore } from "../infrastructure/db/prisma-retention-store";
import type { ServiceDeps } from "./deps";

/** `settlePayments`: the payments' settlement round, wired in root.ts with the payments it shares a provider with. */
export function createWorkerServices(
  deps: Pick<ServiceDeps, "prisma" | "uow" | "clock" | "ids" | "env">,
  { settlePayments }: { settlePayments: ReturnType<typeof makeSettlePayments>["settle"] },
) {
  const { prisma, uow, clock, ids, env } = deps;
  const outboxStore = new PrismaOutboxRelayStore(prisma);
  return {
    reserveStock: makeReserveStock({ uow, ids, clock, reservationTtlMs: env.RESERVATION_TTL_SECONDS * 1000 }),
    /** reserveStock for a backlog: many order.created events in one transaction (the worker's batches). */
    reserveStockBatch: makeReserveStockBatch({ uow, ids, clock, reservationTtlMs: env.RESERVATION_TTL_SECONDS * 1000 }),
    releaseStock: makeReleaseStock({ uow, ids, clock }),
    expireReservations: makeExpireReservations({ uow, ids, clock }),
    /** The worker's round over owed voids, refunds and half-finished payments. */
    settlePayments,
    /** Email use cases: each queues its email with the event's processed mark, in one transaction. */
    notifications: makeNotifications({ uow, ids, shopUrl: env.APP_URL }),
    /** sendOrderConfirmation for a backlog: many events' emails queued in one transaction. */
    queueOrderConfirmations: makeQueueOrderConfirmations({ uow, ids, shopUrl: env.APP_URL }),
    /** Email sending from the outgoing_emails table, bound to a mailer the caller owns (the worker). */
    emailDispatcher: (mailer: Mailer, options: Omit<EmailDispatcherDeps, "queue" | "mailer" | "clock">) =>
      makeEmailDispatcher({ queue: new PrismaOutgoingEmailRepository(prisma), mailer, clock, ...options }),
    relayOutbox: (publisher: Parameters<typeof makeRelayOutbox>[0]["publisher"]) => makeRelayOutbox({ store: outboxStore, publisher }),
    pruneOutbox: makePruneOutbox({ store: outboxStore, clock, retentionMs: env.OUTBOX_RETENTION_HOURS * 3_600_000 }),
    /** One retention pass over the tables that grow without bound (env's *_RETENTION_* settings), counted per batch through onPruned. */
    pruneExpired: (onPruned?: (what: Prunable, rows: number) => void) =>
      makePruneExpired({
        store: new PrismaRetentionStore(prisma),
        clock,
        retentionMs: retentionPeriods(env),
        batchSize: env.RETENTION_BATCH_SIZE,
        pauseMs: env.RETENTION_PAUSE_MS,
        onPruned,
      }),
    /** Where the worker records the events it dead-letters (over this pool: dead letters are rare). */
    deadLetters: new PrismaDeadLetterRepository(prisma),
  };
}

/** The worker's area of the services: what workers/ is handed, piece by piece. */
export type WorkerServices = ReturnType<typeof createWorkerServices>;

const HOUR_MS = 3_600_000;

/** Each table's retention period, from env. */
function retentionPeriods(env: Env): Record<Prunable, number> {
  return {
    auth_sessions: env.AUTH_SESSIONS_RETENTION_HOURS * HOUR_MS,
    api_sessions: env.API_SESSIONS_RETENTION_HOURS * HOUR_MS,
    idempotency_keys: env.IDEMPOTENCY_KEYS_RETENTION_HOURS * HOUR_MS,
    guest_carts: env.GUEST_CART_RETENTION_DAYS * 24 * HOUR_MS,
    rate_limits: env.RATE_LIMITS_RETENTION_HOURS * HOUR_MS,
    processed_events: env.PROCESSED_EVENTS_RETENTION_HOURS * HOUR_MS,
    outgoing_emails: env.SENT_EMAIL_RETENTION_DAYS * 24 * HOUR_MS,
    dead_letters: env.DEAD_LETTER_RETENTION_DAYS * 24 * HOUR_MS,
  };
}
