import { setTimeout as delay } from "node:timers/promises";
import { randomUUID } from "node:crypto";
import pg from "pg";
import type { ChargeAnswer, PaymentLedger, PaymentProvider } from "../../application/payments/payment-provider";

/** Test cards (Stripe's numbers) and what the fake does with them. */
export const TEST_CARDS = {
  pays: "4242424242424242",
  declined: "4000000000000002",
  insufficientFunds: "4000000000009995",
  expired: "4000000000000069",
  /** The processor fails before charging: nothing is taken, the answer is an error. */
  errorBeforeCharge: "4000000000000119",
  /** The processor charges, then answers with an error. */
  errorAfterCharge: "4000000000000259",
  /** The processor charges and never answers (the caller's timeout ends the wait). */
  chargesThenHangs: "4000000000000341",
} as const;

const DECLINED: Record<string, string> = {
  [TEST_CARDS.declined]: "card_declined",
  [TEST_CARDS.insufficientFunds]: "insufficient_funds",
  [TEST_CARDS.expired]: "expired_card",
};

export interface FakeProcessorOptions {
  /** Its own connection: the processor's books are never part of the shop's transactions. */
  databaseUrl: string;
  latencyMs: number;
  /** Decline every charge with this reason. */
  failWith?: string;
  /** Fail the first N calls of a kind for each key (an outage the caller must retry through). */
  failFirst?: Partial<Record<"charge" | "void" | "refund", number>>;
}

export class ProcessorError extends Error {
  override readonly name = "ProcessorError";
}

/**
 * A card processor that behaves like one, with books of its own
 * (`fake_processor.operations`, in its own schema, over its own connection,
 * shared by every web and worker process). It takes time, checks card numbers
 * (Luhn), declines the usual test cards, can fail before or after charging,
 * answers a repeated key with its first answer, refuses a charge whose key was
 * voided first, and refuses refunds beyond what was charged. Tests read its
 * ledger to check the processor's side of every race.
 */
export class FakePaymentProvider implements PaymentProvider, PaymentLedger {
  private readonly pool: pg.Pool;
  private ready: Promise<void> | null = null;
  private readonly failures = new Map<string, number>();

  constructor(private readonly options: FakeProcessorOptions) {
    this.pool = new pg.Pool({ connectionString: options.databaseUrl, max: 4, application_name: "fake-card-processor" });
  }

  async charge(request: Parameters<PaymentProvider["charge"]>[0], signal: AbortSignal): Promise<ChargeAnswer> {
    await this.wait(signal);
    this.maybeFail("charge", request.key);
    if (request.cardNumber === TEST_CARDS.errorBeforeCharge) throw new ProcessorError("processing error (nothing charged)");
    const reason = this.options.failWith ?? (luhn(request.cardNumber) ? DECLINED[request.cardNumber] : "invalid_card");
    const answer = await this.inTransaction(request.key, async (client) => {
      const earlier = await client.query<{ kind: string; reference: string; reason: string | null }>(
        `SELECT kind, reference, reason FROM fake_processor.operations WHERE key = $1`,
        [request.key],
      );
      if (earlier.rows[0]) return toAnswer(earlier.rows[0]);
      const barred = await client.query(`SELECT 1 FROM fake_processor.operations WHERE kind = 'void' AND charge_key = $1`, [request.key]);
      const kind = reason ? "decline" : barred.rowCount ? "refused" : "charge";
      const row = {
        kind,
        reference: `fake_${randomUUID()}`,
        reason: reason ?? (kind === "refused" ? "voided" : null),
      };
      await client.query(
        `INSERT INTO fake_processor.operations (key, kind, order_id, amount_minor, currency, reference, reason) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [request.key, row.kind, request.orderId, kind === "charge" ? request.amount.amountMinor : 0, request.amount.currency, row.reference, row.reason],
      );
      return toAnswer(row);
    });
    if (answer.ok && request.cardNumber === TEST_CARDS.errorAfterCharge) throw new ProcessorError("connection reset after charging");
    if (answer.ok && request.cardNumber === TEST_CARDS.chargesThenHangs) {
      await delay(3_600_000, undefined, { signal });
    }
    return answer;
  }

  async void(request: Parameters<PaymentProvider["void"]>[0], signal: AbortSignal): Promise<{ voided: boolean }> {
    await this.wait(signal);
    this.maybeFail("void", request.key);
    return this.inTransaction(request.chargeKey, async (client) => {
      const earlier = await client.query<{ amount_minor: number }>(`SELECT amount_minor FROM fake_processor.operations WHERE key = $1`, [request.key]);
      if (earlier.rows[0]) return { voided: earlier.rows[0].amount_minor > 0 };
      const charge = await client.query<{ amount_minor: number; currency: string }>(
        `SELECT amount_minor, currency FROM fake_processor.operations WHERE key = $1 AND kind = 'charge'`,
        [request.chargeKey],
      );
      const refunded = await client.query(`SELECT 1 FROM fake_processor.operations WHERE kind = 'refund' AND charge_key = $1`, [request.chargeKey]);
      if (refunded.rowCount) throw new ProcessorError("a refunded charge cannot be voided");
      const amount = charge.rows[0]?.amount_minor ?? 0;
      // With no charge yet, the void bars the key: a charge arriving later is refused.
      await client.query(
        `INSERT INTO fake_processor.operations (key, kind, order_id, charge_key, amount_minor, currency, reference) VALUES ($1, 'void', $2, $3, $4, $5, $6)`,
        [request.key, request.orderId, request.chargeKey, amount, charge.rows[0]?.currency ?? "USD", `fake_${randomUUID()}`],
      );
      return { voided: amount > 0 };
    });
  }

  async refund(request: Parameters<PaymentProvider["refund"]>[0], signal: AbortSignal): Promise<{ reference: string }> {
    await this.wait(signal);
    this.maybeFail("refund", request.key);
    return this.inTransaction(request.chargeKey, async (client) => {
      const earlier = await client.query<{ reference: string }>(`SELECT reference FROM fake_processor.operations WHERE key = $1`, [request.key]);
      if (earlier.rows[0]) return { reference: earlier.rows[0].reference };
      const { rows } = await client.query<{ charged: number | null; voided: boolean; refunded: string }>(
        `SELECT (SELECT amount_minor FROM fake_processor.operations WHERE key = $1 AND kind = 'charge') AS charged,
                EXISTS (SELECT 1 FROM fake_processor.operations WHERE kind = 'void' AND charge_key = $1) AS voided,
                (SELECT coalesce(sum(amount_minor), 0) FROM fake_processor.operations WHERE kind = 'refund' AND charge_key = $1) AS refunded`,
        [request.chargeKey],
      );
      const r = rows[0]!;
      if (r.charged === null || r.voided) throw new ProcessorError(`no standing charge ${request.chargeKey} to refund`);
      if (Number(r.refunded) + request.amount.amountMinor > r.charged) throw new ProcessorError("refunds would exceed the charge");
      const reference = `fake_re_${randomUUID()}`;
      await client.query(
        `INSERT INTO fake_processor.operations (key, kind, order_id, charge_key, amount_minor, currency, reference) VALUES ($1, 'refund', $2, $3, $4, $5, $6)`,
        [request.key, request.orderId, request.chargeKey, request.amount.amountMinor, request.amount.currency, reference],
      );
      return { reference };
    });
  }

  /** Per order: charged − voided − refunded. */
  async netByOrder(since: Date): Promise<Map<string, number>> {
    await this.ensureSchema();
    const { rows } = await this.pool.query<{ order_id: string; net: string }>(
      `SELECT order_id, sum(CASE kind WHEN 'charge' THEN amount_minor ELSE -amount_minor END) AS net
       FROM fake_processor.operations WHERE kind IN ('charge', 'void', 'refund') AND created_at >= $1 GROUP BY order_id`,
      [since],
    );
    return new Map(rows.map((r) => [r.order_id, Number(r.net)]));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async wait(signal: AbortSignal): Promise<void> {
    if (this.options.latencyMs > 0) await delay(this.options.latencyMs, undefined, { signal });
    signal.throwIfAborted();
  }

  private maybeFail(kind: "charge" | "void" | "refund", key: string): void {
    const limit = this.options.failFirst?.[kind] ?? 0;
    const seen = this.failures.get(`${kind}:${key}`) ?? 0;
    if (seen < limit) {
      this.failures.set(`${kind}:${key}`, seen + 1);
      throw new ProcessorError(`${kind} failed: processor unavailable (${seen + 1} of ${limit})`);
    }
  }

  /** One transaction, serialised per charge key (a charge and its void or refunds never interleave). */
  private async inTransaction<T>(chargeKey: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    await this.ensureSchema();
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      await client.query(`SELECT pg_advisory_xact_lock(hashtext('fake_processor'), hashtext($1))`, [chargeKey]);
      const result = await work(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private ensureSchema(): Promise<void> {
    this.ready ??= (async () => {
      const client = await this.pool.connect();
      try {
        await client.query("BEGIN");
        await client.query(`SELECT pg_advisory_xact_lock(hashtext('fake_processor'))`);
        await client.query(`CREATE SCHEMA IF NOT EXISTS fake_processor`);
        await client.query(`
          CREATE TABLE IF NOT EXISTS fake_processor.operations (
            key          text PRIMARY KEY,
            kind         text NOT NULL CHECK (kind IN ('charge', 'decline', 'refused', 'void', 'refund')),
            order_id     uuid NOT NULL,
            charge_key   text,
            amount_minor integer NOT NULL CHECK (amount_minor >= 0),
            currency     char(3) NOT NULL,
            reference    text NOT NULL,
            reason       text,
            created_at   timestamptz NOT NULL DEFAULT now()
          )`);
        await client.query(`CREATE INDEX IF NOT EXISTS operations_charge_key_idx ON fake_processor.operations (charge_key)`);
        await client.query(`CREATE INDEX IF NOT EXISTS operations_order_idx ON fake_processor.operations (order_id)`);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        this.ready = null;
        throw error;
      } finally {
        client.release();
      }
    })();
    return this.ready;
  }
}

function toAnswer(row: { kind: string; reference: string; reason: string | null }): ChargeAnswer {
  return row.kind === "charge" ? { ok: true, reference: row.reference } : { ok: false, reason: row.reason ?? "card_declined" };
}

export function luhn(digits: string): boolean {
  if (!/^\d{12,19}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}
