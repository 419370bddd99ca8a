// Config for the Prisma 6.19 CLI (npm alias `prisma-legacy-cli`), used ONLY to
// author migration SQL offline through scripts/db/diff.sh. Prisma 6.19 can run
// its schema engine as WebAssembly (engine: "js" + a driver adapter); the
// Prisma 7 CLI downloads a native engine and cannot run here.
// See docs/decisions/001-migrations-without-engines.md.
//
// `migrate diff` between two schema files opens one connection through this
// adapter (it reads the server version) but changes nothing. Schema files are
// passed on the command line; the root prisma.config.ts (Prisma 7) is separate.
import { defineConfig } from "prisma-legacy-cli/config";
import { PrismaPg } from "prisma-legacy-adapter-pg";

const url = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  async adapter() {
    // allowExitOnIdle: the CLI exits at once instead of after pg's 10 s idle timeout.
    return new PrismaPg({ connectionString: url, allowExitOnIdle: true });
  },
});
