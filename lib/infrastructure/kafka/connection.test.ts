import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadKafkaEnv } from "../config/env";
import { createLogger } from "../observability/logger";
import { kafkaConnection } from "./connection";

const dir = mkdtempSync(path.join(tmpdir(), "kafka-connection-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the Kafka connection the settings describe", () => {
  it("is plain brokers with no TLS and no login by default", () => {
    expect(kafkaConnection(loadKafkaEnv({}))).toEqual({ brokers: ["127.0.0.1:9092"] });
  });

  it("logs in with the SASL mechanism, user and password given, over TLS checked against Node's CAs", () => {
    const env = loadKafkaEnv({ KAFKA_BROKERS: "b1:9094,b2:9094", KAFKA_SSL: "1", KAFKA_SASL_MECHANISM: "scram-sha-256", KAFKA_SASL_USERNAME: "shop", KAFKA_SASL_PASSWORD: "pw" });
    expect(kafkaConnection(env)).toEqual({ brokers: ["b1:9094", "b2:9094"], ssl: true, sasl: { mechanism: "scram-sha-256", username: "shop", password: "pw" } });
  });

  it("trusts only the private CA of KAFKA_SSL_CA_FILE when it is set, and stops at start when that file is missing or no certificate", () => {
    const pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    const ca = path.join(dir, "ca.pem");
    writeFileSync(ca, pem);
    expect(kafkaConnection(loadKafkaEnv({ KAFKA_SSL: "true", KAFKA_SSL_CA_FILE: ca })).ssl).toEqual({ ca: [pem] });
    expect(() => kafkaConnection(loadKafkaEnv({ KAFKA_SSL: "true", KAFKA_SSL_CA_FILE: path.join(dir, "absent.pem") }))).toThrow(/KAFKA_SSL_CA_FILE: cannot read/);
    const junk = path.join(dir, "junk.pem");
    writeFileSync(junk, "not a certificate");
    expect(() => kafkaConnection(loadKafkaEnv({ KAFKA_SSL: "true", KAFKA_SSL_CA_FILE: junk }))).toThrow(/KAFKA_SSL_CA_FILE: .* holds no PEM certificate/);
  });

  it("keeps the SASL password out of a log line that carries the connection or the settings", () => {
    const raw: string[] = [];
    const log = createLogger("kafka-test", { format: "json", level: "info", destination: { write: (line: string) => void raw.push(line) } });
    const env = loadKafkaEnv({ KAFKA_SASL_MECHANISM: "scram-sha-512", KAFKA_SASL_USERNAME: "shop", KAFKA_SASL_PASSWORD: "kafka-pass-4d9e" });
    log.info("kafka settings", { connection: kafkaConnection(env), settings: env });
    expect(raw).toHaveLength(1);
    expect(raw[0]).toContain('"username":"shop"');
    expect(raw[0]).not.toContain("kafka-pass-4d9e");
  });
});
