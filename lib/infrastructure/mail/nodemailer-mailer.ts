import nodemailer, { type Transporter } from "nodemailer";
import type { EmailMessage, Mailer } from "../../application/notifications/emails";
import { AppError } from "../../domain/errors";
import { carriedTraceparent, context, contextFromTraceparent, inSpan, SpanKind } from "../observability/tracing";

export class NodemailerMailer implements Mailer {
  private readonly transport: Transporter;
  private readonly server: string;

  constructor(
    smtpUrl: string,
    private readonly from: string,
    /** SMTP connections kept open; the email dispatcher's concurrency. */
    maxConnections = 3,
  ) {
    this.server = new URL(smtpUrl).host;
    // A pooled transport: connections are reused, and never more than maxConnections at once.
    this.transport = nodemailer.createTransport(smtpUrl, { pool: true, maxConnections, connectionTimeout: 10_000, socketTimeout: 20_000 } as object);
  }

  /** One SMTP conversation, a client span in the trace that queued the email (or the active one). */
  async send(message: EmailMessage, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const stored = carriedTraceparent(message);
    const parent = stored ? contextFromTraceparent(stored) : context.active();
    await inSpan("smtp send", { kind: SpanKind.CLIENT, parent, attributes: { "email.message_id": message.messageId ?? "", "server.address": this.server } }, async () => {
      try {
        // messageId (when set) becomes the Message-ID header, the same on every attempt.
        await this.transport.sendMail({ from: this.from, ...message });
      } catch (error) {
        throw new AppError("unavailable", `sending "${message.subject}" failed`, { cause: error });
      }
    });
  }

  close(): void {
    this.transport.close();
  }
}
