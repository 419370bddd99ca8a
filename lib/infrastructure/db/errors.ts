import { AppError, isAppError } from "../../domain/errors";

/** Prisma's known-request errors, recognised by name and code (not instanceof: see AppError's brand). */
function prismaCode(error: unknown): string | undefined {
  const e = error as { name?: unknown; code?: unknown } | null;
  return e && e.name === "PrismaClientKnownRequestError" && typeof e.code === "string" ? e.code : undefined;
}

/** Translates database failures into the application's error codes, keeping the cause. */
export function mapDbError(error: unknown, context: string): never {
  if (isAppError(error)) throw error;
  const code = prismaCode(error);
  if (code === "P2002") throw new AppError("conflict", `${context}: already exists`, { cause: error });
  if (code === "P2025") throw new AppError("not_found", `${context}: not found`, { cause: error });
  const pgCode = (error as { code?: unknown; cause?: { code?: unknown } })?.cause?.code;
  if (pgCode === "23505") throw new AppError("conflict", `${context}: already exists`, { cause: error });
  throw new AppError("internal", `${context} failed`, { cause: error });
}

export function isUniqueViolation(error: unknown): boolean {
  return prismaCode(error) === "P2002";
}
