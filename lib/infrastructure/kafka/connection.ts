import { readFileSync } from "node:fs";
import type { SASLOptions } from "kafkajs";
import type { KafkaEnv } from "../config/env";

/** Where the brokers are and how a client proves who it is to them (and they to it). */
export interface KafkaConnection {
  readonly brokers: string[];
  /** TLS: true checks the brokers' certificates against Node's CAs; `ca` replaces those with a private CA. */
  readonly ssl?: true | { ca: string[] };
  readonly sasl?: SASLOptions;
}

/**
 * The connection the settings describe (see env.ts). The CA file is read here,
 * once, so a wrong path stops the process at start with the variable named.
 */
export function kafkaConnection(env: KafkaEnv): KafkaConnection {
  let ssl: KafkaConnection["ssl"];
  if (env.KAFKA_SSL) {
    if (env.KAFKA_SSL_CA_FILE) {
      let ca: string;
      try {
        ca = readFileSync(env.KAFKA_SSL_CA_FILE, "utf8");
      } catch (error) {
        throw new Error(`Invalid configuration:\n  KAFKA_SSL_CA_FILE: cannot read ${env.KAFKA_SSL_CA_FILE}`, { cause: error });
      }
      if (!ca.includes("-----BEGIN CERTIFICATE-----")) throw new Error(`Invalid configuration:\n  KAFKA_SSL_CA_FILE: ${env.KAFKA_SSL_CA_FILE} holds no PEM certificate`);
      ssl = { ca: [ca] };
    } else {
      ssl = true;
    }
  }
  const { KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = env;
  // env.ts guarantees user and password come with a mechanism.
  const sasl: SASLOptions | undefined = mechanism && username && password ? { mechanism, username, password } : undefined;
  return { brokers: env.KAFKA_BROKERS, ...(ssl ? { ssl } : {}), ...(sasl ? { sasl } : {}) };
}
