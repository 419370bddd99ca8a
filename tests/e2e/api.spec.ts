import { randomUUID } from "node:crypto";
import { expect, test } from "./fixtures";
import { registerShopper } from "./support";
import { checked } from "./api-contract";

// The REST API over real HTTP against the built app. Every spec shares one
// server in CI: requests carry their own client address (X-Forwarded-For), so
// this spec's sign-ins neither use up nor hit another spec's /auth/* limit.
const clientAddress = () => `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250) + 1}`;

type OpenApi = { openapi: string; paths: Record<string, Record<string, { operationId: string; "x-access"?: string }>> };

test.describe("REST API v1", () => {
  test("serves its OpenAPI 3.1 contract, which lists the auth routes", async ({ request }) => {
    const res = await checked(request).get("/api/v1/openapi.json");
    expect(res.status()).toBe(200);
    expect(res.headers()["content-type"]).toContain("application/json");
    const doc = (await res.json()) as OpenApi;
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.paths["/auth/token"]?.post?.operationId).toBe("issueToken");
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/auth/register", "/auth/token", "/auth/refresh", "/auth/revoke", "/health"]));
  });

  test("answers a path it does not have with a 404 problem naming it, for every method, not the HTML 404 page", async ({ request }) => {
    for (const method of ["GET", "POST", "DELETE"] as const) {
      const res = await request.fetch("/api/v1/no-such/thing", { method, headers: { "x-forwarded-for": clientAddress() } });
      expect(res.status(), method).toBe(404);
      expect(res.headers()["content-type"], method).toContain("application/problem+json");
      expect(await res.json()).toMatchObject({ status: 404, code: "not_found", detail: expect.stringContaining("/api/v1/no-such/thing") });
    }
    // A route that exists still answers: the catch-all only takes what nothing else does.
    expect((await request.get("/api/v1/health")).status()).toBe(200);
  });

  test("answers a method a path does not serve with a 405 problem and the methods it does serve", async ({ request }) => {
    const res = await request.fetch("/api/v1/products", { method: "DELETE", headers: { "x-forwarded-for": clientAddress() } });
    expect(res.status()).toBe(405);
    expect(res.headers()["content-type"]).toContain("application/problem+json");
    expect(res.headers()["allow"]).toBe("GET, HEAD, OPTIONS");
    expect(await res.json()).toMatchObject({ status: 405, code: "method_not_allowed", detail: expect.stringContaining("DELETE is not served at /api/v1/products") });
    const cartItem = await request.fetch(`/api/v1/cart/items/${randomUUID()}`, { method: "GET", headers: { "x-forwarded-for": clientAddress() } });
    expect(cartItem.status()).toBe(405);
    expect(cartItem.headers()["allow"]).toBe("PATCH, DELETE, OPTIONS");
  });

  test("pages name an icon the shop serves, so browsers do not fetch a missing /favicon.ico", async ({ request }) => {
    const html = await (await request.get("/")).text();
    const href = /<link rel="icon" href="([^"]+)"/.exec(html)?.[1];
    expect(href).toBeDefined();
    const icon = await request.get(href!);
    expect(icon.status()).toBe(200);
    expect(icon.headers()["content-type"]).toContain("image/svg+xml");
  });

  test("shows a browsable reference at /api/docs", async ({ page }) => {
    await page.goto("/api/docs");
    await expect(page.getByRole("heading", { level: 1, name: "Storefront API v1" })).toBeVisible();
    await expect(page.getByRole("heading", { level: 2, name: "auth" })).toBeVisible();
    const operation = page.locator("#issueToken");
    await expect(operation.getByRole("heading", { level: 3 })).toContainText("/auth/token");
    await expect(operation).toContainText("Exchange email and password");
    await expect(page.getByRole("link", { name: "/api/v1/openapi.json" })).toHaveAttribute("href", "/api/v1/openapi.json");
  });

  test("register → token → an authenticated call → refresh → revoke, over HTTP", async ({ request }) => {
    const headers = { "x-forwarded-for": clientAddress() };
    const email = `api-e2e-${randomUUID().slice(0, 8)}@example.com`;
    const registered = await checked(request).post("/api/v1/auth/register", { headers, data: { email: email.toUpperCase(), name: "API Client", password: "a-long-password" } });
    // The same answer whether or not the email had an account (no user in it: that would tell).
    expect(registered.status()).toBe(202);
    expect(await registered.json()).toEqual({ detail: "Check your email to continue." });

    const wrong = await checked(request).post("/api/v1/auth/token", { headers, data: { email, password: "not-the-password" } });
    expect(wrong.status()).toBe(401);
    expect(wrong.headers()["content-type"]).toContain("application/problem+json");
    expect((await wrong.json()).code).toBe("unauthenticated");

    const issued = await checked(request).post("/api/v1/auth/token", { headers, data: { email, password: "a-long-password" } });
    expect(issued.status()).toBe(200);
    const pair = (await issued.json()) as { tokenType: string; accessToken: string; refreshToken: string };
    expect(pair.tokenType).toBe("Bearer");

    const health = await checked(request).get("/api/v1/health", { headers: { ...headers, authorization: `Bearer ${pair.accessToken}` } });
    expect(health.status()).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    const me = await checked(request).get("/api/v1/auth/me", { headers: { ...headers, authorization: `Bearer ${pair.accessToken}` } });
    expect(me.status()).toBe(200);
    expect((await me.json()).user.email).toBe(email);

    const refreshed = await checked(request).post("/api/v1/auth/refresh", { headers, data: { refreshToken: pair.refreshToken } });
    expect(refreshed.status()).toBe(200);
    const next = (await refreshed.json()) as { accessToken: string; refreshToken: string };

    expect((await checked(request).post("/api/v1/auth/revoke", { headers, data: { token: next.refreshToken } })).status()).toBe(204);
    const after = await checked(request).get("/api/v1/auth/me", { headers: { ...headers, authorization: `Bearer ${next.accessToken}` } });
    expect(after.status()).toBe(401);
    expect(after.headers()["www-authenticate"]).toContain("Bearer");
    // A bad token is refused even on a route anyone may call.
    expect((await checked(request).get("/api/v1/health", { headers: { ...headers, authorization: "Bearer nonsense" } })).status()).toBe(401);
  });

  test("accepts the shop's session cookie, and refuses a cookie-authenticated write from another origin", async ({ page, request, baseURL }) => {
    const email = await registerShopper(page, "Cookie Shopper");
    const headers = { "x-forwarded-for": clientAddress() };

    // The page's request context carries the browser's session cookie.
    const me = await checked(page.request).get("/api/v1/auth/me", { headers });
    expect(me.status()).toBe(200);
    expect((await me.json()).user.email).toBe(email);
    // Without the cookie (another request context) the same request is anonymous.
    const anonymous = await checked(request).get("/api/v1/auth/me", { headers });
    expect(anonymous.status()).toBe(401);

    // The Origin check guards every cookie-authenticated write: POST /cart/items, a real one.
    const products = await checked(page.request).get("/api/v1/products?inStock=true&limit=1", { headers });
    expect(products.status()).toBe(200);
    const product = ((await products.json()) as { items: { id: string; name: string }[] }).items[0]!;
    const productId = product.id;
    const add = (origin: string) =>
      checked(page.request).post("/api/v1/cart/items", {
        headers: { ...headers, origin, "idempotency-key": randomUUID() },
        data: { productId, quantity: 1 },
      });

    const foreign = await add("https://evil.example");
    expect(foreign.status()).toBe(403);
    expect(foreign.headers()["content-type"]).toContain("application/problem+json");
    expect((await foreign.json()).code).toBe("forbidden");
    const untouched = await checked(page.request).get("/api/v1/cart", { headers });
    expect(untouched.status()).toBe(200);
    expect((await untouched.json()).lines).toEqual([]);

    const own = await add(new URL(baseURL!).origin);
    expect(own.status(), await own.text()).toBe(201);
    expect((await own.json()).lines).toEqual([expect.objectContaining({ productId, quantity: 1 })]);
    // The shop's own cart page shows the line the API added: one cart behind both doors.
    await page.goto("/cart");
    await expect(page.getByRole("main")).toContainText(product.name);
  });
});
