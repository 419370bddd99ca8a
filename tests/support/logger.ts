import type { Logger } from "@/lib/application/shared";
import { describeCauses } from "@/lib/domain/errors";

type Level = "debug" | "info" | "warn" | "error";

/**
 * A Logger for tests that hands each line to `sink` as one text: the message,
 * then the error's cause chain when the line carries one (as the logs used to
 * read before they were structured). Default: console.warn.
 */
export function testLogger(sink: (level: Level, text: string) => void = (_level, text) => console.warn(text)): Logger {
  const at = (level: Level) => (message: string, fields?: { err?: unknown }) =>
    sink(level, fields?.err === undefined ? message : `${message}: ${describeCauses(fields.err)}`);
  const logger: Logger = { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error"), child: () => logger };
  return logger;
}
