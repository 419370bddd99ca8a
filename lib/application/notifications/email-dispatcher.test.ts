import { describe, expect, it } from "vitest";
import { makeEvent, type DomainEvent } from "@/lib/domain/events";
import { sequentialIds } from "@/tests/support/in-memory";
import type { Clock, UnitOfWork } from "../shared";
import { makeEmailDispatcher, MAX_BACKOFF_MS, retryDelayMs, runBounded, type ClaimedEmail, type EmailClaim, type OutgoingEmailQueue } from "./email-dispatcher";
import { makeNotifications, type EmailMessage, type Mailer, type NewOutgoingEmail, type NotificationsRepos, type OutgoingEmails } from "./emails";

interface Row {
  id: string;
  eventId: string;
  kind: ClaimedEmail["kind"];
  message: ClaimedEmail["message"];
  status: "pending" | "sent" | "failed";
  attempts: number;
  nextAttemptAt: Date;
  lockedUntil: Date | null;
  lastError: string | null;
  sentAt: Date | null;
}

/** The outgoing_emails table in memory, with the same claim and compare-and-set rules as the SQL. */
class InMemoryOutgoingEmails implements OutgoingEmails, OutgoingEmailQueue {
  readonly rows = new Map<string, Row>();
  constructor(private readonly clock: Clock) {}

  async enqueue(email: NewOutgoingEmail): Promise<void> {
    if ([...this.rows.values()].some((r) => r.eventId === email.eventId && r.kind === email.kind)) return;
    this.rows.set(email.id, {
      ...email,
      status: "pending",
      attempts: 0,
      nextAttemptAt: this.clock.now(),
      lockedUntil: null,
      lastError: null,
      sentAt: null,
    });
  }

  async claim(limit: number, now: Date, lockedUntil: Date): Promise<ClaimedEmail[]> {
    const due = [...this.rows.values()]
      .filter((r) => r.status === "pending" && r.nextAttemptAt <= now && (r.lockedUntil === null || r.lockedUntil <= now))
      .sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime())
      .slice(0, limit);
    return due.map((r) => {
      const inDoubt = r.lockedUntil !== null;
      r.lockedUntil = lockedUntil;
      r.attempts += 1;
      return { id: r.id, kind: r.kind, message: r.message, attempts: r.attempts, lockedUntil, inDoubt };
    });
  }

  private current(claim: EmailClaim): Row | null {
    const r = this.rows.get(claim.id);
    return r && r.status === "pending" && r.lockedUntil?.getTime() === claim.lockedUntil.getTime() && r.attempts === claim.attempts ? r : null;
  }

  async markSent(claim: EmailClaim, sentAt: Date) {
    const r = this.current(claim);
    if (r) Object.assign(r, { status: "sent", sentAt, lockedUntil: null, lastError: null });
    return r !== null;
  }

  async reschedule(claim: EmailClaim, nextAttemptAt: Date, error: string) {
    const r = this.current(claim);
    if (r) Object.assign(r, { nextAttemptAt, lockedUntil: null, lastError: error });
    return r !== null;
  }

  async giveUp(claim: EmailClaim, error: string) {
    const r = this.current(claim);
    if (r) Object.assign(r, { status: "failed", lockedUntil: null, lastError: error });
    return r !== null;
  }

  async release(claim: EmailClaim) {
    const r = this.current(claim);
    if (r) Object.assign(r, { lockedUntil: null, attempts: r.attempts - 1 });
    return r !== null;
  }

  async nextDueAt(): Promise<Date | null> {
    const times = [...this.rows.values()]
      .filter((r) => r.status === "pending")
      .map((r) => Math.max(r.nextAttemptAt.getTime(), r.lockedUntil?.getTime() ?? 0));
    return times.length ? new Date(Math.min(...times)) : null;
  }

  byStatus(status: Row["status"]): Row[] {
    return [...this.rows.values()].filter((r) => r.status === status);
  }
}

class ManualClock implements Clock {
  private t = Date.parse("2026-01-01T00:00:00.000Z");
  now = () => new Date(this.t);
  advance(ms: number) {
    this.t += ms;
  }
}

const never = new AbortController().signal;
const ids = sequentialIds("e0000000-0000-4000-8000-");

function queueWith(clock: Clock, n: number): InMemoryOutgoingEmails {
  const queue = new InMemoryOutgoingEmails(clock);
  for (let i = 0; i < n; i++) {
    const id = ids.uuid();
    void queue.enqueue({
      id,
      eventId: ids.uuid(),
      kind: "welcome",
      message: { to: `shopper${i}@example.com`, subject: `Hello ${i}`, text: "t", html: "<p>t</p>", messageId: `<${id}@shop.example>` },
    });
  }
  return queue;
}

/** A mailer that records what it sent and can be told to wait or fail. */
class TestMailer implements Mailer {
  readonly sent: EmailMessage[] = [];
  inFlight = 0;
  maxInFlight = 0;
  started = 0;
  constructor(private readonly behaviour: (message: EmailMessage) => Promise<void> = async () => undefined) {}
  async send(message: EmailMessage): Promise<void> {
    this.started++;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await this.behaviour(message);
      this.sent.push(message);
    } finally {
      this.inFlight--;
    }
  }
}

const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const base = { concurrency: 3, maxAttempts: 3, baseBackoffMs: 1_000, leaseMs: 60_000 };

describe("email dispatcher", () => {
  it("never holds more than `concurrency` SMTP conversations at once, and sends every due email", async () => {
    const clock = new ManualClock();
    const queue = queueWith(clock, 11);
    const mailer = new TestMailer(() => wait(15));
    const dispatcher = makeEmailDispatcher({ ...base, queue, mailer, clock });

    expect(await dispatcher.dispatchDue(50, never)).toEqual({ sent: 11, failed: 0, givenUp: 0 });
    expect(mailer.maxInFlight).toBe(3);
    expect(new Set(mailer.sent.map((m) => m.messageId)).size).toBe(11);
    expect(queue.byStatus("sent")).toHaveLength(11);
    expect(queue.byStatus("sent").every((r) => r.lockedUntil === null && r.sentAt !== null)).toBe(true);
    expect(await dispatcher.nextDueAt(never)).toBeNull();
  });

  it("claims no more than the limit per call", async () => {
    const clock = new ManualClock();
    const queue = queueWith(clock, 5);
    const mailer = new TestMailer();
    const dispatcher = makeEmailDispatcher({ ...base, queue, mailer, clock });
    expect((await dispatcher.dispatchDue(2, never)).sent).toBe(2);
    expect(queue.byStatus("pending")).toHaveLength(3);
  });

  it("retries a failing email with growing, jittered backoff, then gives it up after maxAttempts", async () => {
    const clock = new ManualClock();
    const queue = queueWith(clock, 1);
    const mailer = new TestMailer(async () => {
      throw new Error("451 try again later");
    });
    const failed: string[] = [];
    const givenUp: string[] = [];
    const dispatcher = makeEmailDispatcher({
      ...base,
      queue,
      mailer,
      clock,
      random: () => 0.5,
      onFailed: (kind) => failed.push(kind),
      onGivenUp: (kind) => givenUp.push(kind),
    });
    const [row] = [...queue.rows.values()];

    expect(await dispatcher.dispatchDue(10, never)).toEqual({ sent: 0, failed: 1, givenUp: 0 });
    expect(row!.nextAttemptAt.getTime() - clock.now().getTime()).toBe(500); // 0.5 × 1000 × 2^0
    expect(row!.lastError).toContain("451 try again later");
    expect(await dispatcher.nextDueAt(never)).toEqual(row!.nextAttemptAt);

    // Not due yet: nothing is claimed, nothing sent.
    expect(await dispatcher.dispatchDue(10, never)).toEqual({ sent: 0, failed: 0, givenUp: 0 });
    expect(mailer.started).toBe(1);

    clock.advance(500);
    expect(await dispatcher.dispatchDue(10, never)).toEqual({ sent: 0, failed: 1, givenUp: 0 });
    expect(row!.nextAttemptAt.getTime() - clock.now().getTime()).toBe(1_000); // 0.5 × 1000 × 2^1

    clock.advance(1_000);
    expect(await dispatcher.dispatchDue(10, never)).toEqual({ sent: 0, failed: 0, givenUp: 1 });
    expect(row).toMatchObject({ status: "failed", attempts: 3, lockedUntil: null });
    expect(row!.lastError).toContain("451 try again later");
    expect([failed, givenUp]).toEqual([["welcome", "welcome"], ["welcome"]]);

    clock.advance(MAX_BACKOFF_MS);
    expect(await dispatcher.dispatchDue(10, never)).toEqual({ sent: 0, failed: 0, givenUp: 0 });
    expect(mailer.started).toBe(3);
  });

  it("reschedules a failed send into the future, within the jitter bound, and sends it once due", async () => {
    const clock = new ManualClock();
    const queue = queueWith(clock, 20);
    let fail = true;
    const mailer = new TestMailer(async () => {
      if (fail) throw new Error("connection refused");
    });
    const randoms = Array.from({ length: 20 }, (_, i) => (i + 0.5) / 20);
    const dispatcher = makeEmailDispatcher({ ...base, concurrency: 4, queue, mailer, clock, random: () => randoms.shift()! });

    const now = clock.now().getTime();
    expect(await dispatcher.dispatchDue(20, never)).toEqual({ sent: 0, failed: 20, givenUp: 0 });
    const delays = queue.byStatus("pending").map((r) => r.nextAttemptAt.getTime() - now);
    expect(delays.every((d) => d > 0 && d < base.baseBackoffMs)).toBe(true);
    // Jitter spreads the retries instead of herding them onto one instant.
    expect(new Set(delays).size).toBe(20);

    fail = false;
    clock.advance(base.baseBackoffMs);
    expect(await dispatcher.dispatchDue(20, never)).toEqual({ sent: 20, failed: 0, givenUp: 0 });
    expect(queue.byStatus("sent").every((r) => r.attempts === 2)).toBe(true);
  });

  it("keeps the backoff under the ten-minute cap however many attempts", () => {
    expect(retryDelayMs(1, 1_000, () => 0.999)).toBe(999);
    expect(retryDelayMs(4, 1_000, () => 0.999)).toBe(7_992);
    expect(retryDelayMs(40, 1_000, () => 0.999)).toBeLessThan(MAX_BACKOFF_MS);
    expect(retryDelayMs(40, 1_000, () => 0.999)).toBeGreaterThan(MAX_BACKOFF_MS * 0.99);
  });

  it("on abort starts no new send, records the ones in flight, and hands back the rest", async () => {
    const clock = new ManualClock();
    const queue = queueWith(clock, 6);
    const gates: (() => void)[] = [];
    const mailer = new TestMailer(() => new Promise<void>((resolve) => gates.push(resolve)));
    const dispatcher = makeEmailDispatcher({ ...base, concurrency: 2, queue, mailer, clock });
    const shutdown = new AbortController();

    const run = dispatcher.dispatchDue(10, shutdown.signal);
    while (gates.length < 2) await wait(1);
    shutdown.abort();
    gates.forEach((open) => open());

    expect(await run).toEqual({ sent: 2, failed: 0, givenUp: 0 });
    expect(mailer.started).toBe(2);
    expect(queue.byStatus("sent")).toHaveLength(2);
    const rest = queue.byStatus("pending");
    expect(rest).toHaveLength(4);
    // Handed back untried: claimable at once by the next dispatcher, attempt not counted.
    expect(rest.every((r) => r.lockedUntil === null && r.attempts === 0)).toBe(true);
    expect(await dispatcher.dispatchDue(10, shutdown.signal)).toEqual({ sent: 0, failed: 0, givenUp: 0 });
  });

  it("does not send an email whose lease ran out while it waited for a free SMTP slot", async () => {
    const clock = new ManualClock();
    const queue = queueWith(clock, 2);
    const mailer = new TestMailer(async () => clock.advance(1_500));
    const dispatcher = makeEmailDispatcher({ ...base, concurrency: 1, leaseMs: 1_000, queue, mailer, clock });

    // The first send outlasted the lease; nobody had taken the row since, so its result still counts.
    // The second had not started by then: it goes back to the queue unsent, its attempt uncounted.
    expect(await dispatcher.dispatchDue(10, never)).toEqual({ sent: 1, failed: 0, givenUp: 0 });
    expect(mailer.started).toBe(1);
    const [first, untried] = [...queue.rows.values()];
    expect(first).toMatchObject({ status: "sent", attempts: 1 });
    expect(untried).toMatchObject({ status: "pending", attempts: 0, lockedUntil: null });
  });

  it("does not let a dispatcher whose lease ran out overwrite a newer claim", async () => {
    const clock = new ManualClock();
    const queue = queueWith(clock, 1);
    const [stale] = await queue.claim(1, clock.now(), new Date(clock.now().getTime() + 100));
    clock.advance(100);
    const mailer = new TestMailer();
    const dispatcher = makeEmailDispatcher({ ...base, queue, mailer, clock });
    expect(await dispatcher.dispatchDue(1, never)).toEqual({ sent: 1, failed: 0, givenUp: 0 });
    expect(await queue.reschedule(stale!, clock.now(), "late failure")).toBe(false);
    expect(queue.byStatus("sent")).toHaveLength(1);
    expect(queue.byStatus("sent")[0]!.lastError).toBeNull();
  });
});

describe("runBounded", () => {
  it("starts the next item only when one finishes", async () => {
    const order: string[] = [];
    const unstarted = await runBounded([1, 2, 3, 4], 2, async (n) => {
      order.push(`start ${n}`);
      await wait(n === 1 ? 20 : 1);
      order.push(`end ${n}`);
    });
    expect(unstarted).toEqual([]);
    expect(order.slice(0, 2)).toEqual(["start 1", "start 2"]);
    expect(order.indexOf("start 3")).toBeGreaterThan(order.indexOf("end 2"));
  });

  it("stops starting after a failure, lets the others finish, then rethrows", async () => {
    const finished: number[] = [];
    const run = runBounded([1, 2, 3, 4, 5], 2, async (n) => {
      if (n === 1) throw new Error("boom");
      await wait(5);
      finished.push(n);
    });
    await expect(run).rejects.toThrow("boom");
    expect(finished).toEqual([2]);
  });
});

describe("notifications (enqueue side)", () => {
  const registered = (id: string): DomainEvent<"user.registered"> =>
    makeEvent("user.registered", {
      id,
      aggregateType: "user",
      aggregateId: id,
      occurredAt: new Date(),
      payload: { userId: id, email: "wendy@example.com", name: "Wendy" },
    });

  function setup() {
    const clock = new ManualClock();
    const queue = new InMemoryOutgoingEmails(clock);
    const processed = new Set<string>();
    // A throw rolls back both the processed mark and the queued rows, as the transaction would.
    const uow: UnitOfWork<NotificationsRepos> = {
      run: async (work) => {
        const before = new Set(processed);
        const snapshot = new Map(queue.rows);
        try {
          return await work({
            processed: {
              markProcessed: async (consumer, eventId) => {
                const key = `${consumer}:${eventId}`;
                if (processed.has(key)) return false;
                processed.add(key);
                return true;
              },
            },
            outgoingEmails: queue,
          });
        } catch (error) {
          processed.clear();
          before.forEach((k) => processed.add(k));
          queue.rows.clear();
          snapshot.forEach((v, k) => queue.rows.set(k, v));
          throw error;
        }
      },
    };
    return { queue, notifications: makeNotifications({ uow, ids: sequentialIds("f0000000-0000-4000-8000-"), shopUrl: "https://shop.example:8443" }) };
  }

  it("queues one email per event: a redelivery is a duplicate and queues nothing", async () => {
    const { queue, notifications } = setup();
    const event = registered("7d1f1b8e-7f0e-4a8e-9c57-3c0f8f3a1d11");
    expect(await notifications.sendWelcome(event, never)).toBe("queued");
    expect(await notifications.sendWelcome(event, never)).toBe("duplicate");
    const rows = [...queue.rows.values()];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ eventId: event.id, kind: "welcome", status: "pending", attempts: 0 });
    expect(rows[0]!.message).toMatchObject({ to: "wendy@example.com", subject: "Welcome to the shop", messageId: `<${rows[0]!.id}@shop.example>` });
  });

  it("rolls the processed mark back when queueing fails, so the redelivery queues it", async () => {
    const { queue, notifications } = setup();
    const event = registered("8d1f1b8e-7f0e-4a8e-9c57-3c0f8f3a1d11");
    const enqueue = queue.enqueue.bind(queue);
    queue.enqueue = async () => {
      throw new Error("database went away");
    };
    await expect(notifications.sendWelcome(event, never)).rejects.toThrow("database went away");
    queue.enqueue = enqueue;
    expect(await notifications.sendWelcome(event, never)).toBe("queued");
    expect(queue.rows.size).toBe(1);
  });
});
