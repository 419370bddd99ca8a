import { defineConfig, devices } from "@playwright/test";

// The app, worker, Kafka and the SMTP sink are started by scripts/test.sh;
// this config only points the browser at them.
const baseURL = process.env.E2E_BASE_URL ?? "http://127.0.0.1:3100";

export default defineConfig({
  testDir: "tests/e2e",
  outputDir: "test-results/e2e",
  timeout: 90_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    // Every journey leaves a picture of its last page in its output folder.
    screenshot: "on",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
    },
  },
  // Every shopper journey at a laptop and at a phone viewport (Pixel 7 is Chromium-based).
  projects: [
    { name: "desktop", use: { ...devices["Desktop Chrome"] } },
    // The back office is a desk job: its journeys run at the laptop size only; the API specs have no viewport.
    { name: "mobile", use: { ...devices["Pixel 7"] }, testIgnore: /(admin-[^/]*|api[^/]*|[^/]*-api)\.spec\.ts$/ },
  ],
});
