// The dependency rule, enforced: inner layers never import outer ones, and the
// web edge (app/, components/) never touches Prisma, pg or Kafka directly.
// lib/domain ← lib/application ← lib/infrastructure ← lib/composition ← app/, workers/
import tseslint from "typescript-eslint";
import { noImportCycle } from "./eslint/import-cycles.js";

const FRAMEWORKS = ["next", "next/*", "next-auth", "next-auth/*", "react", "react/*", "react-dom", "react-dom/*"];
const DRIVERS = ["@prisma/*", "**/db/generated/**", "pg", "kafkajs", "nodemailer", "@node-rs/*", "ioredis"];
// Tests sit beside the code but are outside the layers: they wire fakes and adapters.
const TESTS = ["**/*.test.ts"];
const WORKER_RESTRICTED = ["**/infrastructure/**", "@/lib/infrastructure/**", "@/app/**", "**/app/**", "**/components/**", ...FRAMEWORKS, ...DRIVERS];
const rule = (groups, message) => ["error", { patterns: [{ group: groups, message }] }];

export default tseslint.config(
  {
    ignores: [".next/**", ".next-*/**", "dist/**", "node_modules/**", ".local/**", "lib/infrastructure/db/generated/**", "test-results/**", "playwright-report/**", "next-env.d.ts"],
  },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // No import cycles in lib, app, components and workers, type-only imports included (./eslint/import-cycles.js).
    files: ["{lib,app,components,workers}/**/*.{ts,tsx}"],
    ignores: TESTS,
    plugins: { local: { rules: { "no-import-cycle": noImportCycle } } },
    rules: { "local/no-import-cycle": "error" },
  },
  {
    files: ["lib/domain/**/*.ts"],
    ignores: TESTS,
    rules: {
      "no-restricted-imports": rule(
        ["**/application/**", "**/infrastructure/**", "**/composition/**", "@/*", "**/app/**", "**/components/**", "**/workers/**", ...FRAMEWORKS, ...DRIVERS],
        "lib/domain is the core: it imports nothing outside lib/domain (no framework, ORM or broker).",
      ),
    },
  },
  {
    files: ["lib/application/**/*.ts"],
    ignores: TESTS,
    rules: {
      "no-restricted-imports": rule(
        ["**/infrastructure/**", "**/composition/**", "@/*", "**/app/**", "**/components/**", "**/workers/**", ...FRAMEWORKS, ...DRIVERS],
        "lib/application depends only on lib/domain and its own ports; adapters live in lib/infrastructure.",
      ),
    },
  },
  {
    files: ["lib/infrastructure/**/*.ts"],
    ignores: TESTS,
    rules: {
      "no-restricted-imports": rule(
        ["**/composition/**", "@/*", "**/app/**", "**/components/**", "**/workers/**", ...FRAMEWORKS],
        "lib/infrastructure implements application ports; it never reaches outward.",
      ),
    },
  },
  {
    files: ["app/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": rule(
        ["**/infrastructure/**", "@/lib/infrastructure/**", ...DRIVERS],
        "Pages, actions and route handlers call use cases from lib/composition; they never touch Prisma, pg, Kafka or other adapters.",
      ),
    },
  },
  {
    // Components sit below app/: pages hand them data and server actions (as props); they never reach up.
    files: ["components/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": rule(
        ["**/infrastructure/**", "@/lib/infrastructure/**", ...DRIVERS, "@/app/**", "**/app/**"],
        "Components never import from app/ (pages pass actions as props; shared pieces live in components/ or lib/) and never touch adapters.",
      ),
    },
  },

  {
    files: ["workers/**/*.ts"],
    rules: {
      "no-restricted-imports": rule(WORKER_RESTRICTED, "Workers use use cases and adapters from lib/composition only."),
    },
  },
  {
    // A handler is handed the use cases it runs (a Pick of the worker's area), never the whole set of services.
    files: ["workers/handlers/**/*.ts"],
    rules: {
      "no-restricted-imports": rule(
        [...WORKER_RESTRICTED, "**/composition/root", "@/lib/composition/root"],
        "Workers use use cases and adapters from lib/composition only; a handler takes only the use cases it runs (lib/composition/worker-services.ts), not the composition root's services.",
      ),
    },
  },
  {
    // Every journey runs under the CSP guard (tests/e2e/fixtures.ts fails a test on any violation).
    files: ["tests/e2e/**/*.spec.ts"],
    rules: {
      "no-restricted-imports": ["error", { paths: [{ name: "@playwright/test", message: "Import test and expect from ./fixtures: it fails a journey on any CSP violation." }] }],
    },
  },
);
