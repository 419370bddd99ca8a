// Small helpers for PostgreSQL connection URLs and identifiers, shared by the
// migration applier, the drift check and the integration-test database helper.

/** The admin connection used to create and drop scratch databases. */
export const DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres";

/** The same server and credentials as `url`, but database `database`. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = "/" + encodeURIComponent(database);
  return u.toString();
}

/** The database name a URL points at. */
export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ""));
}

/** Quotes an SQL identifier (database, schema, table name). */
export function quoteIdent(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}

/**
 * Prisma URLs may carry `?schema=NAME`, which node-postgres ignores. Returns
 * the URL without it, and the schema to put on the search_path.
 */
export function splitPrismaSchemaParam(url: string): { url: string; schema: string | undefined } {
  const u = new URL(url);
  const schema = u.searchParams.get("schema") ?? undefined;
  u.searchParams.delete("schema");
  return { url: u.toString(), schema };
}

export function isPostgresUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === "postgresql:" || u.protocol === "postgres:") && u.pathname.length > 1;
  } catch {
    return false;
  }
}
