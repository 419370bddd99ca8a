/**
 * `text` with LIKE's wildcards (% and _) and its escape character (\) escaped,
 * so that Prisma's contains / startsWith / endsWith (which put the value into
 * a LIKE or ILIKE pattern as it is) or a raw LIKE match it literally. Without
 * it, a back-office search for "_" or "%" matches every row.
 */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
