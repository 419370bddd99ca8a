import { AppError } from "../../domain/errors";
import { Prisma } from "./generated/client";

/** Translates database failures into the application's error codes, keeping the cause. */
export function mapDbError(error: unknown, context: string): never {
  if (error instanceof AppError) throw error;
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    if (error.code === "P2002") throw new AppError("conflict", `${context}: already exists`, { cause: error });
    if (error.code === "P2025") throw new AppError("not_found", `${context}: not found`, { cause: error });
  }
  const pgCode = (error as { code?: unknown; cause?: { code?: unknown } })?.cause?.code;
  if (pgCode === "23505") throw new AppError("conflict", `${context}: already exists`, { cause: error });
  throw new AppError("internal", `${context} failed`, { cause: error });
}

export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}
