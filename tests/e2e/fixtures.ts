/**
 * What every spec imports instead of @playwright/test (eslint holds them to it):
 * the same API, with a `test` that fails when a page broke its Content-Security-Policy.
 *
 * Every page of every browser context a test opens (its own `page`, and pages of
 * contexts it makes with `browser.newContext()`) reports each
 * `securitypolicyviolation` event to the test, and the console's "Refused to ..."
 * lines are caught too (a violation in a frame, or one the browser reports
 * before the page's first script ran). A test ends with none, or it fails
 * listing them. A test that provokes one on purpose takes them out of
 * `cspViolations` once it has seen them.
 */
import { test as base, type Browser, type BrowserContext } from "@playwright/test";

export * from "@playwright/test";

export interface CspViolation {
  page: string;
  directive: string;
  blocked: string;
  sample?: string;
}

const BINDING = "__reportCspViolation";
// Playwright's own `context` fixture is made through browser.newContext() too.
const watched = new WeakSet<BrowserContext>();

async function watch(context: BrowserContext, seen: CspViolation[]): Promise<void> {
  if (watched.has(context)) return;
  watched.add(context);
  await context.exposeBinding(BINDING, ({ page }, v: Omit<CspViolation, "page">) => {
    seen.push({ page: page?.url() ?? "", ...v });
  });
  await context.addInitScript((binding) => {
    addEventListener("securitypolicyviolation", (e) => {
      const report = (globalThis as unknown as Record<string, (v: unknown) => void>)[binding];
      report?.({ directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample });
    });
  }, BINDING);
  context.on("console", (message) => {
    const text = message.text();
    if (/Refused to |Content Security Policy/i.test(text)) seen.push({ page: message.page()?.url() ?? "", directive: "(console)", blocked: text });
  });
}

export const test = base.extend<{ cspViolations: CspViolation[]; cspGuard: void }>({
  cspViolations: async ({}, use) => {
    await use([]);
  },
  context: async ({ context, cspViolations }, use) => {
    await watch(context, cspViolations);
    await use(context);
  },
  cspGuard: [
    async ({ browser, cspViolations }, use) => {
      // Contexts the test makes itself (a second shopper, an admin) are watched as well.
      const original = browser.newContext.bind(browser) as Browser["newContext"];
      browser.newContext = (async (...args: Parameters<Browser["newContext"]>) => {
        const context = await original(...args);
        await watch(context, cspViolations);
        return context;
      }) as Browser["newContext"];
      try {
        await use();
      } finally {
        browser.newContext = original;
      }
      // Reports are asynchronous: let the last ones arrive.
      await new Promise((resolve) => setTimeout(resolve, 100));
      if (cspViolations.length > 0) {
        throw new Error(`Content-Security-Policy violations:\n${cspViolations.map((v) => `  ${v.directive} blocked ${v.blocked}${v.sample ? ` (${v.sample})` : ""} on ${v.page}`).join("\n")}`);
      }
    },
    { auto: true },
  ],
});
