import { describeCauses } from "../../domain/errors";

/**
 * A small metrics registry rendering the Prometheus text exposition format
 * (version 0.0.4). Written here rather than taken from prom-client: the worker
 * needs counters, gauges and one kind of histogram, nothing more.
 *
 * Metrics are created once, at wiring time; names and label names are checked
 * then, so a typo fails at start instead of producing a series nobody queries.
 * Label sets are checked on every update: a metric's series all carry exactly
 * its label names.
 */

export type Labels = Readonly<Record<string, string>>;

export interface Counter {
  inc(labels?: Labels, by?: number): void;
  get(labels?: Labels): number;
}

export interface Gauge {
  set(labels: Labels, value: number): void;
  inc(labels?: Labels, by?: number): void;
  dec(labels?: Labels, by?: number): void;
  get(labels?: Labels): number;
  /** Drops every series (e.g. before re-reading a set whose members come and go). */
  reset(): void;
}

export interface Histogram {
  observe(labels: Labels, seconds: number): void;
}

/** Suited to event handler latencies: 5 ms to 10 s. */
export const DEFAULT_BUCKETS: readonly number[] = Object.freeze([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);

export const DEFAULT_COLLECT_TIMEOUT_MS = 2_000;

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

type MetricType = "counter" | "gauge" | "histogram";

/** Go's float formatting as Prometheus reads it: ±Inf, NaN, integers in full. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  // String(1e21) has an exponent; BigInt prints the integer the double holds.
  if (Number.isInteger(value)) return BigInt(value).toString();
  return String(value);
}

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function escapeHelp(help: string): string {
  return help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

function renderLabels(pairs: readonly (readonly [string, string])[]): string {
  if (pairs.length === 0) return "";
  return `{${pairs.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(",")}}`;
}

function checkLabelNames(metric: string, labelNames: readonly string[], reserved: readonly string[]): void {
  const seen = new Set<string>();
  for (const label of labelNames) {
    if (!LABEL_NAME.test(label)) throw new TypeError(`metric ${metric}: invalid label name ${JSON.stringify(label)}`);
    // Prometheus keeps names starting with "__" for itself.
    if (label.startsWith("__")) throw new TypeError(`metric ${metric}: label name ${JSON.stringify(label)} is reserved`);
    if (reserved.includes(label)) throw new TypeError(`metric ${metric}: label name ${JSON.stringify(label)} is reserved for this metric type`);
    if (seen.has(label)) throw new TypeError(`metric ${metric}: label name ${JSON.stringify(label)} given twice`);
    seen.add(label);
  }
}

function checkFinite(metric: string, what: string, value: number): void {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new RangeError(`metric ${metric}: ${what} must be a finite number, got ${String(value)}`);
  }
}

/** One metric family: its definition and its series, keyed by label values in labelNames order. */
abstract class Family<S> {
  protected readonly series = new Map<string, { values: readonly string[]; state: S }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: MetricType,
    readonly labelNames: readonly string[],
  ) {}

  protected key(labels: Labels | undefined): { key: string; values: string[] } {
    const given = labels ?? {};
    const names = Object.keys(given);
    for (const name of names) {
      if (!this.labelNames.includes(name)) throw new TypeError(`metric ${this.name}: unknown label ${JSON.stringify(name)}`);
    }
    const values = this.labelNames.map((name) => {
      const value = given[name];
      if (typeof value !== "string") throw new TypeError(`metric ${this.name}: label ${JSON.stringify(name)} must be a string`);
      return value;
    });
    return { key: JSON.stringify(values), values };
  }

  protected entry(labels: Labels | undefined, initial: () => S): S {
    const { key, values } = this.key(labels);
    let found = this.series.get(key);
    if (!found) {
      found = { values, state: initial() };
      this.series.set(key, found);
    }
    return found.state;
  }

  protected pairs(values: readonly string[]): [string, string][] {
    return this.labelNames.map((name, i) => [name, values[i]!]);
  }

  abstract samples(): string[];

  render(): string {
    return [`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} ${this.type}`, ...this.samples()].join("\n");
  }

  clear(): void {
    this.series.clear();
  }
}

class ValueFamily extends Family<{ value: number }> {
  protected add(labels: Labels | undefined, by: number): void {
    this.entry(labels, () => ({ value: 0 })).value += by;
  }

  get(labels?: Labels): number {
    return this.series.get(this.key(labels).key)?.state.value ?? 0;
  }

  samples(): string[] {
    // An unlabelled metric has one series from the start: a scrape shows 0, not nothing.
    if (this.labelNames.length === 0 && this.series.size === 0) return [`${this.name} 0`];
    return [...this.series.values()].map(({ values, state }) => `${this.name}${renderLabels(this.pairs(values))} ${formatValue(state.value)}`);
  }
}

class CounterFamily extends ValueFamily implements Counter {
  inc(labels?: Labels, by = 1): void {
    checkFinite(this.name, "increment", by);
    if (by < 0) throw new RangeError(`metric ${this.name}: a counter cannot decrease (inc by ${by})`);
    this.add(labels, by);
  }
}

class GaugeFamily extends ValueFamily implements Gauge {
  set(labels: Labels, value: number): void {
    if (typeof value !== "number") throw new TypeError(`metric ${this.name}: value must be a number`);
    this.entry(labels, () => ({ value: 0 })).value = value;
  }

  inc(labels?: Labels, by = 1): void {
    checkFinite(this.name, "increment", by);
    this.add(labels, by);
  }

  dec(labels?: Labels, by = 1): void {
    checkFinite(this.name, "decrement", by);
    this.add(labels, -by);
  }

  reset(): void {
    this.clear();
  }
}

interface HistogramState {
  /** Per bucket, not cumulative; summed up when rendered. */
  counts: number[];
  sum: number;
  count: number;
}

class HistogramFamily extends Family<HistogramState> implements Histogram {
  constructor(name: string, help: string, labelNames: readonly string[], readonly buckets: readonly number[]) {
    super(name, help, "histogram", labelNames);
  }

  observe(labels: Labels, seconds: number): void {
    checkFinite(this.name, "observation", seconds);
    const state = this.entry(labels, () => ({ counts: this.buckets.map(() => 0), sum: 0, count: 0 }));
    const index = this.buckets.findIndex((upper) => seconds <= upper);
    // Above the last bound: counted only in +Inf, i.e. in count.
    if (index >= 0) state.counts[index]! += 1;
    state.sum += seconds;
    state.count += 1;
  }

  samples(): string[] {
    const series = [...this.series.values()];
    if (this.labelNames.length === 0 && series.length === 0) {
      series.push({ values: [], state: { counts: this.buckets.map(() => 0), sum: 0, count: 0 } });
    }
    return series.flatMap(({ values, state }) => {
      const pairs = this.pairs(values);
      let cumulative = 0;
      const lines = this.buckets.map((upper, i) => {
        cumulative += state.counts[i]!;
        return `${this.name}_bucket${renderLabels([...pairs, ["le", formatValue(upper)]])} ${formatValue(cumulative)}`;
      });
      lines.push(`${this.name}_bucket${renderLabels([...pairs, ["le", "+Inf"]])} ${formatValue(state.count)}`);
      lines.push(`${this.name}_sum${renderLabels(pairs)} ${formatValue(state.sum)}`);
      lines.push(`${this.name}_count${renderLabels(pairs)} ${formatValue(state.count)}`);
      return lines;
    });
  }
}

function checkBuckets(metric: string, buckets: readonly number[]): number[] {
  // +Inf is always added; callers may list it or not.
  const bounds = buckets.filter((b) => b !== Infinity);
  if (bounds.length === 0) throw new RangeError(`metric ${metric}: a histogram needs at least one finite bucket`);
  bounds.forEach((b, i) => {
    checkFinite(metric, "bucket bound", b);
    if (i > 0 && b <= bounds[i - 1]!) throw new RangeError(`metric ${metric}: buckets must be strictly increasing`);
  });
  return bounds;
}

const sameList = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export interface MetricsRegistryOptions {
  /** How long one collector may take before the scrape goes on without it. Default 2 000 ms. */
  collectTimeoutMs?: number;
  /** Where skipped collectors are reported. Default: console.warn (a stale metric is not an outage). */
  log?: { error(message: string): void };
}

type Collector = (signal: AbortSignal) => Promise<void> | void;

export class MetricsRegistry {
  private readonly families = new Map<string, Family<unknown>>();
  /** Sample names a histogram adds (_bucket, _sum, _count), so no other metric takes them. */
  private readonly derived = new Map<string, string>();
  private readonly collectors: Collector[] = [];
  private readonly collectTimeoutMs: number;
  private readonly log: { error(message: string): void };

  constructor(options: MetricsRegistryOptions = {}) {
    this.collectTimeoutMs = options.collectTimeoutMs ?? DEFAULT_COLLECT_TIMEOUT_MS;
    this.log = options.log ?? { error: (m) => console.warn(`[metrics] ${m}`) };
  }

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    // The name is rendered as given, so the _total suffix Prometheus expects must be in it.
    if (METRIC_NAME.test(name) && !name.endsWith("_total")) throw new TypeError(`metric ${name}: a counter's name must end in _total`);
    return this.register(name, "counter", labelNames, () => new CounterFamily(name, help, "counter", [...labelNames]));
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
    return this.register(name, "gauge", labelNames, () => new GaugeFamily(name, help, "gauge", [...labelNames]));
  }

  histogram(name: string, help: string, labelNames: readonly string[] = [], buckets: readonly number[] = DEFAULT_BUCKETS): Histogram {
    const bounds = checkBuckets(name, buckets);
    const metric = this.register(name, "histogram", labelNames, () => new HistogramFamily(name, help, [...labelNames], bounds), ["le"]);
    if (!sameList(metric.buckets, bounds)) throw new TypeError(`metric ${name} is already registered with other buckets`);
    return metric;
  }

  /** Runs before each render (e.g. to read lag from Kafka); a collector that throws or takes longer than timeoutMs is logged and skipped, never fails the scrape. */
  onCollect(collect: Collector): void {
    this.collectors.push(collect);
  }

  /** The text format 0.0.4: each metric's HELP and TYPE lines, then its samples; ends with a newline. */
  async render(signal?: AbortSignal): Promise<string> {
    signal?.throwIfAborted();
    await Promise.all(this.collectors.map((collect, i) => this.runCollector(collect, i, signal)));
    signal?.throwIfAborted();
    return [...this.families.values()].map((f) => f.render() + "\n").join("");
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

  private register<F extends Family<unknown>>(
    name: string,
    type: MetricType,
    labelNames: readonly string[],
    create: () => F,
    reservedLabels: readonly string[] = [],
  ): F {
    if (!METRIC_NAME.test(name)) throw new TypeError(`invalid metric name ${JSON.stringify(name)}`);
    checkLabelNames(name, labelNames, reservedLabels);
    const existing = this.families.get(name);
    if (existing) {
      if (existing.type !== type) throw new TypeError(`metric ${name} is already registered as a ${existing.type}`);
      if (!sameList(existing.labelNames, labelNames)) {
        throw new TypeError(`metric ${name} is already registered with labels [${existing.labelNames.join(", ")}]`);
      }
      return existing as F;
    }
    const owner = this.derived.get(name);
    if (owner) throw new TypeError(`metric name ${name} is taken by histogram ${owner}`);
    const samples = type === "histogram" ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [];
    for (const sample of samples) {
      if (this.families.has(sample)) throw new TypeError(`histogram ${name} would clash with metric ${sample}`);
    }
    const family = create();
    this.families.set(name, family as Family<unknown>);
    for (const sample of samples) this.derived.set(sample, name);
    return family;
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
 * The web process's rate-limit metrics (the web has no other metrics yet):
 * each counter is labelled with the limit's name (api_ip, api_user,
 * api_auth_ip, sign_in_email, sign_in_ip).
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
