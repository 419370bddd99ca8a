import { z } from "zod";
import { fieldIssues } from "../../domain/validation";
import { isPlaceholderSecret } from "./known-defaults";

/**
 * Configuration from the environment, validated once. A missing or malformed
 * value stops the process at start with a message naming the variable.
 */

/**
 * The logger's settings, a part of the whole that can be read alone: a process
 * logs why it failed to start even when the rest of its configuration is wrong.
 */
const logSchema = z.object({
  NODE_ENV: z.string().optional(),
  /** The least severe level written (silent: nothing). */
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** JSON lines, or human-readable lines (pino-pretty, a devDependency). Default: json in production, pretty elsewhere. */
  LOG_FORMAT: z.enum(["json", "pretty"]).optional(),
});

/**
 * The web edge's settings (request size limits, which proxies to believe), a
 * part that can be read alone: the request wrapper and the route wrappers read
 * them without the rest of the configuration.
 */
const edgeSchema = z.object({
  /**
   * Proxies in front of the web (nginx, a load balancer) that append the peer
   * they saw to X-Forwarded-For. The client's address is the N-th value from
   * the right (the right-most one no trusted proxy could have been sent by the
   * client). 0: no proxy; X-Forwarded-For is ignored and the socket's peer is
   * the client. Set it to exactly the number of proxies: more lets clients
   * choose their address (and their rate-limit bucket).
   */
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  /** Largest JSON body a route handler reads (/api/v1, sign-in); larger ones get 413 before they are read. */
  JSON_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(10 * 1024 * 1024).default(64 * 1024),
  /** Largest image upload (multipart, the image plus its other fields); larger ones get 413 before they are read. */
  UPLOAD_BODY_LIMIT_BYTES: z.coerce.number().int().min(64 * 1024).max(100 * 1024 * 1024).default(5 * 1024 * 1024 + 64 * 1024),
  /**
   * Largest server action body (Next.js's serverActions.bodySizeLimit, read by
   * next.config.js): Next.js counts the bytes as they arrive and answers 413 at the limit.
   */
  ACTION_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(10 * 1024 * 1024).default(1024 * 1024),
});

const flag = z
  .enum(["true", "false", "1", "0"], { error: "expected true or false" })
  .default("false")
  .transform((v) => v === "true" || v === "1");

/**
 * How every Kafka client of the project (worker, web readiness check,
 * scripts/kafka/ensure-topics.ts, tests) reaches the brokers: a part of the
 * whole that can be read alone, for the scripts that need no database.
 */
const kafkaSchema = z.object({
  NODE_ENV: z.string().optional(),
  KAFKA_BROKERS: z
    .string()
    .default("127.0.0.1:9092")
    .transform((s) => s.split(",").map((b) => b.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, "expected host:port")).min(1)),
  /** TLS to the brokers, the certificate checked against the system's CAs (or KAFKA_SSL_CA_FILE's). */
  KAFKA_SSL: flag,
  /** A PEM file of the CA(s) that signed the brokers' certificates, when a private CA did (needs KAFKA_SSL=true). */
  KAFKA_SSL_CA_FILE: z.string().min(1).optional(),
  /** SASL authentication to the brokers; unset: none. PLAIN sends the password itself, so production refuses it without KAFKA_SSL=true. */
  KAFKA_SASL_MECHANISM: z.enum(["plain", "scram-sha-256", "scram-sha-512"]).optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  /** Never logged: the logger redacts it (by this name, and as `password` in the kafkajs options); configuration errors name the variable only. */
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
});

/** A half-configured Kafka security setting is refused at start, not silently dropped. */
function kafkaSecurityRules(env: z.infer<typeof kafkaSchema>, ctx: z.RefinementCtx): void {
  if (env.KAFKA_SASL_MECHANISM) {
    for (const key of ["KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD"] as const) {
      if (!env[key]) ctx.addIssue({ code: "custom", path: [key], message: `must be set when KAFKA_SASL_MECHANISM is (${env.KAFKA_SASL_MECHANISM})` });
    }
  } else {
    for (const key of ["KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD"] as const) {
      if (env[key]) ctx.addIssue({ code: "custom", path: [key], message: "is set but KAFKA_SASL_MECHANISM is not (plain, scram-sha-256 or scram-sha-512)" });
    }
  }
  if (env.KAFKA_SASL_MECHANISM === "plain" && !env.KAFKA_SSL && env.NODE_ENV === "production") {
    ctx.addIssue({ code: "custom", path: ["KAFKA_SSL"], message: "must be true in production when KAFKA_SASL_MECHANISM is plain (the password would cross the network in clear text); or use scram-sha-512" });
  }
  if (env.KAFKA_SSL_CA_FILE && !env.KAFKA_SSL) {
    ctx.addIssue({ code: "custom", path: ["KAFKA_SSL_CA_FILE"], message: "is set but KAFKA_SSL is not true" });
  }
}

const schema = z.object({
  ...logSchema.shape,
  ...edgeSchema.shape,
  DATABASE_URL: z.url().startsWith("postgres"),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  ...kafkaSchema.shape,
  KAFKA_CLIENT_ID: z.string().min(1).default("storefront"),
  /** Prepended to every topic and consumer group: lets environments (and test files) share one cluster. */
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9._-]*$/, "letters, digits, '.', '_' and '-' only")
    .max(40)
    .default(""),
  SMTP_URL: z.url().default("smtp://127.0.0.1:1025"),
  MAIL_FROM: z.string().min(3).default("Storefront <shop@example.com>"),
  APP_URL: z.url().default("http://localhost:3000"),
  /** Events the relay claims and publishes per round (one sendBatch); a backlog drains in rounds of this size (ADR 012). */
  OUTBOX_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(500),
  /** Relay loops per worker: while one waits for the broker, another claims and marks rows (ADR 012). */
  OUTBOX_RELAY_CONCURRENCY: z.coerce.number().int().min(1).max(8).default(2),
  /** The relay's safety-net poll; new events wake it at once through LISTEN/NOTIFY. */
  OUTBOX_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(2_000),
  /** Sent outbox rows are kept this long (for audit and replay), then pruned. */
  OUTBOX_RETENTION_HOURS: z.coerce.number().int().min(1).max(24 * 365).default(7 * 24),
  /**
   * Retention (the worker's jobs role prunes every RETENTION_INTERVAL_MS, in
   * batches of RETENTION_BATCH_SIZE rows, one statement each, RETENTION_PAUSE_MS apart).
   */
  RETENTION_INTERVAL_MS: z.coerce.number().int().min(1_000).max(24 * 3_600_000).default(10 * 60_000),
  RETENTION_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(500),
  RETENTION_PAUSE_MS: z.coerce.number().int().min(0).max(60_000).default(100),
  /** Web sessions (auth_sessions) are deleted this long after they expired. */
  AUTH_SESSIONS_RETENTION_HOURS: z.coerce.number().int().min(0).max(24 * 365).default(24),
  /** API sessions (api_sessions, revoked or not) are deleted this long after they expired. */
  API_SESSIONS_RETENTION_HOURS: z.coerce.number().int().min(0).max(24 * 365).default(24),
  /** Idempotency-Key records are deleted this long after they expired (they are replayed for 24 hours). */
  IDEMPOTENCY_KEYS_RETENTION_HOURS: z.coerce.number().int().min(0).max(24 * 365).default(1),
  /** A guest's cart (no user) nobody touched for this long is abandoned and deleted with its items. */
  GUEST_CART_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** Rows of the retired rate_limits table are deleted this long after their window ended. */
  RATE_LIMITS_RETENTION_HOURS: z.coerce.number().int().min(0).max(24 * 365).default(1),
  /**
   * A consumer's record of an event it handled (processed_events) is kept this
   * long. It is what makes a redelivered event do nothing, so it must outlive
   * every copy Kafka could still deliver: longer than the topics' retention.ms.
   * Topics are created with the broker's default, log.retention.hours (168 h,
   * Kafka's own default; scripts/kafka/kafka.sh sets 24 h); the default is twice 168 h.
   */
  PROCESSED_EVENTS_RETENTION_HOURS: z.coerce.number().int().min(24).max(24 * 3650).default(2 * 168),
  /** Sent emails (outgoing_emails: address and body) are deleted this long after they were sent. */
  SENT_EMAIL_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** Dead letters (the raw message, often personal data) are deleted this long after they were recorded. */
  DEAD_LETTER_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** Partitions each consumer group handles at once in one worker. */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /**
   * How long the group waits for a silent consumer before giving its partitions
   * to another (Kafka's session.timeout.ms; the broker allows 6 s and up by default).
   * 6 s: a killed worker's partitions move within seconds. Members heartbeat every
   * sixth of it, so a handler (or a GC pause) must stall for the whole 6 s before its
   * member is dropped (ADR 015).
   */
  KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(300_000).default(6_000),
  /** Attempts per event before it goes to its topic's dead-letter topic. */
  CONSUMER_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
  CONSUMER_BACKOFF_MS: z.coerce.number().int().min(1).max(60_000).default(200),
  /**
   * Messages of one partition a consumer handles together (one transaction for
   * handlers that take batches; see ADR 012). 0: one message at a time.
   */
  CONSUMER_BATCH_SIZE: z.coerce.number().int().min(0).max(5_000).default(500),
  /**
   * What this worker instance runs (comma-separated): relay, consumers, emails,
   * jobs (reservation expiry and pruning). Default: everything.
   */
  WORKER_ROLES: z
    .string()
    .default("relay,consumers,emails,jobs")
    .transform((s) => s.split(",").map((r) => r.trim()).filter(Boolean))
    .pipe(z.array(z.enum(["relay", "consumers", "emails", "jobs"])).min(1)),
  /** The worker's health and Prometheus metrics endpoint (0: any free port). */
  WORKER_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  WORKER_HTTP_HOST: z.string().min(1).default("127.0.0.1"),
  /** SMTP conversations at once per worker, and attempts before an email is given up. */
  EMAIL_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  EMAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
  EMAIL_BACKOFF_MS: z.coerce.number().int().min(1).max(3_600_000).default(2_000),
  /** A dispatcher that dies mid-send holds its emails this long before another takes them. */
  EMAIL_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /** How long SIGTERM may take before the worker gives up waiting and exits 1. */
  WORKER_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(20_000),
  /** How long reserved stock waits for payment. */
  RESERVATION_TTL_SECONDS: z.coerce.number().int().min(5).max(7 * 24 * 3600).default(15 * 60),
  /** How often the worker looks for lapsed reservations. */
  EXPIRY_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(5_000),
  /**
   * The card processor adapter. Only the bundled fake exists; production
   * refuses to start unless it is chosen explicitly (see the refinement below).
   */
  PAYMENTS_PROVIDER: z.enum(["fake"]).optional(),
  /** The longest any processor call (charge, void, refund) may take before its outcome counts as unknown. */
  PAYMENTS_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** Declined payments allowed per order and per customer within an hour, before 429. */
  PAYMENTS_MAX_DECLINES_PER_ORDER: z.coerce.number().int().min(1).max(1000).default(5),
  PAYMENTS_MAX_DECLINES_PER_USER: z.coerce.number().int().min(1).max(1000).default(10),
  /**
   * How long a void or refund being made is its maker's (a request or a worker)
   * before another worker retries it: longer than PAYMENTS_TIMEOUT_MS.
   */
  PAYMENTS_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /** How often the worker makes owed voids and refunds (a new refund wakes it at once). */
  PAYMENTS_SETTLE_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(2_000),
  /** The fake card processor's answer time, and a reason to decline everything with (tests, demos). */
  PAYMENTS_FAKE_LATENCY_MS: z.coerce.number().int().min(0).max(30_000).default(300),
  PAYMENTS_FAKE_FAIL: z.string().regex(/^[a-z_]+$/).optional(),
  /** The fake processor's outages, e.g. "void:2,refund:3": the first N calls of each kind per key fail (tests, demos). */
  PAYMENTS_FAKE_FAIL_FIRST: z
    .string()
    .regex(/^((void|refund|charge):\d+)(,(void|refund|charge):\d+)*$/, "expected e.g. void:2,refund:3")
    .optional()
    .transform((s) => Object.fromEntries((s ? s.split(",") : []).map((p) => [p.split(":")[0]!, Number(p.split(":")[1])])) as Partial<Record<"void" | "refund" | "charge", number>>),
  /** Catalog reads are cached per web instance for at most this long (0: no cache); writes invalidate at once. */
  CATALOG_CACHE_TTL_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  /**
   * A direct PostgreSQL connection for the cache's LISTEN (default DATABASE_URL).
   * Set it when DATABASE_URL goes through PgBouncer in transaction mode, which cannot LISTEN.
   */
  CATALOG_CACHE_LISTEN_URL: z.url().startsWith("postgres").optional(),
  /** Where uploaded product images are kept by the local-disk storage adapter. */
  MEDIA_DIR: z.string().min(1).default(".local/media"),
  /**
   * Signs API access tokens (HS256); the same on every web instance. Outside
   * production it defaults to AUTH_SECRET; production requires its own (see productionGuards).
   */
  API_TOKEN_SECRET: z.string().min(32, "API_TOKEN_SECRET must be at least 32 characters").optional(),
  /** Signs the web's session cookies (next-auth); the same on every web instance. ≥ 32 bytes in production. */
  AUTH_SECRET: z.string().min(16).optional(),
  /**
   * Keys the HMAC fingerprint of an idempotent API request's body (the body may
   * hold a card number). Its own key, so a leak of one secret does not give
   * away the others' use. Outside production it defaults to API_TOKEN_SECRET's value.
   */
  REQUEST_FINGERPRINT_SECRET: z.string().min(32, "REQUEST_FINGERPRINT_SECRET must be at least 32 bytes").optional(),
  /** Requests per minute to /api/v1 per client address and per signed-in API user; /auth/* per address. */
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  API_USER_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  API_AUTH_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(30),
  /**
   * Browser sessions (lib/application/auth/sessions.ts): a shopper's session
   * ends after this long without a request (idle) and this long after sign-in
   * (absolute); an admin's much sooner. At most 30 days: the cookie's own lifetime.
   */
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(5).max(30 * 24 * 60).default(7 * 24 * 60),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(30 * 24).default(30 * 24),
  ADMIN_SESSION_IDLE_MINUTES: z.coerce.number().int().min(5).max(30 * 24 * 60).default(30),
  ADMIN_SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(30 * 24).default(12),
  /**
   * Registrations (form and API) per client address per hour, and from
   * everywhere together per minute: against mass account creation and against
   * using registration to send the shop's emails to strangers.
   */
  REGISTRATION_LIMIT_PER_IP_PER_HOUR: z.coerce.number().int().min(1).max(1_000_000).default(10),
  REGISTRATION_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(60),
  /**
   * Where rate limits are counted (sign-in and API), shared by every web
   * instance. redis:// or rediss:// (TLS); a password goes in the URL.
   */
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: "expected a redis:// or rediss:// URL" }).default("redis://127.0.0.1:6379"),
  /**
   * Put before every rate-limit key, so environments sharing one Redis count
   * apart. Default: "storefront:" and DATABASE_URL's database name (one shop, one database).
   */
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9._:-]*$/, "letters, digits, '.', ':', '_' and '-' only")
    .max(100)
    .optional(),
  /**
   * Bearer token for the web's GET /api/metrics (Prometheus text: rate-limit
   * refusals and Redis fallbacks). Unset: the route answers 404.
   */
  METRICS_TOKEN: z.string().min(16, "METRICS_TOKEN must be at least 16 characters").optional(),
  /** The shop's IANA time zone: where "today" begins and ends on the back office's dashboard. */
  SHOP_TIME_ZONE: z
    .string()
    .default("UTC")
    .refine(isTimeZone, "expected an IANA time zone such as Europe/Berlin or America/New_York"),
})
  .refine((env) => env.NODE_ENV !== "production" || env.PAYMENTS_PROVIDER !== undefined, {
    path: ["PAYMENTS_PROVIDER"],
    message: "must be set in production; the only adapter is the fake card processor (PAYMENTS_PROVIDER=fake), which takes no real money",
  })
  .superRefine(kafkaSecurityRules)
  .superRefine(productionGuards);

const kafkaOnlySchema = kafkaSchema.superRefine(kafkaSecurityRules);

/** Secrets that key something: each its own, so one leaked or reused value does not open the others. */
const KEYS = ["AUTH_SECRET", "API_TOKEN_SECRET", "REQUEST_FINGERPRINT_SECRET"] as const;
/** 256 bits: the key size of HS256 and of the HMACs these keys are used for. */
const MIN_KEY_BYTES = 32;
/** A generated secret of 32+ characters has dozens of different ones; fewer than this was typed by a person. */
const MIN_DISTINCT_CHARACTERS = 8;

/**
 * What production refuses (OWASP ASVS V13.3): a missing, short, documented or
 * shared key, and a documented placeholder for the metrics token. Development
 * and tests keep their defaults (a key made up per process, AUTH_SECRET for the others).
 */
function productionGuards(env: Partial<Record<(typeof KEYS)[number] | "METRICS_TOKEN" | "NODE_ENV", string>>, ctx: z.RefinementCtx): void {
  if (env.NODE_ENV !== "production") return;
  const problem = (name: string, message: string) => ctx.addIssue({ code: "custom", path: [name], message });
  for (const name of KEYS) {
    const value = env[name];
    if (value === undefined) {
      problem(name, `must be set in production (${MIN_KEY_BYTES}+ random bytes, e.g. \`openssl rand -base64 32\`), and differ from ${KEYS.filter((k) => k !== name).join(" and ")}`);
      continue;
    }
    if (isPlaceholderSecret(value)) problem(name, "is a documented placeholder; set a random value of your own");
    else if (Buffer.byteLength(value, "utf8") < MIN_KEY_BYTES) problem(name, `must be at least ${MIN_KEY_BYTES} bytes in production`);
    else if (new Set(value).size < MIN_DISTINCT_CHARACTERS) problem(name, "has too few different characters to be a random key");
    const earlier = KEYS.slice(0, KEYS.indexOf(name)).find((other) => env[other] === value);
    if (earlier) problem(name, `must differ from ${earlier}: one secret per purpose`);
  }
  if (env.METRICS_TOKEN !== undefined && isPlaceholderSecret(env.METRICS_TOKEN)) {
    problem("METRICS_TOKEN", "is a documented placeholder; set a random value of your own");
  }
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return zone.length > 0;
  } catch {
    return false;
  }
}

export type Env = z.infer<typeof schema>;
export type LogEnv = z.infer<typeof logSchema>;
export type KafkaEnv = z.infer<typeof kafkaSchema>;
export type EdgeEnv = z.infer<typeof edgeSchema>;

let cached: Env | undefined;

export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  if (source === process.env && cached) return cached;
  const parsed = parse(schema, source);
  if (source === process.env) cached = parsed;
  return parsed;
}

/** The logger's settings alone (they are also part of loadEnv()'s). */
export function loadLogEnv(source: Record<string, string | undefined> = process.env): LogEnv {
  return parse(logSchema, source);
}

/** The Kafka connection settings alone (they are also part of loadEnv()'s). */
export function loadKafkaEnv(source: Record<string, string | undefined> = process.env): KafkaEnv {
  return parse(kafkaOnlySchema, source);
}

let cachedEdge: EdgeEnv | undefined;

/** The web edge's settings alone (they are also part of loadEnv()'s); read once per process from process.env. */
export function loadEdgeEnv(source: Record<string, string | undefined> = process.env): EdgeEnv {
  if (source === process.env && cachedEdge) return cachedEdge;
  const parsed = parse(edgeSchema, source);
  if (source === process.env) cachedEdge = parsed;
  return parsed;
}

function parse<S extends z.ZodType>(schema: S, source: Record<string, string | undefined>): z.infer<S> {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const problems = fieldIssues(parsed.error, { whole: "environment", every: true }).map((f) => `  ${f.path}: ${f.message}`).join("\n");
    throw new Error(`Invalid configuration:\n${problems}`);
  }
  return parsed.data;
}
