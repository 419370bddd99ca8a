import type { UnitOfWork } from "../../application/shared";
import { AppError } from "../../domain/errors";
import { mapDbError } from "./errors";
import type { Db, PrismaClient } from "./prisma-client";
import { PrismaCartRepository } from "./prisma-cart-repository";
import { PrismaInventoryRepository } from "./prisma-inventory-repository";
import { PrismaOrderRepository } from "./prisma-order-repository";
import { PrismaOutboxWriter } from "./prisma-outbox-repository";
import { PrismaOutgoingEmailRepository } from "./prisma-outgoing-email-repository";
import { PrismaPaymentRepository, PrismaRefundRepository } from "./prisma-payment-repository";
import { PrismaProcessedEventRepository } from "./prisma-processed-event-repository";
import { PrismaProductRepository } from "./prisma-product-repository";
import { PrismaUserRepository } from "./prisma-user-repository";
import { PrismaSessionRepository } from "./prisma-session-repository";
import { PrismaApiSessionRepository } from "./prisma-api-session-repository";
import { PrismaOrderAdminRepository } from "./prisma-order-admin-repository";
import { PrismaProductAdminRepository } from "./prisma-product-admin-repository";
import { PrismaStockLedgerRepository } from "./prisma-stock-ledger-repository";
import { PrismaUserAdminRepository } from "./prisma-user-admin-repository";

/** Every repository, bound to one transaction. Use cases see only the subset their port names. */
export function transactionalRepositories(tx: Db) {
  return {
    users: new PrismaUserRepository(tx),
    products: new PrismaProductRepository(tx),
    carts: new PrismaCartRepository(tx),
    orders: new PrismaOrderRepository(tx),
    inventory: new PrismaInventoryRepository(tx),
    outbox: new PrismaOutboxWriter(tx),
    outgoingEmails: new PrismaOutgoingEmailRepository(tx),
    payments: new PrismaPaymentRepository(tx),
    refunds: new PrismaRefundRepository(tx),
    processed: new PrismaProcessedEventRepository(tx),
    productAdmin: new PrismaProductAdminRepository(tx),
    stockLedger: new PrismaStockLedgerRepository(tx),
    orderAdmin: new PrismaOrderAdminRepository(tx),
    userAdmin: new PrismaUserAdminRepository(tx),
    authSessions: new PrismaSessionRepository(tx),
    apiSessions: new PrismaApiSessionRepository(tx),
  };
}

export type TransactionalRepositories = ReturnType<typeof transactionalRepositories>;

export class PrismaUnitOfWork implements UnitOfWork<TransactionalRepositories> {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly options: { timeoutMs: number } = { timeoutMs: 15_000 },
  ) {}

  async run<T>(work: (repos: TransactionalRepositories) => Promise<T>, signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    try {
      return await this.prisma.$transaction(
        async (tx) => {
          const result = await work(transactionalRepositories(tx));
          // A request that was abandoned mid-way rolls back instead of committing.
          if (signal?.aborted) throw new AppError("unavailable", "cancelled before commit", { cause: signal.reason });
          return result;
        },
        { timeout: this.options.timeoutMs, maxWait: 10_000 },
      );
    } catch (error) {
      mapDbError(error, "transaction");
    }
  }
}
