/**
 * The one composition root: wires ports to adapters by hand. The Next app and
 * the worker both build their use cases here; nothing else constructs
 * infrastructure.
 */
import { randomBytes, randomUUID } from "node:crypto";
import pg from "pg";
import { makeCart } from "../application/cart/cart";
import { makeMergeGuestCart } from "../application/cart/merge-guest-cart";
import { makeCatalog } from "../application/catalog/catalog";
import { noCatalogCache } from "../application/catalog/catalog-cache";
import { makeCancelOrder } from "../application/orders/cancel-order";
import { makeQuoteCheckout } from "../application/orders/checkout-quote";
import { makeOrderQueries } from "../application/orders/order-queries";
import { makePlaceOrder } from "../application/orders/place-order";
import { DEFAULT_PAYMENT_LIMITS, makeApplyCharge, makePayOrder } from "../application/payments/pay-order";
import { withTimeout } from "../application/payments/payment-provider";
import { makeReconcilePayments } from "../application/payments/reconcile-payments";
import { makeRefundOrder } from "../application/payments/refunds";
import { makeSettlePayments } from "../application/payments/settle-payments";
import { systemClock, type Clock, type IdGenerator, type Logger } from "../application/shared";
import { NotifiedCatalogCache } from "../infrastructure/cache/notified-catalog-cache";
import { loadEnv, type Env } from "../infrastructure/config/env";
import { PrismaCartRepository } from "../infrastructure/db/prisma-cart-repository";
import { PrismaCategoryRepository } from "../infrastructure/db/prisma-category-repository";
import { createPrismaClient } from "../infrastructure/db/prisma-client";
import { PrismaOrderRepository } from "../infrastructure/db/prisma-order-repository";
import { PrismaPaymentWorkQueue } from "../infrastructure/db/prisma-payment-repository";
import { PrismaProductRepository } from "../infrastructure/db/prisma-product-repository";
import { PrismaUnitOfWork } from "../infrastructure/db/prisma-unit-of-work";
import { makeReadiness } from "../infrastructure/health/readiness";
import { kafkaConnection } from "../infrastructure/kafka/connection";
import { createWebMetrics, webMetrics, type WebMetrics } from "../infrastructure/observability/metrics";
import { FakePaymentProvider } from "../infrastructure/payments/fake-payment-provider";
import { traced } from "../infrastructure/payments/traced-payment-provider";
import { RedisConnection } from "../infrastructure/redis/redis-connection";
import { RedisAttemptCounter, type WhenRedisFails } from "../infrastructure/security/redis-attempt-counter";
import { createAdminServices } from "./admin";
import { createApiServices } from "./api";
import { createAuthServices } from "./auth";
import type { ServiceDeps } from "./deps";
import { webLogger } from "./logger";
import { createWorkerServices } from "./worker-services";

/**
 * The services, by area: `auth`, `catalog`, `cart`, `orders`, `payments`,
 * `api`, `admin` and `worker` (what the worker process runs), plus the
 * process's own `env`, `readiness`, `metrics` and `close`. Pages and routes
 * reach a use case through its area (getServices().orders.placeOrder); the
 * worker is handed its area and env, and each of its handlers only the use
 * cases it runs (workers/worker.ts).
 *
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
  const rateLimit = (name: string, limit: { attempts: number; windowMs: number }, whenRedisFails: WhenRedisFails) =>
    new RedisAttemptCounter(redis, { name, ...limit, whenRedisFails, keyPrefix, metrics });
  const deps: ServiceDeps = { prisma, uow, clock, ids, env, log, metrics, rateLimit };

  // Payments (docs/decisions/011-payments-and-refunds.md). env refuses a
  // production start unless PAYMENTS_PROVIDER names the adapter; the fake is the only one.
  // Shared by three areas: shoppers pay (payments), admins refund and reconcile (admin), the worker settles (worker).
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
    /** Whether PostgreSQL and Kafka answer (GET /api/v1/ready). */
    readiness: makeReadiness({ pool: probePool, kafka: kafkaConnection(env), clientId: env.KAFKA_CLIENT_ID }),
    /** The web's metrics: rate-limit refusals and Redis fallbacks, orders, payments, cache hits; /api/metrics renders them. */
    metrics,
    /** Sign-in, registration, browser sessions, API tokens, account security (./auth.ts). */
    auth: createAuthServices(deps, { tokenSecret }),
    /** What every API request goes through: rate limits, Idempotency-Key handling (./api.ts). */
    api: createApiServices(deps, { fingerprintSecret }),
    catalog: (() => {
      const products = new PrismaProductRepository(prisma);
      return makeCatalog({ products, lexicon: products, categories: new PrismaCategoryRepository(prisma), cache: catalogCache ?? noCatalogCache });
    })(),
    /** The back office's use cases (each one requires an admin actor). */
    admin: {
      ...createAdminServices({ prisma, uow, clock, ids, env, catalogCache: catalogCache ?? noCatalogCache, log }),
      /** Full or partial refunds of a paid order. */
      refundOrder: makeRefundOrder({ uow, ids, clock, leaseMs, performRefund: settlePayments.performRefund }),
      /** The processor's books against the shop's, per order. */
      reconcilePayments: makeReconcilePayments({ shop: paymentQueue, ledger: processor, clock }),
    },
    /** A shopper's cart (getCart, itemCount, addItem, updateItem, removeItem), and a guest's cart merged in at sign-in. */
    cart: {
      ...makeCart({ uow }),
      mergeGuestCart: makeMergeGuestCart({ uow }),
    },
    /** A shopper's orders (getForUser, listForUser, pageForUser), the checkout's quote, placing and cancelling. */
    orders: {
      ...makeOrderQueries({ orders: new PrismaOrderRepository(prisma) }),
      quoteCheckout: makeQuoteCheckout({ carts: new PrismaCartRepository(prisma) }),
      placeOrder: makePlaceOrder({ uow, ids, clock, onPlaced: () => metrics.ordersPlaced.inc() }),
      cancelOrder: makeCancelOrder({ uow, ids, clock }),
    },
    /** A shopper paying for an order (refunds are the back office's; settlement is the worker's). */
    payments: {
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
    },
    /** What the worker process runs: consumers' use cases, relay, email dispatch, jobs (./worker-services.ts). */
    worker: createWorkerServices(deps, { settlePayments: settlePayments.settle }),
    close: async () => {
      await Promise.all([prisma.$disconnect(), probePool.end(), redis.close(), catalogCache?.close(), processor.close()]);
    },
  };
}

export type Services = ReturnType<typeof createServices>;

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
