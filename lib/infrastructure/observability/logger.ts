import { createRequire } from "node:module";
import { hostname } from "node:os";
import { isSpanContextValid, trace } from "@opentelemetry/api";
import pino, { stdSerializers, type DestinationStream, type LevelWithSilent } from "pino";
import type { LogFields, Logger } from "../../application/shared";
import { loadLogEnv, type LogEnv } from "../config/env";

/**
 * The Logger port over pino: one JSON object per line, each with `service`,
 * `level` (its name), `time` (ISO 8601), `msg`, and `trace_id`/`span_id` while
 * an OpenTelemetry span is active. An `err` field is the error with its whole
 * cause chain. Secrets are removed twice: by field name (redactSecrets) and, as
 * a last line of defence, by shape in every string of the line (maskSecrets).
 *
 * Human-readable lines (pino-pretty) are for development only. pino-pretty is a
 * devDependency used as a plain synchronous stream, loaded only when asked for:
 * never as a pino `transport`, whose worker thread resolves files at run time
 * that neither Next.js's server bundle nor the worker's esbuild bundle keeps.
 */

export type LogFormat = "json" | "pretty";

export interface LoggerOptions {
  /** Default: LOG_LEVEL (info). */
  level?: LevelWithSilent;
  /** Default: LOG_FORMAT, else json in production and pretty elsewhere. */
  format?: LogFormat;
  /** Where lines go (default: standard output). Tests pass a memory stream. */
  destination?: DestinationStream;
  /** Read instead of process.env. */
  env?: LogEnv;
}

export const REDACTED = "[REDACTED]";

/**
 * Field names that hold secrets wherever they appear. Matched exactly (pino
 * paths are case-sensitive), so the usual spellings are listed.
 */
const SECRET_KEYS = [
  "password", "newPassword", "currentPassword", "confirmPassword", "passwordHash", "password_hash",
  "token", "accessToken", "access_token", "refreshToken", "refresh_token", "apiToken", "api_token",
  "resetToken", "reset_token", "idToken", "id_token", "sessionToken", "session_token", "tokenHash", "bearer",
  "secret", "clientSecret", "client_secret", "apiKey", "api_key", "x-api-key", "privateKey", "private_key",
  "authorization", "Authorization", "cookie", "Cookie", "cookies", "set-cookie", "Set-Cookie",
  "cardNumber", "card_number", "pan", "cvc", "cvv",
  // Settings that hold secrets, should the parsed configuration ever be logged.
  "KAFKA_SASL_PASSWORD",
];
/** Fields that are secret only inside a card. */
const CARD_KEYS = ["number", "pan", "cardNumber"];
/** How far down a logged object is searched: deeper than any field this code logs. */
const MAX_DEPTH = 8;

const SECRET = new Set(SECRET_KEYS.map((k) => k.toLowerCase()));
const CARD_SECRET = new Set(CARD_KEYS.map((k) => k.toLowerCase()));

const isPlain = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null);

/**
 * A copy of `value` with every secret field (SECRET_KEYS, any case; CARD_KEYS
 * inside a `card`) replaced by REDACTED, at any depth up to MAX_DEPTH, in plain
 * objects and arrays; the value itself when nothing is secret (no copy, so a
 * request's access log line costs one walk over a few flat fields). One walk
 * instead of pino's `redact` paths: those are compiled per path and depth, and
 * cost a millisecond per line over the ~230 paths the same names need.
 */
export function redactSecrets(value: unknown, inCard = false, depth = 0): unknown {
  if (depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const next = redactSecrets(item, inCard, depth + 1);
      if (next !== item) (copy ??= [...value])[i] = next;
    });
    return copy ?? value;
  }
  if (!isPlain(value)) return value;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const lower = key.toLowerCase();
    const item = value[key];
    const next = SECRET.has(lower) || (inCard && CARD_SECRET.has(lower)) ? REDACTED : redactSecrets(item, lower === "card", depth + 1);
    if (next !== item) (copy ??= { ...value })[key] = next;
  }
  return copy ?? value;
}

/** Luhn's checksum: what a mistyped or made-up long number (an id, a timestamp) fails nine times in ten. */
function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

const BEARER = /\b(Bearer)\s+[A-Za-z0-9._~+/-]+=*/gi;
/** A JWS (three parts) or JWE (five, the second often empty), e.g. a session cookie's value. */
const JWT = /\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)?/g;
/**
 * 13 to 19 digits, optionally grouped by single spaces or dashes, as card
 * numbers are written; not inside a word (a hex trace id holds digit runs, and
 * one in ten of them passes Luhn).
 */
const CARD = /(?<![\w.])\d(?:[ -]?\d){12,18}(?![\w.])/g;

/** Masks what looks like a bearer token, a JWT or a card number (Luhn-valid, 13–19 digits) in a text. */
export function maskSecrets(text: string): string {
  return text
    .replace(BEARER, `$1 ${REDACTED}`)
    .replace(JWT, REDACTED)
    .replace(CARD, (match) => (luhn(match.replace(/[ -]/g, "")) ? REDACTED : match));
}

/**
 * A JSON string literal (the only place a secret can stand in a serialized
 * line), with the key in front when it is one of the trace ids the logger adds
 * itself: a span id is sixteen hex digits, sometimes all decimal and passing
 * Luhn's check, and must not be masked as a card number.
 */
const JSON_STRING = /("(?:trace_id|span_id)":)?"(?:[^"\\]|\\.)*"/g;

/**
 * The last line of defence, on the serialized line: masks secrets by shape in
 * every string (the message, an error's message and stack, any field), where
 * the redaction by name cannot see them. Only string literals are touched, so
 * the line stays valid JSON.
 */
const SECRET_SHAPED = /Bearer|eyJ|\d(?:[ -]?\d){12}/i;

function maskLine(line: string): string {
  // Cheap pre-check: most lines hold nothing secret-shaped (a timestamp's digit runs are short).
  if (!SECRET_SHAPED.test(line)) return line;
  return line.replace(JSON_STRING, (literal: string, traceKey: string | undefined) => (traceKey === undefined ? maskSecrets(literal) : literal));
}

/**
 * An error with its causes, outermost first, each under the previous one's
 * `cause` (pino's default `err` serializer folds them into one message and one
 * stack instead). A cause that is not an Error (a string, a plain object) is
 * kept as it is; errWithCause would drop it.
 */
function serializeError(error: unknown): unknown {
  const serialized = stdSerializers.errWithCause(error as Error) as unknown;
  let original: unknown = error;
  let out = serialized as { cause?: unknown } | null;
  for (let depth = 0; original instanceof Error && out !== null && typeof out === "object" && depth < 10; depth++) {
    const cause = (original as { cause?: unknown }).cause;
    if (cause === undefined) break;
    if (out.cause === undefined) {
      if (!(cause instanceof Error)) out.cause = cause;
      break;
    }
    original = cause;
    out = out.cause as { cause?: unknown } | null;
  }
  return serialized;
}

/** The active span's ids, when a tracer provider is registered and a span is recording this work. */
function traceFields(): Record<string, string> {
  const context = trace.getActiveSpan()?.spanContext();
  return context && isSpanContextValid(context) ? { trace_id: context.traceId, span_id: context.spanId } : {};
}

function prettyStream(destination: DestinationStream | undefined): DestinationStream {
  // Loaded here, not imported: a devDependency, absent from a production install.
  const require = createRequire(import.meta.url);
  const build = require("pino-pretty") as (options: Record<string, unknown>) => DestinationStream;
  return build({
    sync: true,
    destination: destination ?? 1,
    colorize: destination === undefined && process.stdout.isTTY === true,
    translateTime: "SYS:HH:MM:ss.l",
    // The same on every line of one process: the service name is enough.
    ignore: "pid,hostname,service",
    messageFormat: "[{service}] {msg}",
  });
}

export function createLogger(service: string, options: LoggerOptions = {}): Logger {
  const env = options.env ?? loadLogEnv();
  const format = options.format ?? env.LOG_FORMAT ?? (env.NODE_ENV === "production" ? "json" : "pretty");
  const destination = format === "pretty" ? prettyStream(options.destination) : options.destination;
  const logger = pino(
    {
      level: options.level ?? env.LOG_LEVEL,
      base: { service, pid: process.pid, hostname: hostname() },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }), log: (fields) => redactSecrets(fields) as Record<string, unknown> },
      mixin: traceFields,
      serializers: { err: serializeError },
      hooks: { streamWrite: maskLine },
    },
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
  return adapt(logger);
}

function adapt(logger: pino.Logger): Logger {
  const at =
    (level: "debug" | "info" | "warn" | "error") =>
    (message: string, fields?: LogFields): void => {
      if (fields === undefined) logger[level](message);
      else if (fields instanceof Error) logger[level]({ err: fields }, message);
      else logger[level](fields, message);
    };
  return {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    child: (bindings) => adapt(logger.child(bindings)),
  };
}
