import { describe, expect, it } from "vitest";
import { listMigrations, scriptMatchesChecksum } from "@/scripts/db/migrate";
import { recordedChecksums } from "@/scripts/db/record-checksums";

/**
 * A migration, once committed, may have been applied somewhere: it is never
 * edited again (the applier refuses to run past an edited one), only followed by
 * a new one. prisma/migrations/checksums.txt records each migration's checksum
 * when it is created (`npm run db:record-checksums`); this test fails the build
 * when one of them no longer matches its migration.sql, or goes missing.
 */
describe("applied migrations", () => {
  it("keep the checksums recorded for them, and every migration is recorded", async () => {
    const recorded = await recordedChecksums();
    const migrations = await listMigrations();
    const edited = migrations.filter((m) => recorded.has(m.name) && !scriptMatchesChecksum(m.script, recorded.get(m.name)!)).map((m) => m.name);
    expect(edited, "edited after they were recorded: add a new migration instead").toEqual([]);
    const unrecorded = migrations.filter((m) => !recorded.has(m.name)).map((m) => m.name);
    expect(unrecorded, "new migrations: run npm run db:record-checksums and commit prisma/migrations/checksums.txt").toEqual([]);
    const gone = [...recorded.keys()].filter((name) => !migrations.some((m) => m.name === name));
    expect(gone, "recorded migrations that were deleted").toEqual([]);
    expect(recorded.size).toBe(migrations.length);
  });
});
