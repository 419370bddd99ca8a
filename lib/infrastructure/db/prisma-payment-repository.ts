import type { PaymentAttempt } from "../../application/payments/pay-order";
import type { Db } from "./prisma-client";

export class PrismaPaymentRepository {
  constructor(private readonly db: Db) {}

  async record(attempt: PaymentAttempt): Promise<void> {
    await this.db.paymentAttempt.create({
      data: {
        orderId: attempt.orderId,
        outcome: attempt.outcome,
        reason: attempt.reason,
        reference: attempt.reference,
        cardLast4: attempt.cardLast4,
        amountMinor: attempt.amountMinor,
        createdAt: attempt.at,
      },
      select: { id: true },
    });
  }
}
