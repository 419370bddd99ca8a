import nodemailer, { type Transporter } from "nodemailer";
import type { EmailMessage, Mailer } from "../../application/notifications/emails";
import { AppError } from "../../domain/errors";

export class NodemailerMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(
    smtpUrl: string,
    private readonly from: string,
  ) {
    // A pooled transport bounds concurrent SMTP connections.
    this.transport = nodemailer.createTransport(smtpUrl, { pool: true, maxConnections: 3, connectionTimeout: 10_000, socketTimeout: 20_000 } as object);
  }

  async send(message: EmailMessage, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    try {
      await this.transport.sendMail({ from: this.from, ...message });
    } catch (error) {
      throw new AppError("unavailable", `sending "${message.subject}" failed`, { cause: error });
    }
  }

  close(): void {
    this.transport.close();
  }
}
