import { AppError, isAppError } from "../../domain/errors";

/** Prisma's known-request errors, recognised by name and code (not instanceof: see AppError's brand). */
function prismaCode(error: unknown): string | undefined {
  const e = error as { name?: unknown; code?: unknown } | null;
  return e && e.name === "PrismaClientKnownRequestError" && typeof e.code === "string" ? e.code : undefined;
}

/** Translates database failures into the application's error codes, keeping the cause. */
export function mapDbError(error: unknown, context: string): never {
  if (isAppError(error)) throw error;
  if (isUniqueViolation(error)) throw new AppError("conflict", `${context}: already exists`, { cause: error });
  if (prismaCode(error) === "P2025") throw new AppError("not_found", `${context}: not found`, { cause: error });
  throw new AppError("internal", `${context} failed`, { cause: error });
}

/**
 * A unique constraint refused the write: Prisma's P2002, or PostgreSQL's 23505
 * as the driver adapter reports it for raw queries (directly, or wrapped in P2010).
 */
export function isUniqueViolation(error: unknown): boolean {
  if (prismaCode(error) === "P2002" || (error as { cause?: { code?: unknown } } | null)?.cause?.code === "23505") return true;
  // A raw query through Prisma: P2010, with the adapter's error (and PostgreSQL's code) in meta.
  const adapter = (error as { meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } } } | null)?.meta?.driverAdapterError;
  return prismaCode(error) === "P2010" && adapter?.cause?.originalCode === "23505";
}
