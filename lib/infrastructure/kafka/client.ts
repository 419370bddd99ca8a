import { Kafka, logLevel, type logCreator, type RetryOptions } from "kafkajs";

/**
 * kafkajs logs retriable conditions (a coordinator still loading, a leader
 * election) at ERROR and then retries them itself. Failures that matter reach
 * our code as rejected promises and are logged there; the library's own lines
 * are diagnostics, so they go to stderr as warnings.
 */
const diagnostics: logCreator =
  () =>
  ({ namespace, level, log }) => {
    if (level > logLevel.WARN || level === logLevel.NOTHING) return;
    const { message, error } = log as { message?: string; error?: string };
    const tag = level === logLevel.ERROR ? "error" : "warn";
    console.warn(`${new Date().toISOString()} [kafkajs ${tag}]${namespace ? ` ${namespace}:` : ""} ${message ?? ""}${error ? ` (${error})` : ""}`);
  };

export function createKafka(brokers: string[], clientId: string, retry: RetryOptions = { initialRetryTime: 300, retries: 8 }): Kafka {
  return new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.WARN,
    logCreator: diagnostics,
    retry,
  });
}
