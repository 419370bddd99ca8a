import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../..");

/**
 * A Kafka broker of its own that asks clients to authenticate: SASL (PLAIN or
 * SCRAM-SHA-512) on one listener, the same inside TLS on another (a certificate
 * signed by a CA made for the run). Started with scripts/kafka/kafka.sh (own
 * home, ports, data dir and pid file), so the shared broker on 9092 is never
 * touched. Its PLAINTEXT port is only there for kafka.sh's readiness check and
 * the broker's own traffic.
 */
export const SECURE_BROKER = {
  home: path.join(ROOT, ".local/kafka-secure"),
  port: Number(process.env.SECURE_KAFKA_PORT ?? 19292),
  controllerPort: Number(process.env.SECURE_KAFKA_CONTROLLER_PORT ?? 19293),
  saslPort: Number(process.env.SECURE_KAFKA_SASL_PORT ?? 19294),
  saslSslPort: Number(process.env.SECURE_KAFKA_SASL_SSL_PORT ?? 19295),
  get saslAddress(): string {
    return `127.0.0.1:${this.saslPort}`;
  },
  get saslSslAddress(): string {
    return `127.0.0.1:${this.saslSslPort}`;
  },
  get tlsDir(): string {
    return path.join(this.home, "tls");
  },
  /** The CA that signed the broker's certificate (PEM). */
  get caFile(): string {
    return path.join(this.tlsDir, "ca.pem");
  },
  /** A CA that signed nothing of the broker's (PEM): trusting only it must fail. */
  get otherCaFile(): string {
    return path.join(this.tlsDir, "other-ca.pem");
  },
};

export interface SecureBroker {
  /** A PLAIN user (checked against the broker's JAAS config). */
  readonly user: string;
  readonly password: string;
  /** A SCRAM-SHA-512 user (its salted credential stored in the cluster's metadata). */
  readonly scramUser: string;
  readonly scramPassword: string;
  stop(): Promise<void>;
}

async function openssl(args: string[]): Promise<void> {
  await run("openssl", args, { cwd: SECURE_BROKER.tlsDir, timeout: 30_000 });
}

/** A CA, a server certificate for 127.0.0.1 signed by it, and an unrelated CA; EC keys, so it takes well under a second. */
async function makeCertificates(): Promise<void> {
  const dir = SECURE_BROKER.tlsDir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  await openssl(["req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=storefront test CA"]);
  await openssl(["req", "-x509", ...ec, "-keyout", "other-ca.key", "-out", "other-ca.pem", "-days", "2", "-subj", "/CN=storefront unrelated CA"]);
  await openssl(["req", ...ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"]);
  writeFileSync(path.join(dir, "server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
  await openssl(["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.crt", "-days", "2", "-extfile", "server.ext"]);
  // Kafka reads a PEM keystore: the PKCS#8 key, then the chain.
  await run("sh", ["-c", "cat server.key server.crt ca.pem > server-keystore.pem"], { cwd: dir });
}

function kafkaSh(command: "start" | "stop", extra: Record<string, string> = {}) {
  return run("bash", [path.join(ROOT, "scripts/kafka/kafka.sh"), command], {
    cwd: ROOT,
    timeout: 180_000,
    env: {
      ...process.env,
      KAFKA_HOME: SECURE_BROKER.home,
      KAFKA_PORT: String(SECURE_BROKER.port),
      KAFKA_CONTROLLER_PORT: String(SECURE_BROKER.controllerPort),
      // The broker's readiness check and topic creation go over PLAINTEXT; the client's own settings must not leak in.
      KAFKA_SSL: "",
      KAFKA_SSL_CA_FILE: "",
      KAFKA_SASL_MECHANISM: "",
      KAFKA_SASL_USERNAME: "",
      KAFKA_SASL_PASSWORD: "",
      ...extra,
    },
  });
}

/** Starts the broker with users made up for this run; stop() stops it by its pid (kafka.sh stop). */
export async function startSecureBroker(): Promise<SecureBroker> {
  const user = "storefront";
  const password = `pw-${randomUUID()}`;
  const scramUser = "storefront-scram";
  const scramPassword = `pw-${randomUUID()}`;
  mkdirSync(SECURE_BROKER.home, { recursive: true });
  // One left running by a run that was killed has the old run's users: stopped (by its pid file) first.
  await kafkaSh("stop");
  // A new cluster each run: SCRAM users are written when the data dir is formatted, and no topic outlives its run.
  rmSync(path.join(SECURE_BROKER.home, "data"), { recursive: true, force: true });
  // The jars of the default broker's home when they are there (install.sh fetches them otherwise).
  const lib = path.join(SECURE_BROKER.home, "lib");
  const sharedLib = path.join(ROOT, ".local/kafka/lib");
  if (!existsSync(lib) && existsSync(sharedLib)) symlinkSync(sharedLib, lib);
  await makeCertificates();
  const jaas = `org.apache.kafka.common.security.plain.PlainLoginModule required user_${user}="${password}";`;
  const scram = "org.apache.kafka.common.security.scram.ScramLoginModule required;";
  const extraConfig = path.join(SECURE_BROKER.home, "secure.properties");
  writeFileSync(
    extraConfig,
    [
      "sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-512",
      `listener.name.sasl_plaintext.plain.sasl.jaas.config=${jaas}`,
      `listener.name.sasl_ssl.plain.sasl.jaas.config=${jaas}`,
      `listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=${scram}`,
      `listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=${scram}`,
      "ssl.keystore.type=PEM",
      `ssl.keystore.location=${path.join(SECURE_BROKER.tlsDir, "server-keystore.pem")}`,
      "",
    ].join("\n"),
    { mode: 0o600 },
  );
  await kafkaSh("start", {
    KAFKA_EXTRA_LISTENERS: `SASL_PLAINTEXT://${SECURE_BROKER.saslAddress},SASL_SSL://${SECURE_BROKER.saslSslAddress}`,
    KAFKA_EXTRA_CONFIG: extraConfig,
    KAFKA_FORMAT_ARGS: `--add-scram SCRAM-SHA-512=[name=${scramUser},password=${scramPassword}]`,
  });
  return {
    user,
    password,
    scramUser,
    scramPassword,
    async stop() {
      await kafkaSh("stop");
    },
  };
}
