import { defineConfig } from "vitest/config";
import path from "node:path";

const alias = { "@": path.resolve(import.meta.dirname) };

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["lib/**/*.test.ts", "tests/unit/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "node_modules/**"],
          setupFiles: ["tests/support/fail-on-console-error.ts"],
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["lib/**/*.int.test.ts", "tests/integration/**/*.int.test.ts"],
          setupFiles: ["tests/support/fail-on-console-error.ts"],
          // Files run in parallel, each on its own database; two cores, so two at a time.
          maxWorkers: 2,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "fault",
          include: ["tests/fault/**/*.fault.test.ts"],
          setupFiles: ["tests/support/fail-on-console-error.ts"],
          // A broker of their own (test 1 stops it), and real worker processes:
          // one file at a time.
          globalSetup: ["tests/fault/global-setup.ts"],
          fileParallelism: false,
          maxWorkers: 1,
          testTimeout: 600_000,
          hookTimeout: 300_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "scale",
          // The scale drill (tests/scale): a 3-broker cluster, two web instances behind nginx and two
          // workers of its own, under faults. scripts/test.sh runs it after the journeys, on their build.
          include: ["tests/scale/**/*.scale.test.ts"],
          setupFiles: ["tests/support/fail-on-console-error.ts"],
          fileParallelism: false,
          maxWorkers: 1,
          testTimeout: 600_000,
          hookTimeout: 300_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: "logs",
          // Reads the logs an end-to-end run left in .local/test-reports (scripts/test.sh runs it after the journeys).
          include: ["tests/logs/**/*.test.ts"],
        },
      },
    ],
  },
});
