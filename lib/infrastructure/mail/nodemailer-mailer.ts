import nodemailer, { type Transporter } from "nodemailer";
import type { EmailMessage, Mailer } from "../../application/notifications/emails";
import { AppError } from "../../domain/errors";

export class NodemailerMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(
    smtpUrl: string,
    private readonly from: string,
    /** SMTP connections kept open; the email dispatcher's concurrency. */
    maxConnections = 3,
  ) {
    // A pooled transport: connections are reused, and never more than maxConnections at once.
    this.transport = nodemailer.createTransport(smtpUrl, { pool: true, maxConnections, connectionTimeout: 10_000, socketTimeout: 20_000 } as object);
  }

  async send(message: EmailMessage, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    try {
      // messageId (when set) becomes the Message-ID header, the same on every attempt.
      await this.transport.sendMail({ from: this.from, ...message });
    } catch (error) {
      throw new AppError("unavailable", `sending "${message.subject}" failed`, { cause: error });
    }
  }

  close(): void {
    this.transport.close();
  }
}
