import { randomUUID } from "node:crypto";
import { createServer, type AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import nodemailer from "nodemailer";
import type pg from "pg";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServices } from "@/lib/composition/root";
import type { Clock } from "@/lib/application/shared";
import type { EmailMessage, Mailer } from "@/lib/application/notifications/emails";
import { makeEvent, type DomainEvent } from "@/lib/domain/events";
import { loadEnv } from "@/lib/infrastructure/config/env";
import { createPrismaClient, type PrismaClient } from "@/lib/infrastructure/db/prisma-client";
import { PrismaOutgoingEmailRepository } from "@/lib/infrastructure/db/prisma-outgoing-email-repository";
import { NodemailerMailer } from "@/lib/infrastructure/mail/nodemailer-mailer";
import { startSmtpSink, type SmtpSink } from "@/scripts/smtp-sink/smtp-sink";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { sqlPool } from "../support/fixtures";

const FROM = "Storefront <shop@example.com>";
const never = new AbortController().signal;

/** A clock the test moves by hand, starting at the real time (rows are stamped with the database's now()). */
class MovableClock implements Clock {
  offsetMs = 0;
  now = () => new Date(Date.now() + this.offsetMs);
}

let db: TestDatabase;
let pool: pg.Pool;
let sink: SmtpSink;
let prisma: PrismaClient;
const clock = new MovableClock();
let services: ReturnType<typeof createServices>;
/** A second instance (its own connection pool), as another worker would be. */
let other: ReturnType<typeof createServices>;
const mailers: NodemailerMailer[] = [];

function servicesOn(url: string, overrides: { clock?: Clock } = {}) {
  const env = loadEnv({ ...process.env, DATABASE_URL: url, DATABASE_POOL_SIZE: "10", APP_URL: "https://shop.example:8443" });
  return createServices(env, overrides);
}

function sinkMailer(port = sink.smtpPort): NodemailerMailer {
  const mailer = new NodemailerMailer(`smtp://127.0.0.1:${port}`, FROM);
  mailers.push(mailer);
  return mailer;
}

const dispatcherOptions = { concurrency: 3, maxAttempts: 5, baseBackoffMs: 60_000, leaseMs: 60_000 };

beforeAll(async () => {
  db = await createTestDatabase();
  pool = sqlPool(db.url);
  sink = await startSmtpSink({
    SMTP_SINK_HOST: "127.0.0.1",
    SMTP_SINK_PORT: 0,
    SMTP_SINK_HTTP_PORT: 0,
    SMTP_SINK_MAX_MESSAGES: 10_000,
    SMTP_SINK_MAX_MESSAGE_BYTES: 1024 * 1024,
    SMTP_SINK_QUIET: true,
  });
  prisma = createPrismaClient(db.url, { poolSize: 2 });
  services = servicesOn(db.url, { clock });
  other = servicesOn(db.url, { clock });
});

afterAll(async () => {
  mailers.forEach((m) => m.close());
  await services?.close();
  await other?.close();
  await prisma?.$disconnect();
  await sink?.close();
  await pool?.end();
  await db?.drop();
});

const welcome = (email: string): DomainEvent<"user.registered"> => {
  const userId = randomUUID();
  return makeEvent("user.registered", { id: randomUUID(), aggregateType: "user", aggregateId: userId, occurredAt: new Date(), payload: { userId, email, name: "Wendy" } });
};

/** One event of each email kind, in turn, each to its own recipient. */
function eventFor(i: number, email: string): () => Promise<unknown> {
  const orderId = randomUUID();
  const userId = randomUUID();
  const at = { aggregateType: "order", aggregateId: orderId, occurredAt: new Date() };
  switch (i % 4) {
    case 0: {
      const e = welcome(email);
      return () => services.worker.notifications.sendWelcome(e, never);
    }
    case 1: {
      const e = makeEvent("order.created", {
        id: randomUUID(),
        ...at,
        payload: {
          orderId,
          userId,
          email,
          currency: "USD",
          subtotalMinor: 1500,
          shippingMinor: 0,
          totalMinor: 1500,
          shipTo: null,
          lines: [{ productId: randomUUID(), variantId: randomUUID(), sku: "MUG", name: "Oak Mug", variantTitle: "", unitPriceMinor: 1500, quantity: 1 }],
        },
      });
      return () => services.worker.notifications.sendOrderConfirmation(e, never);
    }
    case 2: {
      const e = makeEvent("order.paid", { id: randomUUID(), ...at, payload: { orderId, userId, email, amountMinor: 1500, currency: "USD" } });
      return () => services.worker.notifications.sendReceipt(e, never);
    }
    default: {
      const e = makeEvent("order.shipped", { id: randomUUID(), ...at, payload: { orderId, userId, email, trackingReference: "1Z999" } });
      return () => services.worker.notifications.sendShipped(e, never);
    }
  }
}

async function rowsFor(recipients: string[]) {
  const { rows } = await pool.query<{
    id: string;
    kind: string;
    recipient: string;
    status: string;
    attempts: number;
    message_id: string;
    next_attempt_at: Date;
    locked_until: Date | null;
    last_error: string | null;
    sent_at: Date | null;
  }>(`SELECT * FROM outgoing_emails WHERE recipient = ANY($1) ORDER BY recipient`, [recipients]);
  return rows;
}

const delivered = (recipients: string[]) => sink.messages.filter((m) => m.to.some((t) => recipients.includes(t)));

describe("outgoing emails", () => {
  it("queues one row per event however often it arrives, and two dispatchers deliver each exactly once", async () => {
    const tag = randomUUID().slice(0, 8);
    const recipients = Array.from({ length: 40 }, (_, i) => `batch-${tag}-${i}@example.com`);
    const enqueues = recipients.map((r, i) => eventFor(i, r));
    // Every fourth event is delivered twice at once, as a consumer rebalance might.
    const outcomes = await Promise.all([...enqueues, ...enqueues.filter((_, i) => i % 4 === 3)].map((enqueue) => enqueue()));
    expect(outcomes.filter((o) => o === "queued")).toHaveLength(40);
    expect(outcomes.filter((o) => o === "duplicate")).toHaveLength(10);
    const queued = await rowsFor(recipients);
    expect(queued).toHaveLength(40);
    expect(new Set(queued.map((r) => r.kind))).toEqual(new Set(["welcome", "order_confirmation", "receipt", "shipped"]));
    expect(queued.every((r) => r.message_id === `<${r.id}@shop.example>` && r.status === "pending")).toBe(true);

    const dispatchers = [services.worker.emailDispatcher(sinkMailer(), dispatcherOptions), other.worker.emailDispatcher(sinkMailer(), dispatcherOptions)];
    const totals = await Promise.all(
      dispatchers.map(async (d) => {
        let sent = 0;
        for (let round = 0; round < 200; round++) {
          const r = await d.dispatchDue(4, never);
          expect(r.failed + r.givenUp).toBe(0);
          sent += r.sent;
          if (r.sent === 0) {
            if ((await d.nextDueAt(never)) === null) break;
            await sleep(10); // the other dispatcher holds what is left
          }
        }
        return sent;
      }),
    );
    expect(totals[0]! + totals[1]!).toBe(40);
    // Both took part: the claim shares the work rather than letting one take it all.
    expect(totals.every((n) => n > 0)).toBe(true);

    const mail = delivered(recipients);
    expect(mail).toHaveLength(40);
    expect(new Set(mail.map((m) => m.messageId)).size).toBe(40);
    expect(new Set(mail.map((m) => m.to[0])).size).toBe(40);
    const rows = await rowsFor(recipients);
    expect(rows.every((r) => r.status === "sent" && r.attempts === 1 && r.sent_at !== null && r.locked_until === null)).toBe(true);
    // The Message-ID on the wire is the one stored with the row.
    expect(new Set(mail.map((m) => m.messageId))).toEqual(new Set(rows.map((r) => r.message_id)));
  });

  it("keeps emails pending while SMTP is down and sends them, once each, when it is back and they are due", async () => {
    const tag = randomUUID().slice(0, 8);
    const recipients = Array.from({ length: 5 }, (_, i) => `down-${tag}-${i}@example.com`);
    for (const r of recipients) expect(await services.worker.notifications.sendWelcome(welcome(r), never)).toBe("queued");

    const deadPort = await unusedPort();
    const down = services.worker.emailDispatcher(sinkMailer(deadPort), { ...dispatcherOptions, random: () => 0.5 });
    const before = clock.now().getTime();
    expect(await down.dispatchDue(10, never)).toEqual({ sent: 0, failed: 5, givenUp: 0 });
    const failed = await rowsFor(recipients);
    expect(failed).toHaveLength(5);
    for (const r of failed) {
      expect([r.status, r.attempts, r.locked_until]).toEqual(["pending", 1, null]);
      // 0.5 × base: half a minute from the attempt.
      expect(r.next_attempt_at.getTime()).toBeGreaterThan(before + 29_000);
      expect(r.next_attempt_at.getTime()).toBeLessThanOrEqual(clock.now().getTime() + 30_000);
      expect(r.last_error).toMatch(/ECONNREFUSED|connect/i);
    }
    expect(delivered(recipients)).toHaveLength(0);

    // The server is back, but nothing is due yet: no early retry.
    const up = services.worker.emailDispatcher(sinkMailer(), dispatcherOptions);
    expect((await up.dispatchDue(10, never)).sent).toBe(0);
    const due = await up.nextDueAt(never);
    expect(due!.getTime()).toBe(Math.min(...failed.map((r) => r.next_attempt_at.getTime())));

    clock.offsetMs += 31_000;
    expect(await up.dispatchDue(10, never)).toEqual({ sent: 5, failed: 0, givenUp: 0 });
    const rows = await rowsFor(recipients);
    expect(rows.every((r) => r.status === "sent" && r.attempts === 2)).toBe(true);
    const mail = delivered(recipients);
    expect(mail.map((m) => m.to[0]).sort()).toEqual(recipients);
    expect(mail.map((m) => m.messageId).sort()).toEqual(rows.map((r) => r.message_id).sort());
  });

  it("holds no more than `concurrency` SMTP conversations at once against a slow server", async () => {
    let inData = 0;
    let maxInData = 0;
    const received: string[] = [];
    const slow = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      onData(stream, session, callback) {
        maxInData = Math.max(maxInData, ++inData);
        stream.resume();
        stream.on("end", () =>
          setTimeout(() => {
            inData--;
            received.push(session.envelope.rcptTo[0]!.address);
            callback();
          }, 200),
        );
      },
    });
    await new Promise<void>((resolve) => slow.listen(0, "127.0.0.1", resolve));
    const port = (slow.server.address() as AddressInfo).port;
    // A connection per message, with no pool of its own: the dispatcher's is the only bound.
    const transport = nodemailer.createTransport({ host: "127.0.0.1", port, secure: false, ignoreTLS: true });
    const unpooled: Mailer = { send: async (m: EmailMessage) => void (await transport.sendMail({ from: FROM, ...m })) };
    try {
      const run = async (concurrency: number) => {
        const tag = randomUUID().slice(0, 8);
        const recipients = Array.from({ length: 20 }, (_, i) => `slow-${tag}-${i}@example.com`);
        for (const r of recipients) await services.worker.notifications.sendWelcome(welcome(r), never);
        [inData, maxInData] = [0, 0];
        const started = Date.now();
        const result = await services.worker.emailDispatcher(unpooled, { ...dispatcherOptions, concurrency }).dispatchDue(20, never);
        return { result, recipients, maxInData, elapsed: Date.now() - started };
      };

      const bounded = await run(3);
      expect(bounded.result).toEqual({ sent: 20, failed: 0, givenUp: 0 });
      expect(bounded.maxInData).toBe(3);
      expect(received.filter((r) => bounded.recipients.includes(r)).sort()).toEqual([...bounded.recipients].sort());
      // Seven rounds of 200 ms at least: the bound was held, not just observed.
      expect(bounded.elapsed).toBeGreaterThanOrEqual(7 * 200);

      // The same server does see more at once when allowed: the measurement is not capped elsewhere.
      const wider = await run(6);
      expect(wider.result.sent).toBe(20);
      expect(wider.maxInData).toBe(6);
    } finally {
      transport.close();
      await new Promise<void>((resolve) => slow.close(() => resolve()));
    }
  });

  it("lets another dispatcher take an email whose lease ran out, and refuses the first claim's late result", async () => {
    const recipient = `lease-${randomUUID().slice(0, 8)}@example.com`;
    await services.worker.notifications.sendWelcome(welcome(recipient), never);
    const queue = new PrismaOutgoingEmailRepository(prisma);

    // A dispatcher claims the email with a short lease, then stalls (or dies).
    const now = clock.now();
    const claims = await queue.claim(100, now, new Date(now.getTime() + 300));
    const stale = claims.find((c) => c.message.to === recipient)!;
    expect(stale.attempts).toBe(1);
    expect(stale.inDoubt).toBe(false);

    const second = other.worker.emailDispatcher(sinkMailer(), { ...dispatcherOptions, leaseMs: 60_000 });
    expect((await second.dispatchDue(10, never)).sent).toBe(0); // still leased
    expect((await second.nextDueAt(never))!.getTime()).toBe(stale.lockedUntil.getTime());

    clock.offsetMs += 301;
    expect(await second.dispatchDue(10, never)).toEqual({ sent: 1, failed: 0, givenUp: 0 });

    // The stalled dispatcher comes back and reports its own outcome: refused.
    expect(await queue.markSent(stale, clock.now())).toBe(false);
    expect(await queue.reschedule(stale, clock.now(), "late failure")).toBe(false);
    expect(await queue.giveUp(stale, "late failure")).toBe(false);
    expect(await queue.release(stale)).toBe(false);

    const [row] = await rowsFor([recipient]);
    expect(row).toMatchObject({ status: "sent", attempts: 2, last_error: null, locked_until: null });
    // The second attempt began without knowing the first one's outcome: recorded as in doubt.
    const { rows: doubt } = await pool.query<{ in_doubt_attempts: number }>(`SELECT in_doubt_attempts FROM outgoing_emails WHERE recipient = $1`, [recipient]);
    expect(doubt[0]!.in_doubt_attempts).toBe(1);
    const mail = delivered([recipient]);
    expect(mail).toHaveLength(1);
    expect(mail[0]!.messageId).toBe(row!.message_id);
  });
});

/** A port nothing listens on: bound once by us, then closed. */
async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
