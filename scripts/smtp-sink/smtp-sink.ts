/**
 * Local SMTP sink for development and tests: accepts every message (no auth, no TLS),
 * keeps the last N in memory and exposes them over a tiny HTTP API. This is the library
 * part (importable by tests, e.g. startSmtpSink with ports 0); server.ts is the program.
 *
 *   npx tsx scripts/smtp-sink/server.ts          (or: bash scripts/smtp-sink/sink.sh start)
 *
 * SMTP:  smtp://127.0.0.1:1025  (point the app at it with SMTP_URL=smtp://127.0.0.1:1025)
 * HTTP:  GET    /messages[?to=<address>]  JSON array, oldest first
 *        GET    /messages/<id>            one message
 *        DELETE /messages                 clear all
 *        GET    /health                   {"status":"ok",...}
 *
 * A message is { id, from, to, subject, text, html, receivedAt } where `to` is every
 * envelope recipient (To, Cc and Bcc alike, lower-cased) and `from` the From header
 * address (or the envelope sender). `cc`, `messageId` and `headerTo` are extra fields.
 *
 * Env: SMTP_SINK_HOST (127.0.0.1; 0.0.0.0 in a container), SMTP_SINK_PORT (1025),
 *      SMTP_SINK_HTTP_PORT (1080), SMTP_SINK_MAX_MESSAGES (1000),
 *      SMTP_SINK_MAX_MESSAGE_BYTES (10485760), SMTP_SINK_QUIET (false).
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Server } from "node:net";
import { simpleParser, type AddressObject } from "mailparser";
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from "smtp-server";
import { z } from "zod";

export const sinkConfigSchema = z.object({
  SMTP_SINK_HOST: z.string().min(1).default("127.0.0.1"),
  SMTP_SINK_PORT: z.coerce.number().int().min(0).max(65535).default(1025),
  SMTP_SINK_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(1080),
  SMTP_SINK_MAX_MESSAGES: z.coerce.number().int().min(1).default(1000),
  SMTP_SINK_MAX_MESSAGE_BYTES: z.coerce.number().int().min(1024).default(10 * 1024 * 1024),
  SMTP_SINK_QUIET: z
    .enum(["true", "false", "1", "0"])
    .default("false")
    .transform((v) => v === "true" || v === "1"),
});

export type SinkConfig = z.output<typeof sinkConfigSchema>;

export interface SinkMessage {
  id: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string | null;
  receivedAt: string;
  cc: string[];
  headerTo: string[];
  messageId: string | null;
}

export function readSinkConfig(): SinkConfig {
  const raw = Object.fromEntries(
    Object.entries(process.env).filter(([, v]) => v !== undefined && v !== ""),
  );
  const parsed = sinkConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    console.error(`[smtp-sink] invalid environment:\n${issues}`);
    process.exit(1);
  }
  return parsed.data;
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  if (!field) return [];
  const list = Array.isArray(field) ? field : [field];
  const out: string[] = [];
  const walk = (entries: AddressObject["value"]) => {
    for (const entry of entries) {
      if (entry.address) out.push(entry.address.toLowerCase());
      if (entry.group) walk(entry.group);
    }
  };
  for (const obj of list) walk(obj.value);
  return out;
}

const unique = (values: string[]) => [...new Set(values)];

function sendJson(res: ServerResponse, status: number, body: unknown) {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(payload),
    "cache-control": "no-store",
  });
  res.end(payload);
}

export interface SmtpSink {
  readonly smtpPort: number;
  readonly httpPort: number;
  readonly messages: readonly SinkMessage[];
  close(): Promise<void>;
}

export async function startSmtpSink(config: SinkConfig): Promise<SmtpSink> {
  const messages: SinkMessage[] = [];
  const log = (line: string) => {
    if (!config.SMTP_SINK_QUIET) console.log(`[smtp-sink] ${line}`);
  };

  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    secure: false,
    // Accept any credentials a client might still send (AUTH over plain text).
    allowInsecureAuth: true,
    onAuth: (_auth, _session, callback) => callback(null, { user: "sink" }),
    disableReverseLookup: true,
    size: config.SMTP_SINK_MAX_MESSAGE_BYTES,
    banner: "storefront smtp sink",
    logger: false,
    closeTimeout: 2_000,
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
      simpleParser(stream)
        .then((parsed) => {
          if (stream.sizeExceeded) {
            const error = Object.assign(new Error("Message exceeds the fixed maximum message size"), {
              responseCode: 552,
            });
            callback(error);
            return;
          }
          const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : "";
          const headerFrom = addresses(parsed.from)[0];
          const message: SinkMessage = {
            id: randomUUID(),
            from: headerFrom ?? envelopeFrom.toLowerCase(),
            to: unique(session.envelope.rcptTo.map((r) => r.address.toLowerCase())),
            subject: parsed.subject ?? "",
            text: parsed.text ?? "",
            html: typeof parsed.html === "string" ? parsed.html : null,
            receivedAt: new Date().toISOString(),
            cc: addresses(parsed.cc),
            headerTo: addresses(parsed.to),
            messageId: parsed.messageId ?? null,
          };
          messages.push(message);
          if (messages.length > config.SMTP_SINK_MAX_MESSAGES) {
            messages.splice(0, messages.length - config.SMTP_SINK_MAX_MESSAGES);
          }
          log(`received ${message.id} from ${message.from} to ${message.to.join(",")}: ${message.subject}`);
          callback(null, `Message queued as ${message.id}`);
        })
        .catch((error: unknown) => {
          callback(error instanceof Error ? error : new Error(String(error)));
        });
    },
  });
  smtp.on("error", (error: Error & { code?: string }) => {
    // A client that vanished mid-conversation (a sender killed or timed out) is
    // the client's story, not a failure of the sink.
    if (error.code === "ECONNRESET" || error.code === "EPIPE") log(`client connection lost: ${error.message}`);
    else console.error(`[smtp-sink] SMTP error: ${error.message}`);
  });

  const http = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://sink.local");
    const path = url.pathname.replace(/\/+$/, "") || "/";
    try {
      if (path === "/health") {
        if (req.method !== "GET" && req.method !== "HEAD") return sendJson(res, 405, { error: "method not allowed" });
        return sendJson(res, 200, { status: "ok", messages: messages.length, smtpPort: smtpPort() });
      }
      if (path === "/messages") {
        if (req.method === "GET") {
          const to = url.searchParams.get("to")?.trim().toLowerCase();
          return sendJson(res, 200, to ? messages.filter((m) => m.to.includes(to)) : messages);
        }
        if (req.method === "DELETE") {
          const cleared = messages.length;
          messages.length = 0;
          return sendJson(res, 200, { cleared });
        }
        return sendJson(res, 405, { error: "method not allowed" });
      }
      const one = /^\/messages\/([^/]+)$/.exec(path);
      if (one && req.method === "GET") {
        const found = messages.find((m) => m.id === decodeURIComponent(one[1]!));
        return found ? sendJson(res, 200, found) : sendJson(res, 404, { error: "not found" });
      }
      return sendJson(res, 404, { error: "not found" });
    } catch (error) {
      return sendJson(res, 500, { error: error instanceof Error ? error.message : String(error) });
    }
  });
  http.keepAliveTimeout = 1_000;

  const listen = (server: Server, port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, config.SMTP_SINK_HOST, () => resolve());
    });

  await listen(smtp.server, config.SMTP_SINK_PORT);
  await listen(http, config.SMTP_SINK_HTTP_PORT);
  function smtpPort() {
    return (smtp.server.address() as AddressInfo).port;
  }
  const httpPort = (http.address() as AddressInfo).port;

  return {
    smtpPort: smtpPort(),
    httpPort,
    messages,
    close: () =>
      new Promise<void>((resolve) => {
        let pending = 2;
        const done = () => {
          pending -= 1;
          if (pending === 0) resolve();
        };
        smtp.close(done);
        http.close(() => done());
        http.closeAllConnections();
      }),
  };
}
