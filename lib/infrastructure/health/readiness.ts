import { Kafka, logLevel } from "kafkajs";
import type pg from "pg";
import type { KafkaConnection } from "../kafka/connection";

export type Check = { ok: true; latencyMs: number } | { ok: false; error: string };

async function timed(work: () => Promise<unknown>, timeoutMs: number): Promise<Check> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      work(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true, latencyMs: Date.now() - started };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Readiness of the web process's dependencies: PostgreSQL answers a query and
 * the Kafka cluster answers a metadata request. Each check is bounded, and a
 * fresh Kafka admin client is used per check (no retries), so a dead broker
 * makes the check fail fast instead of hanging on reconnects.
 */
export function makeReadiness(deps: { pool: pg.Pool; kafka: KafkaConnection; clientId: string; timeoutMs?: number }) {
  const timeoutMs = deps.timeoutMs ?? 3_000;
  return async function ready(): Promise<{ postgres: Check; kafka: Check }> {
    const postgres = timed(() => deps.pool.query("SELECT 1"), timeoutMs);
    const kafka = timed(async () => {
      const { brokers, ssl, sasl } = deps.kafka;
      const admin = new Kafka({ clientId: `${deps.clientId}-ready`, brokers, ssl, sasl, logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: timeoutMs }).admin();
      try {
        await admin.connect();
        await admin.describeCluster();
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    }, timeoutMs);
    return { postgres: await postgres, kafka: await kafka };
  };
}
