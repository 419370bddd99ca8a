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
  "unavailable",
  "internal",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface FieldIssue {
  /** Dotted path of the offending field, e.g. "items.0.quantity". */
  path: string;
  message: string;
}

export class AppError extends Error {
  override readonly name = "AppError";
  readonly code: ErrorCode;
  readonly fields: readonly FieldIssue[];

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; fields?: readonly FieldIssue[] }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.fields = options?.fields ?? [];
  }
}

export function isAppError(error: unknown, code?: ErrorCode): error is AppError {
  return error instanceof AppError && (code === undefined || error.code === code);
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
