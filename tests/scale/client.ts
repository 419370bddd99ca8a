/**
 * The drill's shoppers as HTTP clients of the load balancer. A request that
 * fails on the way (connection refused or reset, a 5xx, a 429, or "still being
 * processed" for its Idempotency-Key) is sent again with the same key after a
 * backoff, as a real client would. Every answer is recorded, so the drill can
 * count 5xx and when they happened.
 */
import { randomUUID } from "node:crypto";

export interface Exchange {
  at: number;
  method: string;
  path: string;
  /** HTTP status, or 0 when no answer came (connection refused or reset, or no answer within 60 s). */
  status: number;
  attempt: number;
  /** How long this attempt took. */
  ms: number;
}

export class RetryingClient {
  readonly log: Exchange[] = [];

  constructor(
    private readonly base: string,
    /** Gives up on one request after this long (the drill then fails). */
    private readonly giveUpMs = 120_000,
  ) {}

  /**
   * Sends until an answer that is final for the caller: any 2xx or 4xx except 429
   * and the idempotency "conflict" (another request with this key is still running).
   */
  async send<T = unknown>(
    method: string,
    path: string,
    init: { token?: string; address: string; body?: unknown; idempotencyKey?: string } ,
  ): Promise<{ status: number; body: T; attempts: number }> {
    const started = Date.now();
    const key = init.idempotencyKey ?? (method === "GET" ? undefined : randomUUID());
    for (let attempt = 1; ; attempt++) {
      let status = 0;
      let body: unknown = null;
      let retryAfterMs = 0;
      const sentAt = Date.now();
      try {
        const res = await fetch(this.base + path, {
          method,
          headers: {
            "content-type": "application/json",
            "x-forwarded-for": init.address,
            ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
            ...(key ? { "idempotency-key": key } : {}),
          },
          body: init.body === undefined ? undefined : JSON.stringify(init.body),
          // Longer than the server may hold a request: a retry whose first attempt died with a web
          // instance waits (up to the Idempotency-Key lock, 30 s) for that claim to lapse, then does the work.
          signal: AbortSignal.timeout(60_000),
        });
        status = res.status;
        const text = await res.text();
        body = text && res.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text;
        retryAfterMs = Number(res.headers.get("retry-after") ?? 0) * 1000;
      } catch {
        status = 0;
      }
      this.log.push({ at: Date.now(), method, path: path.replace(/[0-9a-f-]{36}/g, ":id"), status, attempt, ms: Date.now() - sentAt });
      const code = (body as { code?: string } | null)?.code;
      const again = status === 0 || status >= 500 || status === 429 || (status === 409 && code === "conflict");
      if (!again) return { status, body: body as T, attempts: attempt };
      if (Date.now() - started >= this.giveUpMs) {
        throw new Error(`${method} ${path}: no final answer after ${attempt} attempts (last ${status} ${JSON.stringify(body).slice(0, 200)})`);
      }
      const backoff = Math.min(2_000, 100 * 2 ** Math.min(attempt, 5));
      const left = this.giveUpMs - (Date.now() - started);
      await new Promise((r) => setTimeout(r, Math.min(left, Math.max(retryAfterMs, backoff * (0.5 + Math.random() / 2)))));
    }
  }
}
