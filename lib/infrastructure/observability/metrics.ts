import { collectDefaultMetrics, Counter as PromCounter, Gauge as PromGauge, Histogram as PromHistogram, Registry } from "prom-client";
import { describeCauses } from "../../domain/errors";

/**
 * The metrics registry: prom-client underneath, behind the small interfaces
 * the callers use. What the wrapper adds to prom-client:
 *
 * - every update names exactly the metric's labels (prom-client accepts a
 *   subset, which makes series nobody's queries match);
 * - a counter's name ends in _total (prom-client renders the name as given);
 * - collectors that run before each scrape with a timeout, so a slow or broken
 *   source (Kafka for consumer lag) is logged and skipped instead of failing
 *   or holding the scrape;
 * - registering a name again returns the same metric instead of throwing.
 *
 * Each MetricsRegistry has its own prom-client Registry, never the global
 * default: two registries in one process (tests, the web's and the worker's
 * services) do not collide.
 */

export type Labels = Readonly<Record<string, string>>;

export interface Counter {
  inc(labels?: Labels, by?: number): void;
  /** The current value of one series (0 when it has none): for tests. */
  get(labels?: Labels): Promise<number>;
}

export interface Gauge {
  set(labels: Labels, value: number): void;
  inc(labels?: Labels, by?: number): void;
  dec(labels?: Labels, by?: number): void;
  get(labels?: Labels): Promise<number>;
  /** Drops every series (e.g. before re-reading a set whose members come and go). */
  reset(): void;
}

export interface Histogram {
  observe(labels: Labels, seconds: number): void;
}

/** Suited to event handler latencies: 5 ms to 10 s. */
export const DEFAULT_BUCKETS: readonly number[] = Object.freeze([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);

export const DEFAULT_COLLECT_TIMEOUT_MS = 2_000;

type MetricType = "counter" | "gauge" | "histogram";

/**
 * The labels of one update, checked against the metric's (all of them,
 * strings, nothing else) and put in their declared order, which is the order
 * prom-client renders them in.
 */
function exactly(metric: string, labelNames: readonly string[], labels: Labels | undefined): Record<string, string> {
  const given = labels ?? {};
  for (const name of Object.keys(given)) {
    if (!labelNames.includes(name)) throw new TypeError(`metric ${metric}: unknown label ${JSON.stringify(name)}`);
  }
  const ordered: Record<string, string> = {};
  for (const name of labelNames) {
    const value = given[name];
    if (typeof value !== "string") throw new TypeError(`metric ${metric}: label ${JSON.stringify(name)} must be a string`);
    ordered[name] = value;
  }
  return ordered;
}

function checkFinite(metric: string, what: string, value: number): void {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new RangeError(`metric ${metric}: ${what} must be a finite number, got ${String(value)}`);
  }
}

async function valueOf(metric: PromCounter | PromGauge, labels: Labels): Promise<number> {
  const { values } = await metric.get();
  const names = Object.keys(labels);
  const found = values.find((v) => Object.keys(v.labels).length === names.length && names.every((n) => v.labels[n] === labels[n]));
  return found?.value ?? 0;
}

function counterOf(prom: PromCounter, name: string, labelNames: readonly string[]): Counter {
  return {
    inc(labels, by = 1) {
      checkFinite(name, "increment", by);
      if (by < 0) throw new RangeError(`metric ${name}: a counter cannot decrease (inc by ${by})`);
      prom.inc(exactly(name, labelNames, labels), by);
    },
    get: (labels) => valueOf(prom, exactly(name, labelNames, labels)),
  };
}

function gaugeOf(prom: PromGauge, name: string, labelNames: readonly string[]): Gauge {
  return {
    set(labels, value) {
      if (typeof value !== "number") throw new TypeError(`metric ${name}: value must be a number`);
      prom.set(exactly(name, labelNames, labels), value);
    },
    inc(labels, by = 1) {
      checkFinite(name, "increment", by);
      prom.inc(exactly(name, labelNames, labels), by);
    },
    dec(labels, by = 1) {
      checkFinite(name, "decrement", by);
      prom.dec(exactly(name, labelNames, labels), by);
    },
    get: (labels) => valueOf(prom, exactly(name, labelNames, labels)),
    reset: () => prom.reset(),
  };
}

function histogramOf(prom: PromHistogram, name: string, labelNames: readonly string[]): Histogram {
  return {
    observe(labels, seconds) {
      checkFinite(name, "observation", seconds);
      prom.observe(exactly(name, labelNames, labels), seconds);
    },
  };
}

const sameList = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export interface MetricsRegistryOptions {
  /** How long one collector may take before the scrape goes on without it. Default 2 000 ms. */
  collectTimeoutMs?: number;
  /** Where skipped collectors are reported. Default: console.warn (a stale metric is not an outage). */
  log?: { error(message: string): void };
  /**
   * Adds prom-client's process metrics (process_cpu_seconds_total,
   * process_resident_memory_bytes, nodejs_eventloop_lag_seconds, nodejs_gc_duration_seconds...).
   * For the one registry a process serves: they watch the event loop and GC from the start.
   */
  processMetrics?: boolean;
}

type Collector = (signal: AbortSignal) => Promise<void> | void;

interface Registered {
  type: MetricType;
  labelNames: readonly string[];
  buckets?: readonly number[];
  metric: Counter | Gauge | Histogram;
}

export class MetricsRegistry {
  private readonly prom = new Registry();
  private readonly registered = new Map<string, Registered>();
  private readonly collectors: Collector[] = [];
  private readonly collectTimeoutMs: number;
  private readonly log: { error(message: string): void };

  constructor(options: MetricsRegistryOptions = {}) {
    this.collectTimeoutMs = options.collectTimeoutMs ?? DEFAULT_COLLECT_TIMEOUT_MS;
    this.log = options.log ?? { error: (m) => console.warn(`[metrics] ${m}`) };
    if (options.processMetrics) collectDefaultMetrics({ register: this.prom });
  }

  /** The Content-Type of what render() returns (the text format 0.0.4). */
  get contentType(): string {
    return this.prom.contentType;
  }

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    if (!name.endsWith("_total")) throw new TypeError(`metric ${name}: a counter's name must end in _total`);
    return this.register(name, "counter", labelNames, undefined, () =>
      counterOf(new PromCounter({ name, help, labelNames: [...labelNames], registers: [this.prom] }), name, labelNames),
    );
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
    return this.register(name, "gauge", labelNames, undefined, () =>
      gaugeOf(new PromGauge({ name, help, labelNames: [...labelNames], registers: [this.prom] }), name, labelNames),
    );
  }

  histogram(name: string, help: string, labelNames: readonly string[] = [], buckets: readonly number[] = DEFAULT_BUCKETS): Histogram {
    return this.register(name, "histogram", labelNames, buckets, () =>
      histogramOf(new PromHistogram({ name, help, labelNames: [...labelNames], buckets: [...buckets], registers: [this.prom] }), name, labelNames),
    );
  }

  /** Runs before each render (e.g. to read lag from Kafka); a collector that throws or takes longer than timeoutMs is logged and skipped, never fails the scrape. */
  onCollect(collect: Collector): void {
    this.collectors.push(collect);
  }

  /** The text format 0.0.4 (contentType), collectors run first. */
  async render(signal?: AbortSignal): Promise<string> {
    signal?.throwIfAborted();
    await Promise.all(this.collectors.map((collect, i) => this.runCollector(collect, i, signal)));
    signal?.throwIfAborted();
    return this.prom.metrics();
  }

  private async runCollector(collect: Collector, index: number, outer: AbortSignal | undefined): Promise<void> {
    const timeout = AbortSignal.timeout(this.collectTimeoutMs);
    const signal = outer ? AbortSignal.any([outer, timeout]) : timeout;
    let stopWaiting: (() => void) | undefined;
    // Collectors may ignore their signal; the scrape does not wait for them regardless.
    const abandoned = new Promise<never>((_, reject) => {
      stopWaiting = () => reject(signal.reason);
      if (signal.aborted) stopWaiting();
      else signal.addEventListener("abort", stopWaiting, { once: true });
    });
    try {
      // The async wrapper turns a synchronous throw into a rejection, handled alike.
      await Promise.race([(async () => collect(signal))(), abandoned]);
    } catch (error) {
      if (outer?.aborted) return; // the scrape itself was abandoned: nothing worth logging
      const why = timeout.aborted ? `took longer than ${this.collectTimeoutMs} ms` : `failed: ${describeCauses(error)}`;
      this.log.error(`collector #${index + 1} ${why}; rendering without it`);
    } finally {
      if (stopWaiting) signal.removeEventListener("abort", stopWaiting);
      abandoned.catch(() => undefined);
    }
  }

  /** prom-client checks the names; a name registered again with the same shape gives the same metric back. */
  private register<M extends Counter | Gauge | Histogram>(
    name: string,
    type: MetricType,
    labelNames: readonly string[],
    buckets: readonly number[] | undefined,
    create: () => M,
  ): M {
    const existing = this.registered.get(name);
    if (existing) {
      if (existing.type !== type) throw new TypeError(`metric ${name} is already registered as a ${existing.type}`);
      if (!sameList(existing.labelNames, labelNames)) {
        throw new TypeError(`metric ${name} is already registered with labels [${existing.labelNames.join(", ")}]`);
      }
      if (buckets && !sameList(existing.buckets!, buckets)) throw new TypeError(`metric ${name} is already registered with other buckets`);
      return existing.metric as M;
    }
    const metric = create();
    this.registered.set(name, { type, labelNames: [...labelNames], buckets, metric });
    return metric;
  }
}

/** Sizes of batches (events), for the consumer and relay batch histograms. */
const BATCH_BUCKETS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000];

/** The worker's metrics, all named here so dashboards have one place to look. */
export interface WorkerMetrics {
  readonly registry: MetricsRegistry;
  /** storefront_worker_events_processed_total{group,topic}: handler succeeded (incl. duplicates it skipped). */
  readonly eventsProcessed: Counter;
  /** storefront_worker_events_failed_total{group,topic}: one per failed handler attempt. */
  readonly eventsFailed: Counter;
  /** storefront_worker_events_dead_lettered_total{group,topic,reason}: reason "unreadable" | "failed". */
  readonly eventsDeadLettered: Counter;
  /** storefront_worker_event_handler_seconds{group,topic}. */
  readonly handlerSeconds: Histogram;
  /** storefront_worker_consumer_lag{group,topic,partition}: messages not yet committed by the group. */
  readonly consumerLag: Gauge;
  /** storefront_worker_outbox_published_total. */
  readonly outboxPublished: Counter;
  /** storefront_worker_outbox_publish_failures_total. */
  readonly outboxPublishFailures: Counter;
  /** storefront_worker_outbox_pruned_total. */
  readonly outboxPruned: Counter;
  /** storefront_worker_pruned_rows_total{table}: rows deleted past their retention (auth_sessions, guest_carts, ...). */
  readonly prunedRows: Counter;
  /** storefront_worker_retention_failures_total: retention passes that failed (retried); rows past retention stay meanwhile. */
  readonly retentionFailures: Counter;
  /** storefront_worker_emails_sent_total{kind}. */
  readonly emailsSent: Counter;
  /** storefront_worker_emails_failed_total{kind}: one per failed attempt. */
  readonly emailsFailed: Counter;
  /** storefront_worker_emails_given_up_total{kind}. */
  readonly emailsGivenUp: Counter;
  readonly emailsInDoubt: Counter;       // storefront_worker_emails_in_doubt_total{kind}  re-sends after an attempt with no recorded outcome
  /** storefront_worker_reservations_expired_total. */
  readonly reservationsExpired: Counter;
  /** storefront_worker_payments_settled_total{outcome}: applied, voided, refunded, abandoned. */
  readonly paymentsSettled: Counter;
  /** storefront_worker_payment_failures_total{operation}: void or refund calls the processor failed (retried). */
  readonly paymentFailures: Counter;
}

/** The worker's metrics, all named here so dashboards have one place to look. */
export function createWorkerMetrics(registry: MetricsRegistry = new MetricsRegistry()): WorkerMetrics {
  const event = ["group", "topic"] as const;
  return {
    registry,
    eventsProcessed: registry.counter(
      "storefront_worker_events_processed_total",
      "Events a consumer group's handler completed, including duplicates it recognised and skipped.",
      event,
    ),
    eventsFailed: registry.counter("storefront_worker_events_failed_total", "Failed handler attempts (one per attempt, retries included).", event),
    eventsDeadLettered: registry.counter(
      "storefront_worker_events_dead_lettered_total",
      'Messages sent to the dead-letter topic; reason is "unreadable" or "failed".',
      [...event, "reason"],
    ),
    handlerSeconds: registry.histogram("storefront_worker_event_handler_seconds", "Time an event handler took per attempt, in seconds.", event),
    consumerLag: registry.gauge(
      "storefront_worker_consumer_lag",
      "Messages on a partition not yet committed by the consumer group (read at scrape time).",
      [...event, "partition"],
    ),
    outboxPublished: registry.counter("storefront_worker_outbox_published_total", "Outbox events published to Kafka by the relay."),
    outboxPublishFailures: registry.counter("storefront_worker_outbox_publish_failures_total", "Relay attempts to publish outbox events that failed."),
    outboxPruned: registry.counter("storefront_worker_outbox_pruned_total", "Published outbox rows deleted by the relay."),
    prunedRows: registry.counter("storefront_worker_pruned_rows_total", "Rows deleted past their retention period, per table.", ["table"]),
    retentionFailures: registry.counter("storefront_worker_retention_failures_total", "Retention pruning passes that failed (retried with backoff)."),
    emailsSent: registry.counter("storefront_worker_emails_sent_total", "Emails handed to the SMTP server.", ["kind"]),
    emailsFailed: registry.counter("storefront_worker_emails_failed_total", "Failed email send attempts (one per attempt).", ["kind"]),
    emailsGivenUp: registry.counter("storefront_worker_emails_given_up_total", "Emails abandoned after their last attempt.", ["kind"]),
    emailsInDoubt: registry.counter(
      "storefront_worker_emails_in_doubt_total",
      "Emails sent again after an attempt whose outcome was never recorded (a dispatcher died mid-send); each may reach the recipient twice, with one Message-ID.",
      ["kind"],
    ),
    reservationsExpired: registry.counter("storefront_worker_reservations_expired_total", "Stock reservations released because their order was not paid in time."),
    paymentsSettled: registry.counter(
      "storefront_worker_payments_settled_total",
      "Payment work the worker finished: charges applied, voids and refunds made, attempts given up (no answer recorded).",
      ["outcome"],
    ),
    paymentFailures: registry.counter(
      "storefront_worker_payment_failures_total",
      "Void and refund calls the card processor failed; each is retried with backoff. A steady rise means money is owed back and not moving.",
      ["operation"],
    ),
  };
}

/**
 * The rate limits' metrics (part of the web's, WebMetrics): each counter is
 * labelled with the limit's name (api_ip, api_user, api_auth_ip,
 * sign_in_email, sign_in_ip).
 */
export interface RateLimitMetrics {
  readonly registry: MetricsRegistry;
  /** storefront_rate_limit_refusals_total{limit}: requests and sign-in attempts refused for being over a limit. */
  readonly refusals: Counter;
  /** storefront_rate_limit_fallback_total{limit}: hits counted in this instance's memory because Redis did not answer. */
  readonly fallbacks: Counter;
  /** storefront_rate_limit_unavailable_total{limit}: sign-in attempts refused because Redis did not answer (fail closed). */
  readonly unavailable: Counter;
}

export function createRateLimitMetrics(registry: MetricsRegistry = new MetricsRegistry()): RateLimitMetrics {
  const limit = ["limit"] as const;
  return {
    registry,
    refusals: registry.counter(
      "storefront_rate_limit_refusals_total",
      "Requests and sign-in attempts refused for being over a rate limit. A jump is an attack or a misbehaving client.",
      limit,
    ),
    fallbacks: registry.counter(
      "storefront_rate_limit_fallback_total",
      "API requests counted in this web instance's memory because Redis did not answer: limits are per instance, not shared, while this rises.",
      limit,
    ),
    unavailable: registry.counter(
      "storefront_rate_limit_unavailable_total",
      "Sign-in attempts refused because Redis did not answer (sign-in limits fail closed): nobody can sign in while this rises.",
      limit,
    ),
  };
}

/** How much the worker does per batch while it drains a backlog (ADR 012). Registered beside the worker's metrics, on the same registry. */
export interface WorkerBatchMetrics {
  /** storefront_worker_consumer_batch_events{group,topic}: messages of one partition handled and committed together (batch mode). */
  readonly consumerBatchEvents: Histogram;
  /** storefront_worker_consumer_batch_fallbacks_total{group,topic}: batches whose transaction failed, so their events went one by one. */
  readonly consumerBatchFallbacks: Counter;
  /** storefront_worker_outbox_batch_events: events per relay round (one sendBatch each). */
  readonly outboxBatchEvents: Histogram;
}

export function createWorkerBatchMetrics(registry: MetricsRegistry): WorkerBatchMetrics {
  const event = ["group", "topic"] as const;
  return {
    consumerBatchEvents: registry.histogram(
      "storefront_worker_consumer_batch_events",
      "Messages of one partition a consumer handled and committed together (batch mode); small batches under a backlog mean little is fetched at once.",
      event,
      BATCH_BUCKETS,
    ),
    consumerBatchFallbacks: registry.counter(
      "storefront_worker_consumer_batch_fallbacks_total",
      "Batches whose one transaction failed, so their events were handled one by one (a poison event, a conflict); a steady rise costs throughput.",
      event,
    ),
    outboxBatchEvents: registry.histogram("storefront_worker_outbox_batch_events", "Events the relay published per round (one sendBatch each).", [], BATCH_BUCKETS),
  };
}

/** Suited to web requests: 5 ms (a cached page) to 10 s. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The web process's metrics, all named here so dashboards have one place to look. */
export interface WebMetrics extends RateLimitMetrics {
  /** storefront_http_request_duration_seconds{method,route,status}: route is the Next.js route pattern (/products/[slug]), never the raw path. */
  readonly httpRequestSeconds: Histogram;
  /** storefront_orders_placed_total: orders created (not a resubmission answered with its earlier order, not a refused one). */
  readonly ordersPlaced: Counter;
  /** storefront_payments_total{outcome}: payment requests by outcome (PaymentOutcome in lib/application/payments/pay-order.ts). */
  readonly payments: Counter;
  /** storefront_cache_requests_total{cache,result}: result "hit" | "miss". */
  readonly cacheRequests: Counter;
  /** storefront_csp_violations_total{directive}: what browsers reported the Content-Security-Policy blocked (app/api/csp-reports). */
  readonly cspViolations: Counter;
  /** storefront_request_bodies_refused_total{route}: bodies over their limit answered 413 unread (a steady stream is someone filling the heap). */
  readonly requestBodiesRefused: Counter;
  /** storefront_auth_events_total{event}: AuthEvent in lib/application/auth/account-security.ts; refresh_token_reuse is a stolen token. */
  readonly authEvents: Counter;
}

export function createWebMetrics(registry: MetricsRegistry = new MetricsRegistry()): WebMetrics {
  return {
    ...createRateLimitMetrics(registry),
    httpRequestSeconds: registry.histogram(
      "storefront_http_request_duration_seconds",
      "Time the web process took to answer a request, in seconds, by method, route pattern and status.",
      ["method", "route", "status"],
      HTTP_BUCKETS,
    ),
    ordersPlaced: registry.counter("storefront_orders_placed_total", "Orders created (a resubmitted checkout that finds its earlier order is not counted again)."),
    payments: registry.counter(
      "storefront_payments_total",
      'Payment requests the web answered, by outcome: "succeeded" (charged and paid), "declined", "failed" (the processor did not answer; any charge is reversed), "not_applied" (charged, but the order could no longer be paid; reversed), "replayed" (answered from an earlier attempt, or the order was already paid; no charge).',
      ["outcome"],
    ),
    cacheRequests: registry.counter("storefront_cache_requests_total", 'Reads through an in-process cache, by cache and result ("hit" or "miss").', ["cache", "result"]),
    cspViolations: registry.counter(
      "storefront_csp_violations_total",
      'What browsers reported the Content-Security-Policy blocked, by directive ("other" for one our policies do not name). A rise means an injection attempt or a page the policy does not fit.',
      ["directive"],
    ),
    requestBodiesRefused: registry.counter(
      "storefront_request_bodies_refused_total",
      "Request bodies over their limit (JSON_BODY_LIMIT_BYTES, UPLOAD_BODY_LIMIT_BYTES) answered 413 before being read, by route group.",
      ["route"],
    ),
    authEvents: registry.counter(
      "storefront_auth_events_total",
      'Security events of accounts and sessions, by event: "refresh_token_reuse" (an already used API refresh token was presented: a stolen copy; its session was revoked), "session_idle" and "session_absolute" (a browser session timed out), "password_changed", "signed_out_everywhere", "registration_existing_email" (someone tried to register an email that has an account).',
      ["event"],
    ),
  };
}

const WEB_METRICS = Symbol.for("storefront.webMetrics");

/**
 * The web process's metrics, one set per process: Next.js loads
 * instrumentation.ts and the app's routes as separate bundles, each with its
 * own copy of this module, so the set is kept on globalThis (which also
 * outlives dev reloads). /api/metrics renders its registry.
 */
export function webMetrics(): WebMetrics {
  const holder = globalThis as { [WEB_METRICS]?: WebMetrics };
  holder[WEB_METRICS] ??= createWebMetrics(new MetricsRegistry({ processMetrics: true }));
  return holder[WEB_METRICS];
}
