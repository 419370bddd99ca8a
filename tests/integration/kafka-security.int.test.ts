import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { promisify } from "node:util";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkerAdapters } from "@/lib/composition/worker";
import { makeEvent } from "@/lib/domain/events";
import { loadEnv } from "@/lib/infrastructure/config/env";
import { makeReadiness } from "@/lib/infrastructure/health/readiness";
import { createKafka } from "@/lib/infrastructure/kafka/client";
import { kafkaConnection } from "@/lib/infrastructure/kafka/connection";
import type { DeadLetters, EventHandler } from "@/lib/application/shared";
import type { Topic } from "@/lib/domain/events";
import { eventually } from "../support/fixtures";
import { testLogger } from "../support/logger";
import { SECURE_BROKER, startSecureBroker, type SecureBroker } from "../support/secure-kafka";

const ROOT = path.resolve(import.meta.dirname, "../..");
const run = promisify(execFile);

let broker: SecureBroker;
const prefix = `kafkasec-${randomUUID().slice(0, 6)}.`;
// kafkajs reports a refused login at ERROR level through the logger: kept here, not printed.
const lines: string[] = [];
const log = testLogger((level, text) => void lines.push(`${level} ${text}`));
const noDeadLetters: DeadLetters = { record: async () => undefined };
// The readiness check's PostgreSQL half is not what this file is about.
const anyPool = { query: async () => ({ rows: [] }) } as unknown as pg.Pool;

/** The settings a worker of this deployment would run with, as text, the way they come from the environment. */
function settings(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/unused",
    KAFKA_BROKERS: SECURE_BROKER.saslAddress,
    KAFKA_SASL_MECHANISM: "plain",
    KAFKA_SASL_USERNAME: broker.user,
    KAFKA_SASL_PASSWORD: broker.password,
    KAFKA_TOPIC_PREFIX: prefix,
    KAFKA_SESSION_TIMEOUT_MS: "6000",
    ...overrides,
  };
}

/** Kafka settings this process may have from its environment: the script gets only the test's. */
const UNSET = { KAFKA_BROKERS: "", KAFKA_SSL: "", KAFKA_SSL_CA_FILE: "", KAFKA_SASL_MECHANISM: "", KAFKA_SASL_USERNAME: "", KAFKA_SASL_PASSWORD: "", KAFKA_TOPIC_PREFIX: "" };

/** scripts/kafka/ensure-topics.ts as operators run it, with these settings. */
async function ensureTopicsScript(env: Record<string, string>) {
  const started = Date.now();
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", "scripts/kafka/ensure-topics.ts"], {
      cwd: ROOT,
      env: { ...process.env, ...UNSET, KAFKA_READY_TIMEOUT_MS: "60000", ...env },
      timeout: 90_000,
    });
    return { code: 0, output: stdout + stderr, seconds: (Date.now() - started) / 1000 };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, output: `${e.stdout ?? ""}${e.stderr ?? ""}`, seconds: (Date.now() - started) / 1000 };
  }
}

function userRegistered() {
  const id = randomUUID();
  return makeEvent("user.registered", { id, aggregateType: "user", aggregateId: id, occurredAt: new Date(), payload: { userId: id, email: "kafkasec@example.com", name: "K" } });
}

beforeAll(async () => {
  broker = await startSecureBroker();
  // The topics, made over the SASL listener by the script operators run: it uses the settings too.
  const made = await ensureTopicsScript(settings());
  expect(made.output).toContain("[ensure-topics] created");
  expect(made.code).toBe(0);
});

afterAll(async () => {
  await broker?.stop();
});

describe("Kafka clients log in with the SASL settings and check the brokers' certificate", () => {
  it("publishes and consumes an event through the worker's own clients over SASL/PLAIN with the right password", async () => {
    const env = loadEnv(settings());
    const adapters = createWorkerAdapters({ env, deadLetters: noDeadLetters }, log);
    const received: string[] = [];
    const handler: EventHandler<Topic> = { topic: "user.registered", group: "kafkasec-check", handle: async (e) => void received.push(e.id) };
    const consumers = adapters.consumerGroup("kafkasec-check", [handler]);
    try {
      await consumers.start();
      const event = userRegistered();
      await adapters.publisher.publish([event]);
      await eventually(async () => (received.includes(event.id) ? true : undefined), 30_000, "the event consumed");
    } finally {
      await consumers.stop();
      await adapters.close();
    }
  });

  it("fails at once with an authentication error, not a hang, when the password is wrong", async () => {
    const env = loadEnv(settings({ KAFKA_SASL_PASSWORD: "not-the-password" }));
    const adapters = createWorkerAdapters({ env, deadLetters: noDeadLetters }, log);
    const started = Date.now();
    try {
      const error = await adapters.publisher.publish([userRegistered()]).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).name).toBe("KafkaJSSASLAuthenticationError");
      expect((error as Error).message).toMatch(/SASL PLAIN authentication failed/);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await adapters.close();
    }
    // ensure-topics gives up at once too, instead of waiting out its 60 s for a broker that answers.
    const script = await ensureTopicsScript(settings({ KAFKA_SASL_PASSWORD: "not-the-password" }));
    expect(script.code).toBe(1);
    expect(script.output).toMatch(/refused this client: SASL PLAIN authentication failed/);
    expect(script.seconds).toBeLessThan(20);
    // The web's readiness check says so.
    const ready = makeReadiness({ pool: anyPool, kafka: kafkaConnection(env), clientId: "kafkasec", timeoutMs: 3_000 });
    const { kafka } = await ready();
    expect(kafka).toMatchObject({ ok: false, error: expect.stringMatching(/authentication failed/) });
    // Neither the password tried nor the right one reached a log line.
    expect(lines.join("\n")).not.toContain("not-the-password");
    expect(lines.join("\n")).not.toContain(broker.password);
  });

  it("logs in with SCRAM-SHA-512 when that is the mechanism, and is refused with PLAIN's password for that user", async () => {
    const scram = { KAFKA_SASL_MECHANISM: "scram-sha-512", KAFKA_SASL_USERNAME: broker.scramUser };
    const env = loadEnv(settings({ ...scram, KAFKA_SASL_PASSWORD: broker.scramPassword }));
    const adapters = createWorkerAdapters({ env, deadLetters: noDeadLetters }, log);
    try {
      await adapters.publisher.publish([userRegistered()]);
    } finally {
      await adapters.close();
    }
    const wrong = createKafka(kafkaConnection(loadEnv(settings({ ...scram, KAFKA_SASL_PASSWORD: broker.password }))), "kafkasec-scram", log).admin();
    const error = await wrong.connect().then(() => undefined, (e: unknown) => e);
    await wrong.disconnect().catch(() => undefined);
    expect((error as Error).name).toBe("KafkaJSSASLAuthenticationError");
    expect((error as Error).message).toMatch(/SASL SCRAM SHA512 authentication failed/);
  });

  it("reaches the TLS listener when the CA file signed its certificate, and refuses it when the CA is another or none", async () => {
    const tls = { KAFKA_BROKERS: SECURE_BROKER.saslSslAddress, KAFKA_SSL: "true" };
    const env = loadEnv(settings({ ...tls, KAFKA_SSL_CA_FILE: SECURE_BROKER.caFile }));
    const adapters = createWorkerAdapters({ env, deadLetters: noDeadLetters }, log);
    try {
      await adapters.publisher.publish([userRegistered()]);
    } finally {
      await adapters.close();
    }
    const ready = makeReadiness({ pool: anyPool, kafka: kafkaConnection(env), clientId: "kafkasec", timeoutMs: 3_000 });
    expect((await ready()).kafka).toMatchObject({ ok: true });

    // Trusting only an unrelated CA, and trusting Node's public CAs: the broker's certificate is refused either way.
    for (const untrusted of [{ KAFKA_SSL_CA_FILE: SECURE_BROKER.otherCaFile }, {}] as Record<string, string>[]) {
      const admin = createKafka(kafkaConnection(loadEnv(settings({ ...tls, ...untrusted }))), "kafkasec-untrusted", log, { retries: 0 }).admin();
      const error = await admin.connect().then(() => undefined, (e: unknown) => e);
      await admin.disconnect().catch(() => undefined);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(/certificate/);
    }
  });
});
