import { AppError, isAppError } from "@/lib/domain/errors";

/**
 * Runs a use case and names its field errors as the request does: a use case
 * says "quantity", the API client sent "body.quantity". `paths` maps the
 * fields it knows; any other field goes through `otherwise`. The error keeps
 * its code, its Retry-After and the original as its cause.
 */
export async function withRequestPaths<T>(paths: Record<string, string>, otherwise: (field: string) => string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isAppError(error) && error.fields.length > 0) {
      throw new AppError(error.code, error.message, {
        cause: error,
        fields: error.fields.map((f) => ({ ...f, path: paths[f.path] ?? otherwise(f.path) })),
        retryAfterSeconds: error.retryAfterSeconds,
      });
    }
    throw error;
  }
}
