/**
 * Records the checksum of every migration that is not in
 * prisma/migrations/checksums.txt yet (one "<sha256>  <folder>" line each, as
 * sha256sum writes them). Lines already there are never changed: a migration,
 * once recorded, is one that databases may have applied, and editing it is
 * refused by the applier (scripts/db/migrate.ts) and by the unit test
 * tests/unit/migration-checksums.test.ts. Run it after creating a migration
 * (`npm run db:record-checksums`).
 */
import { appendFile, readFile } from "node:fs/promises";
import path from "node:path";
import { DEFAULT_MIGRATIONS_DIR, listMigrations } from "./migrate";

export const CHECKSUMS_FILE = path.join(DEFAULT_MIGRATIONS_DIR, "checksums.txt");

/** The recorded lines: folder → checksum. */
export async function recordedChecksums(file = CHECKSUMS_FILE): Promise<Map<string, string>> {
  const text = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return "";
    throw error;
  });
  const recorded = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^([0-9a-f]{64}) {2}(\S+)$/.exec(line.trim());
    if (m) recorded.set(m[2]!, m[1]!);
  }
  return recorded;
}

async function main(): Promise<void> {
  const recorded = await recordedChecksums();
  const added = (await listMigrations()).filter((m) => !recorded.has(m.name));
  if (added.length > 0) await appendFile(CHECKSUMS_FILE, added.map((m) => `${m.checksum}  ${m.name}\n`).join(""));
  console.log(added.length ? `recorded ${added.map((m) => m.name).join(", ")}` : "every migration is recorded already");
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) void main();
