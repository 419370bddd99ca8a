/**
 * One error type for the whole application, keyed by a fixed set of codes.
 * Codes are mapped to HTTP statuses / UI messages only at the edges
 * (see app/_lib/http.ts and app/_lib/actions.ts).
 */
export const ERROR_CODES = [
  "validation",
  "unauthenticated",
  "forbidden",
  "not_found",
  "conflict",
  "insufficient_stock",
  "invalid_transition",
  "payment_in_progress",
  "rate_limited",
  "unavailable",
  "internal",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface FieldIssue {
  /** Dotted path of the offending field, e.g. "items.0.quantity". */
  path: string;
  message: string;
}

/**
 * A brand in the global symbol registry: bundlers may load this module more
 * than once (Next.js gives route entries their own module copies), so
 * `instanceof` alone could miss an AppError created by another copy.
 */
const APP_ERROR = Symbol.for("storefront.AppError");

export class AppError extends Error {
  override readonly name = "AppError";
  readonly [APP_ERROR] = true;
  readonly code: ErrorCode;
  readonly fields: readonly FieldIssue[];
  /** For rate_limited: how long until the caller may try again. */
  readonly retryAfterSeconds?: number;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; fields?: readonly FieldIssue[]; retryAfterSeconds?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.fields = options?.fields ?? [];
    if (options?.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export function isAppError(error: unknown, code?: ErrorCode): error is AppError {
  const branded = typeof error === "object" && error !== null && (error as { [APP_ERROR]?: unknown })[APP_ERROR] === true;
  return branded && (code === undefined || (error as AppError).code === code);
}

/** The chain of causes, outermost first, for logs. Never shown to users. */
export function describeCauses(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 10; depth++) {
    if (current instanceof Error) {
      parts.push(`${current.name}: ${current.message}`);
      current = (current as Error & { cause?: unknown }).cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return parts.join("\n  caused by ");
}
