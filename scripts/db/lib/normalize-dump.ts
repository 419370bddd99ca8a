// Turns `pg_dump --schema-only` output into text that two databases with the
// same schema share, whatever order their columns or enum values were added in
// (Prisma's differ ignores both orders: ALTER TABLE ADD COLUMN and ALTER TYPE
// ADD VALUE append, while a from-empty script follows schema.prisma's order).
export function normalizeSchemaDump(dump: string): string {
  const out: string[] = [];
  let block: string[] | null = null;
  for (const raw of dump.split("\n")) {
    const line = raw.replace(/\s+$/, "");
    if (block) {
      if (line === ");") {
        block.sort();
        block.forEach((l, i) => out.push(i < block!.length - 1 ? l + "," : l));
        out.push(line);
        block = null;
      } else {
        block.push(line.replace(/,$/, ""));
      }
      continue;
    }
    if (line === "" || line.startsWith("--")) continue;
    // Session settings, and the random \restrict key of newer pg_dump releases.
    if (/^SET /.test(line) || line.startsWith("SELECT pg_catalog.set_config(") || /^\\(un)?restrict\b/.test(line)) {
      continue;
    }
    out.push(line);
    if (/^CREATE (TABLE|TYPE) .*\($/.test(line)) block = [];
  }
  return out.join("\n") + "\n";
}
