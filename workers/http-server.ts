/**
 * The worker's HTTP side: liveness and readiness for the orchestrator and
 * /metrics for Prometheus. node:http only; it serves three fixed paths.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "../lib/application/shared";

/**
 * What the server needs of the metrics registry (MetricsRegistry in
 * lib/infrastructure/observability/metrics.ts), stated here because workers
 * import nothing from lib/infrastructure.
 */
export interface MetricsSource {
  /** The Content-Type of what render() returns. */
  readonly contentType: string;
  render(signal?: AbortSignal): Promise<string>;
}

export interface HealthReport {
  ok: boolean;
  checks: Record<string, { ok: boolean; error?: string }>;
}

export interface WorkerHttpServerOptions {
  port: number;
  /** Default: every interface, so a scraper outside the container reaches it. */
  host?: string;
  metrics: MetricsSource;
  health: () => Promise<HealthReport>;
  log: Pick<Logger, "info" | "error">;
}

export interface WorkerHttpServer {
  /** The bound port (the real one when 0 was asked for). */
  port: number;
  /** Stops accepting; resolves once open connections have ended (cut after a short grace). */
  close(): Promise<void>;
}

/** Below the usual probe timeouts, so a hanging dependency reads as "not ready", not as a dead probe. */
const READY_TIMEOUT_MS = 2_000;
/** Long enough for a scrape or readiness check in flight to finish. */
const CLOSE_GRACE_MS = 2_500;
const ALLOW = "GET, HEAD";
const PATHS = new Set(["/health/live", "/health/ready", "/metrics"]);

function send(res: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    "Content-Type": contentType,
    "Content-Length": Buffer.byteLength(body),
    // Probes and scrapes must see the present, never a cached answer.
    "Cache-Control": "no-store",
    ...headers,
  });
  res.end(body); // node drops the body itself for HEAD
}

const sendJson = (res: ServerResponse, status: number, value: unknown) => send(res, status, "application/json; charset=utf-8", JSON.stringify(value));
const sendText = (res: ServerResponse, status: number, text: string, headers?: Record<string, string>) =>
  send(res, status, "text/plain; charset=utf-8", text + "\n", headers);

async function readiness(health: () => Promise<HealthReport>, log: WorkerHttpServerOptions["log"]): Promise<HealthReport> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      health(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
      }),
    ]);
  } catch (error) {
    log.error(`readiness check failed`, { err: error });
    return { ok: false, checks: { readiness: { ok: false, error: error instanceof Error ? error.message : String(error) } } };
  } finally {
    clearTimeout(timer);
  }
}

export function startWorkerHttpServer(options: WorkerHttpServerOptions): Promise<WorkerHttpServer> {
  const { metrics, health, log } = options;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://worker").pathname;
    if (!PATHS.has(path)) return sendText(res, 404, "not found");
    if (req.method !== "GET" && req.method !== "HEAD") return sendText(res, 405, "method not allowed", { Allow: ALLOW });

    if (path === "/health/live") return sendJson(res, 200, { status: "ok" });

    if (path === "/health/ready") {
      const report = await readiness(health, log);
      return sendJson(res, report.ok ? 200 : 503, { status: report.ok ? "ok" : "unavailable", checks: report.checks });
    }

    // /metrics: collectors stop when the scraper hangs up.
    const gone = new AbortController();
    res.on("close", () => gone.abort(new Error("client closed the connection")));
    let body: string;
    try {
      body = await metrics.render(gone.signal);
    } catch (error) {
      if (gone.signal.aborted) return;
      log.error(`rendering metrics failed`, { err: error });
      return sendText(res, 500, "metrics unavailable");
    }
    if (!res.destroyed) send(res, 200, metrics.contentType, body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log.error(`${req.method} ${req.url} failed`, { err: error });
      if (!res.headersSent && !res.destroyed) sendText(res, 500, "internal error");
      else res.destroy();
    });
  });

  return new Promise<WorkerHttpServer>((resolve, reject) => {
    const onError = (error: Error) => reject(new Error(`worker HTTP server could not listen on port ${options.port}`, { cause: error }));
    server.once("error", onError);
    server.listen(options.port, options.host, () => {
      server.off("error", onError);
      server.on("error", (error) => log.error(`worker HTTP server`, { err: error }));
      const port = (server.address() as AddressInfo).port;
      log.info(`health and metrics on port ${port}`);
      let closing: Promise<void> | undefined;
      resolve({
        port,
        close() {
          closing ??= new Promise<void>((done, fail) => {
            const cut = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
            cut.unref();
            server.close((error) => {
              clearTimeout(cut);
              if (error) fail(new Error("closing the worker HTTP server failed", { cause: error }));
              else done();
            });
            // Keep-alive connections waiting for a next request would hold close() for their whole timeout.
            server.closeIdleConnections();
          });
          return closing;
        },
      });
    });
  });
}
