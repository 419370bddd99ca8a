import { Writable } from "node:stream";
import { context, ROOT_CONTEXT, trace, type Context, type ContextManager, type SpanContext } from "@opentelemetry/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../domain/errors";
import { createLogger, maskSecrets, REDACTED } from "./logger";

/** A parsed JSON line: objects all the way down, as far as the assertions walk. */
interface Line {
  readonly [key: string]: Line & string;
}

/** A JSON logger writing into memory, and its lines parsed. */
function memoryLogger(service = "storefront-test") {
  const raw: string[] = [];
  const log = createLogger(service, { format: "json", level: "debug", destination: { write: (line: string) => void raw.push(line) } });
  return { log, raw, lines: () => raw.map((line) => JSON.parse(line) as Line) };
}

const JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEiLCJleHAiOjE3MDAwMDAwMDB9.c2lnbmF0dXJlLWJ5dGVz";

describe("createLogger", () => {
  it("writes one JSON object per line with the service, the level's name and an ISO time", () => {
    const { log, raw, lines } = memoryLogger("storefront-web");
    log.info("order placed", { orderId: "o-1" });
    log.warn("slow");
    expect(raw).toHaveLength(2);
    expect(raw.every((line) => line.endsWith("\n") && line.indexOf("\n") === line.length - 1)).toBe(true);
    const [info, warn] = lines();
    expect(info).toMatchObject({ service: "storefront-web", level: "info", msg: "order placed", orderId: "o-1" });
    expect(warn).toMatchObject({ level: "warn", msg: "slow" });
    expect(new Date(info!.time!).toISOString()).toBe(info!.time);
  });

  it("honours the level: debug lines are dropped at info", () => {
    const raw: string[] = [];
    const log = createLogger("s", { format: "json", level: "info", destination: { write: (l: string) => void raw.push(l) } });
    log.debug("noise");
    log.info("kept");
    expect(raw.map((l) => JSON.parse(l).msg)).toEqual(["kept"]);
  });

  it("reads LOG_LEVEL and LOG_FORMAT, and defaults to JSON in production", () => {
    const raw: string[] = [];
    const destination = { write: (l: string) => void raw.push(l) };
    createLogger("s", { env: { NODE_ENV: "production", LOG_LEVEL: "warn" }, destination }).info("dropped");
    createLogger("s", { env: { NODE_ENV: "production", LOG_LEVEL: "warn" }, destination }).warn("kept");
    expect(raw.map((l) => JSON.parse(l).msg)).toEqual(["kept"]);
  });

  it("writes human-readable lines through pino-pretty when asked, in the same process (no worker thread)", async () => {
    let text = "";
    const out = new Writable({ write: (chunk, _encoding, done) => ((text += String(chunk)), done()) });
    const log = createLogger("storefront-worker", { env: { NODE_ENV: "development", LOG_LEVEL: "info" }, destination: out });
    log.info("running: relay");
    // Synchronous: the line is there before the call returns.
    expect(text).toMatch(/INFO.*\[storefront-worker\] running: relay/);
    expect(() => JSON.parse(text)).toThrow();
  });

  it("logs an error once, under err, with its whole cause chain (including a cause that is not an Error)", () => {
    const { log, lines } = memoryLogger();
    const root = new Error("connect ECONNREFUSED 127.0.0.1:5432");
    const error = new AppError("unavailable", "could not reserve stock", { cause: new Error("transaction failed", { cause: root }) });
    log.error("reserve-stock (failure 1)", { err: error });
    log.error("with a string cause", { err: new Error("outer", { cause: "the broker said no" }) });
    const [line, second] = lines();
    expect(line!.msg).toBe("reserve-stock (failure 1)");
    const err = line!.err!;
    expect(err).toMatchObject({ type: "AppError", message: "could not reserve stock", code: "unavailable" });
    expect(err.stack).toContain("could not reserve stock");
    expect(err.cause).toMatchObject({ type: "Error", message: "transaction failed" });
    expect(err.cause?.cause).toMatchObject({ type: "Error", message: "connect ECONNREFUSED 127.0.0.1:5432" });
    // Once: the causes are nested, not folded into the outer message as pino's default serializer does.
    expect(err.message).not.toContain("transaction failed");
    expect(second!.err?.cause).toBe("the broker said no");
  });

  it("takes an Error in place of the fields (a caller in plain JavaScript) as err", () => {
    const { log, lines } = memoryLogger();
    log.error("failed", new Error("boom") as never);
    expect(lines()[0]!.err).toMatchObject({ type: "Error", message: "boom" });
  });

  it("gives bound methods, so log.error can be passed as a function", () => {
    const { log, lines } = memoryLogger();
    const report: (message: string) => void = log.error;
    report("detached");
    expect(lines()[0]).toMatchObject({ level: "error", msg: "detached" });
  });

  it("adds a child's bindings to every line", () => {
    const { log, lines } = memoryLogger();
    log.child({ component: "kafkajs" }).warn("rebalancing");
    expect(lines()[0]).toMatchObject({ component: "kafkajs", service: "storefront-test", msg: "rebalancing" });
  });
});

/** A synchronous context manager: enough to make a span active (the tracer provider is wired elsewhere). */
function syncContextManager(): ContextManager {
  let current: Context = ROOT_CONTEXT;
  const manager: ContextManager = {
    active: () => current,
    with(ctx, fn, thisArg, ...args) {
      const previous = current;
      current = ctx;
      try {
        return fn.call(thisArg, ...args);
      } finally {
        current = previous;
      }
    },
    bind: (_ctx, target) => target,
    enable: () => manager,
    disable: () => manager,
  };
  return manager;
}

describe("trace ids", () => {
  beforeAll(() => void context.setGlobalContextManager(syncContextManager()));
  afterAll(() => context.disable());

  it("carries the active span's trace_id and span_id, and none outside a span or for an invalid span", () => {
    const { log, lines } = memoryLogger();
    const span: SpanContext = { traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "00f067aa0ba902b7", traceFlags: 1 };
    context.with(trace.setSpanContext(context.active(), span), () => log.info("inside"));
    log.info("outside");
    context.with(trace.setSpanContext(context.active(), { traceId: "0".repeat(32), spanId: "0".repeat(16), traceFlags: 0 }), () => log.info("invalid"));
    const [inside, outside, invalid] = lines();
    expect(inside).toMatchObject({ trace_id: span.traceId, span_id: span.spanId });
    expect(outside).not.toHaveProperty("trace_id");
    expect(invalid).not.toHaveProperty("trace_id");
  });

  it("keeps a span id that happens to be sixteen decimal digits passing Luhn's check (one span in some tens of thousands)", () => {
    const { log, lines } = memoryLogger();
    // 4242424242424242 passes Luhn: as a span id it is an id, not a card number.
    const span: SpanContext = { traceId: "42424242424242424242424242424242", spanId: "4242424242424242", traceFlags: 1 };
    context.with(trace.setSpanContext(context.active(), span), () => log.info("card 4242424242424242 in the message", { note: "4242424242424242" }));
    expect(lines()[0]).toMatchObject({ trace_id: span.traceId, span_id: span.spanId, msg: `card ${REDACTED} in the message`, note: REDACTED });
  });
});

describe("redaction", () => {
  it("removes passwords and tokens by name, at the top and nested", () => {
    const { log, raw, lines } = memoryLogger();
    log.info("sign-in", {
      password: "a-long-password",
      body: { email: "a@example.com", password: "hunter2-hunter2", confirmPassword: "hunter2-hunter2" },
      tokens: { accessToken: "at-123456", refreshToken: "rt-123456", apiToken: "api-123456", resetToken: "reset-123456", token: "t-123456" },
      deep: { a: { b: { c: { password: "deep-password" } } } },
    });
    const line = lines()[0]!;
    expect(line.password).toBe(REDACTED);
    expect(line.body).toEqual({ email: "a@example.com", password: REDACTED, confirmPassword: REDACTED });
    expect(line.tokens).toEqual({ accessToken: REDACTED, refreshToken: REDACTED, apiToken: REDACTED, resetToken: REDACTED, token: REDACTED });
    expect(raw[0]).not.toMatch(/a-long-password|hunter2|at-123456|rt-123456|api-123456|reset-123456|t-123456|deep-password/);
  });

  it("removes cookies and authorization headers, in headers and request objects", () => {
    const { log, raw, lines } = memoryLogger();
    log.warn("request", {
      headers: { authorization: "Basic dXNlcjpwYXNz", cookie: "authjs.session-token=opaque-session-value", "user-agent": "test" },
      req: { headers: { Authorization: "Token opaque-api-value", "set-cookie": "sid=opaque-cookie-value" } },
      cookies: { sid: "opaque" },
    });
    const line = lines()[0]!;
    expect(line.headers).toEqual({ authorization: REDACTED, cookie: REDACTED, "user-agent": "test" });
    expect(line.req?.headers).toEqual({ Authorization: REDACTED, "set-cookie": REDACTED });
    expect(line.cookies).toBe(REDACTED);
    expect(raw[0]).not.toMatch(/dXNlcjpwYXNz|opaque-session-value|opaque-api-value|opaque-cookie-value/);
  });

  it("removes card numbers and secrets by name", () => {
    const { log, raw, lines } = memoryLogger();
    log.info("pay", {
      cardNumber: "4242424242424242",
      card: { number: "5555555555554444", last4: "4444" },
      payment: { card: { pan: "378282246310005" }, pan: "6011111111111117" },
      secret: "s3cr3t-value",
      config: { clientSecret: "cs-value", apiKey: "key-value" },
    });
    const line = lines()[0]!;
    expect(line.cardNumber).toBe(REDACTED);
    expect(line.card).toEqual({ number: REDACTED, last4: "4444" });
    expect(line.payment).toEqual({ card: { pan: REDACTED }, pan: REDACTED });
    expect(line.secret).toBe(REDACTED);
    expect(line.config).toEqual({ clientSecret: REDACTED, apiKey: REDACTED });
    expect(raw[0]).not.toMatch(/4242424242424242|5555555555554444|378282246310005|6011111111111117|s3cr3t-value|cs-value|key-value/);
  });

  it("masks bearer tokens, JWTs and card numbers by shape in messages, error messages and any other string", () => {
    const { log, raw, lines } = memoryLogger();
    log.warn(`rejected Authorization: Bearer ${JWT} for card 4242 4242 4242 4242`);
    log.error("payment failed", { err: new Error("declined: 4000-0000-0000-0002", { cause: new Error(`cookie authjs.session-token=${JWT}`) }), note: "Bearer opaque_token-123" });
    const [message, error] = lines();
    expect(message!.msg).toBe(`rejected Authorization: Bearer ${REDACTED} for card ${REDACTED}`);
    expect(error!.err?.message).toBe(`declined: ${REDACTED}`);
    expect(error!.err?.cause?.message).toBe(`cookie authjs.session-token=${REDACTED}`);
    expect(error!.note).toBe(`Bearer ${REDACTED}`);
    expect(raw.join("")).not.toMatch(/eyJ|4242 4242|4000-0000|opaque_token/);
  });

  it("leaves long numbers that are not card numbers, and numeric JSON values, alone", () => {
    const { log, lines } = memoryLogger();
    // A millisecond timestamp and an id that fail Luhn's check; a number field stays a number.
    log.info("at 1796225789481 id 1234567890123", { at: 1796225789481 });
    expect(lines()[0]).toMatchObject({ msg: "at 1796225789481 id 1234567890123", at: 1796225789481 });
  });
});

describe("maskSecrets", () => {
  it.each([
    ["Bearer abc.def-ghi~jkl+mno/pqr=", `Bearer ${REDACTED}`],
    ["bearer lowercase-token", `bearer ${REDACTED}`],
    [JWT, REDACTED],
    // A JWE (the session cookie): five parts, the second empty.
    ["eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIn0..iv-part.cipher-text.tag-part", REDACTED],
    ["4242424242424242", REDACTED],
    ["4242 4242 4242 4242", REDACTED],
    ["4000-0000-0000-0002", REDACTED],
    ["378282246310005", REDACTED],
    ["4242424242424241", "4242424242424241"],
    ["v1.2.3 and 2026-06-01", "v1.2.3 and 2026-06-01"],
  ])("%s", (input, expected) => {
    expect(maskSecrets(input)).toBe(expected);
  });
});
