/**
 * The processes' loggers (lib/infrastructure/observability/logger.ts). The web
 * app and the worker reach the adapter only through here.
 */
import type { Logger } from "../application/shared";
import { createLogger } from "../infrastructure/observability/logger";

export type { Logger, LogFields } from "../application/shared";

let web: Logger | undefined;

/**
 * The web process's logger, made on first use. Next.js may load this module
 * once per bundle; each copy writes the same kind of line to the same output,
 * which is all a logger needs to agree on.
 */
export function webLogger(): Logger {
  web ??= createLogger("storefront-web");
  return web;
}

/** The worker process's logger (workers/main.ts makes one). */
export function createWorkerLogger(): Logger {
  return createLogger("storefront-worker");
}
