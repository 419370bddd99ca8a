/**
 * The one composition root: wires ports to adapters by hand. The Next app and
 * the worker both build their use cases here; nothing else constructs
 * infrastructure.
 */
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import pg from "pg";
import { makeAuthenticate, SIGN_IN_LIMITS } from "../application/auth/authenticate";
import { makeRegisterUser } from "../application/auth/register-user";
import { makeFindAdminsWithDefaultPassword } from "../application/auth/default-admin-passwords";
import { KNOWN_DEFAULT_ADMIN_PASSWORDS } from "../infrastructure/config/known-defaults";
import { makeApiTokens } from "../application/auth/api-tokens";
import { makeIdempotency } from "../application/api/idempotency";
import { PrismaApiSessionRepository } from "../infrastructure/db/prisma-api-session-repository";
import { PrismaIdempotencyRepository } from "../infrastructure/db/prisma-idempotency-repository";
import { PrismaDeadLetterRepository } from "../infrastructure/db/prisma-dead-letter-repository";
import { JoseAccessTokenSigner } from "../infrastructure/security/jose-access-token-signer";
import { makeReadiness } from "../infrastructure/health/readiness";
import { kafkaConnection } from "../infrastructure/kafka/connection";
import { makeSessions } from "../application/auth/sessions";
import { makeAccountSecurity } from "../application/auth/account-security";
import { makeCart } from "../application/cart/cart";
import { makeMergeGuestCart } from "../application/cart/merge-guest-cart";
import { makeCatalog } from "../application/catalog/catalog";
import { noCatalogCache } from "../application/catalog/catalog-cache";
import { NotifiedCatalogCache } from "../infrastructure/cache/notified-catalog-cache";
import { createAdminServices } from "./admin";
import { makeReleaseStock } from "../application/inventory/release-stock";
import { makeReserveStock, makeReserveStockBatch } from "../application/inventory/reserve-stock";
import { makeCancelOrder } from "../application/orders/cancel-order";
import { makeExpireReservations } from "../application/orders/expire-reservations";
import { DEFAULT_PAYMENT_LIMITS, makeApplyCharge, makePayOrder } from "../application/payments/pay-order";
import { withTimeout } from "../application/payments/payment-provider";
import { makeReconcilePayments } from "../application/payments/reconcile-payments";
import { makeRefundOrder } from "../application/payments/refunds";
import { makeSettlePayments } from "../application/payments/settle-payments";
import { PrismaPaymentWorkQueue } from "../infrastructure/db/prisma-payment-repository";
import { makeNotifications, makeQueueOrderConfirmations, type Mailer } from "../application/notifications/emails";
import { makeEmailDispatcher, type EmailDispatcherDeps } from "../application/notifications/email-dispatcher";
import { makeOrderQueries } from "../application/orders/order-queries";
import { makePlaceOrder } from "../application/orders/place-order";
import { makeQuoteCheckout } from "../application/orders/checkout-quote";
import { makePruneOutbox, makeRelayOutbox } from "../application/outbox/relay-outbox";
import { makePruneExpired, type Prunable } from "../application/maintenance/prune-expired";
import { PrismaRetentionStore } from "../infrastructure/db/prisma-retention-store";
import { systemClock, type Clock, type IdGenerator, type Logger } from "../application/shared";
import { webLogger } from "./logger";
import { loadEnv, type Env } from "../infrastructure/config/env";
import { PrismaCartRepository } from "../infrastructure/db/prisma-cart-repository";
import { PrismaCategoryRepository } from "../infrastructure/db/prisma-category-repository";
import { createPrismaClient } from "../infrastructure/db/prisma-client";
import { PrismaOrderRepository } from "../infrastructure/db/prisma-order-repository";
import { PrismaOutboxRelayStore } from "../infrastructure/db/prisma-outbox-repository";
import { PrismaOutgoingEmailRepository } from "../infrastructure/db/prisma-outgoing-email-repository";
import { PrismaProductRepository } from "../infrastructure/db/prisma-product-repository";
import { PrismaSessionRepository } from "../infrastructure/db/prisma-session-repository";
import { PrismaUnitOfWork } from "../infrastructure/db/prisma-unit-of-work";
import { PrismaUserRepository } from "../infrastructure/db/prisma-user-repository";
import { Argon2PasswordHasher } from "../infrastructure/security/argon2-password-hasher";
import { RedisAttemptCounter, type WhenRedisFails } from "../infrastructure/security/redis-attempt-counter";
import { RedisConnection } from "../infrastructure/redis/redis-connection";
import { createWebMetrics, webMetrics, type WebMetrics } from "../infrastructure/observability/metrics";
import { FakePaymentProvider } from "../infrastructure/payments/fake-payment-provider";
import { traced } from "../infrastructure/payments/traced-payment-provider";

/** Hash of a random password nobody knows: verified against when an email is unknown. */
const DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$8cbtHsIBRATb5zuUisOlhg$b/h8iUbV+0K5HHQ9rvz8D1z7JEbMm+dCEJgAiIX50Ts";

/**
 * `log`: where the services report what they cannot return to a caller
 * (default: the web process's logger). `metrics`: where the web's counters go;
 * the web process passes its one process-wide set (getServices). Without it
 * (the worker, tests, scripts) the services count into a registry of their own
 * that nobody scrapes.
 */
export function createServices(env: Env = loadEnv(), overrides: { clock?: Clock; ids?: IdGenerator; log?: Logger; metrics?: WebMetrics } = {}) {
  const log = overrides.log ?? webLogger();
  const prisma = createPrismaClient(env.DATABASE_URL, { poolSize: env.DATABASE_POOL_SIZE });
  const uow = new PrismaUnitOfWork(prisma);
  const clock = overrides.clock ?? systemClock;
  const ids = overrides.ids ?? { uuid: randomUUID };
  const hasher = new Argon2PasswordHasher();
  const users = new PrismaUserRepository(prisma);
  const metrics = overrides.metrics ?? createWebMetrics();
  // One catalog cache per process, emptied by every committed catalog write
  // (PostgreSQL NOTIFY). It connects on first use; the worker never reads the catalog.
  const catalogCache =
    env.CATALOG_CACHE_TTL_SECONDS > 0
      ? new NotifiedCatalogCache({
          databaseUrl: env.CATALOG_CACHE_LISTEN_URL ?? env.DATABASE_URL,
          ttlMs: env.CATALOG_CACHE_TTL_SECONDS * 1000,
          log: log.warn,
          onLookup: (result) => metrics.cacheRequests.inc({ cache: "catalog", result }),
        })
      : null;
  // The readiness probe's own connection (PostgreSQL answers SELECT 1), apart
  // from Prisma's pool so a busy shop still answers it. Connects lazily.
  const probePool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 1, application_name: "storefront-readiness" });

  // Rate limits are counted in Redis (docs/decisions/012-performance.md), shared
  // by every web instance. The client connects on the first counted request, so
  // the worker, which counts nothing, opens no connection.
  const redis = new RedisConnection(env.REDIS_URL, { log });
  const keyPrefix = env.REDIS_KEY_PREFIX ?? `storefront:${databaseName(env.DATABASE_URL)}:`;
  const minute = 60_000;
  const rateLimit = (name: string, limit: { attempts: number; windowMs: number }, whenRedisFails: WhenRedisFails) =>
    new RedisAttemptCounter(redis, { name, ...limit, whenRedisFails, keyPrefix, metrics });

  const authenticate = makeAuthenticate({
    credentials: users,
    hasher,
    dummyHash: DUMMY_HASH,
    // Fail closed: without Redis nobody signs in, rather than guessers guessing unlimited.
    attempts: {
      perEmail: rateLimit("sign_in_email", SIGN_IN_LIMITS.perEmail, "refuse"),
      perIp: rateLimit("sign_in_ip", SIGN_IN_LIMITS.perIp, "refuse"),
    },
  });
  const outboxStore = new PrismaOutboxRelayStore(prisma);

  // Payments (docs/decisions/011-payments-and-refunds.md). env refuses a
  // production start unless PAYMENTS_PROVIDER names the adapter; the fake is the only one.
  const processor = new FakePaymentProvider({
    databaseUrl: env.DATABASE_URL,
    latencyMs: env.PAYMENTS_FAKE_LATENCY_MS,
    failWith: env.PAYMENTS_FAKE_FAIL,
    failFirst: env.PAYMENTS_FAKE_FAIL_FIRST,
  });
  const provider = withTimeout(traced(processor, "fake"), env.PAYMENTS_TIMEOUT_MS);
  const paymentQueue = new PrismaPaymentWorkQueue(prisma);
  const leaseMs = env.PAYMENTS_LEASE_SECONDS * 1000;
  const applyCharge = makeApplyCharge({ uow, ids, clock, leaseMs });
  const settlePayments = makeSettlePayments({
    queue: paymentQueue,
    uow,
    provider,
    applyCharge,
    ids,
    clock,
    // Longer than any charge may take: an attempt still pending then has lost its request.
    abandonAfterMs: env.PAYMENTS_TIMEOUT_MS + leaseMs,
    leaseMs,
    onError: (what, error) => log.warn(`payments: ${what} failed, will retry`, { err: error }),
  });
  // Production requires each of these, distinct (env.ts); elsewhere they fall back to one another.
  const tokenSecret = env.API_TOKEN_SECRET ?? env.AUTH_SECRET ?? processSecret(log);
  const fingerprintSecret = env.REQUEST_FINGERPRINT_SECRET ?? tokenSecret;

  return {
    env,
    /** Admins whose password is still a documented default: production refuses to start while there are any (startup.ts). */
    findAdminsWithDefaultPassword: makeFindAdminsWithDefaultPassword({ admins: users, hasher, defaults: KNOWN_DEFAULT_ADMIN_PASSWORDS }),
    registerUser: makeRegisterUser({
      uow,
      hasher,
      ids,
      clock,
      // Counted in this instance's memory while Redis is away: registration stays up, limited per instance.
      attempts: {
        perIp: rateLimit("register_ip", { attempts: env.REGISTRATION_LIMIT_PER_IP_PER_HOUR, windowMs: 60 * minute }, "count-here"),
        global: rateLimit("register_all", { attempts: env.REGISTRATION_LIMIT_PER_MINUTE, windowMs: minute }, "count-here"),
      },
      log,
      onTakenEmail: () => metrics.authEvents.inc({ event: "registration_existing_email" }),
    }),
    authenticate,
    /** Bearer tokens for API clients. */
    apiTokens: makeApiTokens({
      sessions: new PrismaApiSessionRepository(prisma),
      signer: new JoseAccessTokenSigner(tokenSecret),
      authenticate,
      ids,
      clock,
      onReuse: (session) => {
        metrics.authEvents.inc({ event: "refresh_token_reuse" });
        log.warn("a used API refresh token was presented again; its session is revoked", { apiSessionId: session.id, userId: session.userId });
      },
    }),
    /** Password change and "sign out everywhere" for a signed-in shopper. */
    accountSecurity: makeAccountSecurity({ uow, authenticate, hasher, clock, log, onEvent: (event) => metrics.authEvents.inc({ event }) }),
    /** Where the worker records the events it dead-letters (over this pool: dead letters are rare). */
    deadLetters: new PrismaDeadLetterRepository(prisma),
    /** Whether PostgreSQL and Kafka answer (GET /api/v1/ready). */
    readiness: makeReadiness({ pool: probePool, kafka: kafkaConnection(env), clientId: env.KAFKA_CLIENT_ID }),
    /**
     * Fingerprint of an idempotent request's body: keyed (HMAC), because a body
     * may hold a card number, which a plain hash plus its last four digits would give away.
     * Its own key (REQUEST_FINGERPRINT_SECRET): changing it makes stored fingerprints
     * mismatch, so a retry within the key's 24 hours is answered 422 rather than replayed.
     */
    hashRequest: (canonicalBody: string) => createHmac("sha256", fingerprintSecret).update(canonicalBody).digest("hex"),
    /** Idempotency-Key handling for API writes. */
    idempotency: makeIdempotency({ store: new PrismaIdempotencyRepository(prisma), clock, ids, log }),
    /**
     * Request counters for the API, shared by every web instance through Redis.
     * Without Redis each instance counts on its own, so the API stays up.
     */
    apiRateLimits: {
      perIp: rateLimit("api_ip", { attempts: env.API_RATE_LIMIT_PER_MINUTE, windowMs: minute }, "count-here"),
      perUser: rateLimit("api_user", { attempts: env.API_USER_RATE_LIMIT_PER_MINUTE, windowMs: minute }, "count-here"),
      authPerIp: rateLimit("api_auth_ip", { attempts: env.API_AUTH_RATE_LIMIT_PER_MINUTE, windowMs: minute }, "count-here"),
    },
    /** The web's metrics: rate-limit refusals and Redis fallbacks, orders, payments, cache hits; /api/metrics renders them. */
    metrics,
    sessions: makeSessions({
      sessions: new PrismaSessionRepository(prisma),
      ids,
      clock,
      policies: {
        customer: { idleMs: env.SESSION_IDLE_MINUTES * minute, absoluteMs: env.SESSION_ABSOLUTE_HOURS * 60 * minute },
        admin: { idleMs: env.ADMIN_SESSION_IDLE_MINUTES * minute, absoluteMs: env.ADMIN_SESSION_ABSOLUTE_HOURS * 60 * minute },
      },
      log,
      onEnded: (reason) => metrics.authEvents.inc({ event: `session_${reason}` }),
    }),
    catalog: makeCatalog({
      products: new PrismaProductRepository(prisma),
      categories: new PrismaCategoryRepository(prisma),
      cache: catalogCache ?? noCatalogCache,
    }),
    /** The back office's use cases (each one requires an admin actor). */
    admin: {
      ...createAdminServices({ prisma, uow, clock, ids, env, catalogCache: catalogCache ?? noCatalogCache, log }),
      /** Full or partial refunds of a paid order. */
      refundOrder: makeRefundOrder({ uow, ids, clock, leaseMs, performRefund: settlePayments.performRefund }),
      /** The processor's books against the shop's, per order. */
      reconcilePayments: makeReconcilePayments({ shop: paymentQueue, ledger: processor, clock }),
    },
    cart: makeCart({ uow }),
    mergeGuestCart: makeMergeGuestCart({ uow }),
    quoteCheckout: makeQuoteCheckout({ carts: new PrismaCartRepository(prisma) }),
    placeOrder: makePlaceOrder({ uow, ids, clock, onPlaced: () => metrics.ordersPlaced.inc() }),
    orders: makeOrderQueries({ orders: new PrismaOrderRepository(prisma) }),
    cancelOrder: makeCancelOrder({ uow, ids, clock }),
    reserveStock: makeReserveStock({ uow, ids, clock, reservationTtlMs: env.RESERVATION_TTL_SECONDS * 1000 }),
    /** reserveStock for a backlog: many order.created events in one transaction (the worker's batches). */
    reserveStockBatch: makeReserveStockBatch({ uow, ids, clock, reservationTtlMs: env.RESERVATION_TTL_SECONDS * 1000 }),
    expireReservations: makeExpireReservations({ uow, ids, clock }),
    payOrder: makePayOrder({
      uow,
      ids,
      clock,
      answers: paymentQueue,
      provider,
      voidAttempt: settlePayments.voidAttempt,
      leaseMs,
      limits: { ...DEFAULT_PAYMENT_LIMITS, declinesPerOrder: env.PAYMENTS_MAX_DECLINES_PER_ORDER, declinesPerUser: env.PAYMENTS_MAX_DECLINES_PER_USER },
      onOutcome: (outcome) => metrics.payments.inc({ outcome }),
    }),
    /** The worker's round over owed voids, refunds and half-finished payments. */
    settlePayments: settlePayments.settle,
    releaseStock: makeReleaseStock({ uow, ids, clock }),
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
    close: async () => {
      await Promise.all([prisma.$disconnect(), probePool.end(), redis.close(), catalogCache?.close(), processor.close()]);
    },
  };
}

export type Services = ReturnType<typeof createServices>;

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

/** DATABASE_URL's database name: one shop's rate-limit keys, apart from another's in a shared Redis. */
function databaseName(databaseUrl: string): string {
  return decodeURIComponent(new URL(databaseUrl).pathname.slice(1)).replace(/[^a-zA-Z0-9._-]/g, "_") || "default";
}

let warnedAboutSecret = false;
/** Without a configured secret, tokens are signed with one made up per process (fine for a single instance and tests). */
function processSecret(log: Logger): string {
  if (!warnedAboutSecret && process.env.NODE_ENV === "production") {
    log.warn("API_TOKEN_SECRET (or AUTH_SECRET) is not set: API tokens will not survive a restart or work across instances.");
  }
  warnedAboutSecret = true;
  globalThis.__storefrontTokenSecret ??= randomBytes(32).toString("base64url");
  return globalThis.__storefrontTokenSecret;
}

declare global {
  var __storefrontTokenSecret: string | undefined;
}

const globalForServices = globalThis as unknown as { __storefrontServices?: Services };

/** One set of services per process (kept across Next's dev reloads so pools are not leaked), counting into the web's metrics. */
export function getServices(): Services {
  globalForServices.__storefrontServices ??= createServices(loadEnv(), { metrics: webMetrics() });
  return globalForServices.__storefrontServices;
}
