/**
 * Local SMTP sink for development and tests. See smtp-sink.ts for the API.
 *
 *   npx tsx scripts/smtp-sink/server.ts          (or: bash scripts/smtp-sink/sink.sh start)
 *
 * SMTP on SMTP_SINK_PORT (1025), HTTP API on SMTP_SINK_HTTP_PORT (1080), both on
 * SMTP_SINK_HOST (127.0.0.1). Stops gracefully on SIGTERM / SIGINT.
 */
import { readSinkConfig, startSmtpSink } from "./smtp-sink";

async function main() {
  const config = readSinkConfig();
  const sink = await startSmtpSink(config);
  console.log(
    `[smtp-sink] listening: smtp://${config.SMTP_SINK_HOST}:${sink.smtpPort} ` +
      `http://${config.SMTP_SINK_HOST}:${sink.httpPort} (pid ${process.pid})`,
  );

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`[smtp-sink] ${signal}: shutting down`);
    const force = setTimeout(() => {
      console.error("[smtp-sink] shutdown took too long; exiting");
      process.exit(1);
    }, 5_000);
    force.unref();
    sink.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}

main().catch((error: unknown) => {
  console.error(`[smtp-sink] failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
