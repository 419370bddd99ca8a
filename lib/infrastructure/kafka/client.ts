import { Kafka, logLevel, type logCreator, type RetryOptions } from "kafkajs";
import type { Logger } from "../../application/shared";
import type { KafkaConnection } from "./connection";

/**
 * kafkajs's own lines, through the process's logger at kafkajs's level, with
 * its namespace and details as fields. Note that kafkajs logs retriable
 * conditions (a coordinator still loading, a leader election) at ERROR and
 * then retries them itself; failures that matter reach our code as rejected
 * promises and are logged there with their cause. So a kafkajs error line
 * (component "kafkajs") is a diagnostic, not by itself an outage.
 */
function throughLogger(log: Logger): logCreator {
  const kafkajs = log.child({ component: "kafkajs" });
  return () =>
    ({ namespace, level, log: entry }) => {
      // timestamp and logger are kafkajs's own line format; the logger adds time and level.
      const { message, timestamp: _timestamp, logger: _logger, ...details } = entry as { message?: string; timestamp?: string; logger?: string } & Record<string, unknown>;
      const fields = { namespace, ...details };
      const text = message ?? "";
      if (level === logLevel.ERROR) kafkajs.error(text, fields);
      else if (level === logLevel.WARN) kafkajs.warn(text, fields);
      else if (level === logLevel.INFO) kafkajs.info(text, fields);
      else if (level === logLevel.DEBUG) kafkajs.debug(text, fields);
    };
}

/**
 * Every kafkajs client of the project is made here (or from a KafkaConnection,
 * as the readiness check does), so TLS and SASL apply to all of them. A wrong
 * password fails at once: kafkajs does not retry an authentication error.
 */
export function createKafka(connection: KafkaConnection, clientId: string, log: Logger, retry: RetryOptions = { initialRetryTime: 300, retries: 8 }): Kafka {
  return new Kafka({
    clientId,
    brokers: connection.brokers,
    ssl: connection.ssl,
    sasl: connection.sasl,
    logLevel: logLevel.WARN,
    logCreator: throughLogger(log),
    retry,
  });
}
