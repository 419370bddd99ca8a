import { expect, test, type APIResponse } from "./fixtures";

/** The directives of a response's policy, by name. */
function policy(res: APIResponse): Map<string, string[]> {
  const header = res.headers()["content-security-policy"] ?? "";
  return new Map(
    header
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name!, values]),
  );
}

/** The browser reports a blocked script twice: a securitypolicyviolation event and a console line. Seen both? */
const bothReports = (seen: { directive: string }[]) => seen.some((v) => v.directive === "(console)") && seen.some((v) => v.directive !== "(console)");

test.describe("security headers", () => {
  test("the guard catches a script injected into a page, and the browser refuses to run it", async ({ page, cspViolations }) => {
    await page.goto("/");
    await expect(page.getByTestId("signed-in-as").or(page.getByRole("link", { name: "Sign in" }))).toBeVisible();
    await page.addScriptTag({ content: "window.__injected = true;" }).catch(() => {});
    // The browser reports it twice, as an event and as a console line, in either order: both must be in.
    await expect.poll(() => bothReports(cspViolations)).toBe(true);
    expect(cspViolations.find((v) => v.directive !== "(console)")!.directive).toMatch(/script-src/);
    expect(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected)).toBeUndefined();
    // Seen and expected: the guard would otherwise fail this test.
    cspViolations.splice(0);
  });

  test("the browser's report of a blocked script is counted for the operator", async ({ page, cspViolations, request }) => {
    const token = process.env.METRICS_TOKEN;
    test.skip(!token, "needs METRICS_TOKEN (scripts/test.sh sets it)");
    const count = async () => {
      const text = await (await request.get("/api/metrics", { headers: { authorization: `Bearer ${token}` } })).text();
      return Number(/^storefront_csp_violations_total\{directive="script-src-elem"\} (\d+)/m.exec(text)?.[1] ?? 0);
    };
    const before = await count();
    await page.goto("/cart");
    await page.addScriptTag({ content: "window.__injected = true;" }).catch(() => {});
    await expect.poll(count).toBeGreaterThan(before);
    await expect.poll(() => bothReports(cspViolations)).toBe(true);
    cspViolations.splice(0);
  });

  test("a report that is not one is refused, naming what is wrong", async ({ request }) => {
    const res = await request.post("/api/csp-reports", { headers: { "content-type": "application/csp-report" }, data: JSON.stringify({ "csp-report": { "blocked-uri": "inline" } }) });
    expect(res.status()).toBe(400);
    expect((await res.json()).errors).toEqual([expect.objectContaining({ path: "csp-report.document-uri" })]);
  });

  test("cached and per-request pages allow inline scripts only by hash or nonce, and cannot be framed", async ({ request }) => {
    const slug = (await (await request.get("/api/v1/products?limit=1")).json()).items[0].slug as string;
    for (const path of ["/", `/products/${slug}`, "/cart", "/signin"]) {
      const res = await request.get(path);
      expect(res.status(), path).toBe(200);
      const p = policy(res);
      const scripts = p.get("script-src") ?? [];
      expect(scripts, path).not.toContain("'unsafe-inline'");
      expect(scripts.slice(1).length, path).toBeGreaterThan(0);
      expect(scripts.slice(1).every((s) => /^'(sha256-[A-Za-z0-9+/]+=*|nonce-[A-Za-z0-9+/]+=*)'$/.test(s)), path).toBe(true);
      expect(p.get("frame-ancestors"), path).toEqual(["'none'"]);
      expect(p.get("object-src"), path).toEqual(["'none'"]);
      expect(p.get("base-uri"), path).toEqual(["'none'"]);
      expect(p.get("form-action"), path).toEqual(["'self'"]);
      expect(p.get("style-src"), path).toEqual(["'self'"]);
      expect(res.headers()["x-content-type-options"], path).toBe("nosniff");
      expect(res.headers()["referrer-policy"], path).toBe("strict-origin-when-cross-origin");
      expect(res.headers()["permissions-policy"], path).toContain("camera=()");
      expect(res.headers()["strict-transport-security"], path).toBeUndefined();
    }
  });

  test("a cached page is served with the hashes of the very scripts it holds", async ({ request }) => {
    const first = await request.get("/");
    const second = await request.get("/");
    expect(second.headers()["x-nextjs-cache"]).toBe("HIT");
    for (const res of [first, second]) {
      const html = await res.text();
      const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)(?![^>]*\btype="application\/ld\+json")[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
      expect(inline.length).toBeGreaterThan(0);
      const { createHash } = await import("node:crypto");
      const hashes = new Set(inline.map((s) => `'sha256-${createHash("sha256").update(s).digest("base64")}'`));
      expect(new Set(policy(res).get("script-src")!.slice(1))).toEqual(hashes);
    }
  });

  test("route handlers, the API, static files and images carry the headers too, with a policy that allows nothing", async ({ request }) => {
    const page = await (await request.get("/")).text();
    const chunk = /<script src="(\/_next\/static\/[^"]+\.js)"/.exec(page)![1]!;
    for (const path of ["/api/v1/health", "/api/v1/products?limit=1", "/robots.txt", chunk]) {
      const res = await request.get(path);
      expect(res.ok(), path).toBe(true);
      expect(res.headers()["content-security-policy"], path).toBe("default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
      expect(res.headers()["x-content-type-options"], path).toBe("nosniff");
      expect(res.headers()["referrer-policy"], path).toBe("strict-origin-when-cross-origin");
    }
  });

  test("HSTS is sent when the proxy in front says the request came over https", async ({ request }) => {
    for (const path of ["/", "/api/v1/health"]) {
      const res = await request.get(path, { headers: { "x-forwarded-proto": "https" } });
      expect(res.headers()["strict-transport-security"], path).toBe("max-age=31536000; includeSubDomains");
    }
  });

  test("a product page's structured data stays in the page without breaking the policy", async ({ page, request }) => {
    const slug = (await (await request.get("/api/v1/products?limit=1")).json()).items[0].slug as string;
    await page.goto(`/products/${slug}`);
    await expect(page.locator('script[type="application/ld+json"]')).toHaveCount(1);
    // Hydrated: the add-to-cart form answers (the guard fails the test on any violation).
    await page.getByRole("button", { name: "Add to cart" }).click();
    await expect(page.getByRole("status")).toContainText("Added to your cart");
  });
});
