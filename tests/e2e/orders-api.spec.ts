import { randomUUID } from "node:crypto";
import { expect, test, type APIRequestContext, type APIResponse } from "./fixtures";
import { addToCart, openInStockProduct, registerShopper } from "./support";
import { ADMIN } from "./admin-support";
import { checked } from "./api-contract";

// /api/v1/orders over real HTTP against the built app and its worker: the
// shop's session cookie (writes only from the shop's own origin), bearer
// tokens, the worker reserving the stock, payment, cancellation, and the
// order page showing what the API did. (Named *api.spec.ts: no viewport, so
// it runs in the desktop project only.)

// Own client address per run, so this spec's sign-ins do not share another spec's /auth/* limit.
const clientAddress = `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250) + 1}`;
const SHIP_TO = { name: "API Shopper", line1: "1 Test Street", line2: null, city: "Springfield", postalCode: "12345", country: "US" };

async function bearer(request: APIRequestContext, email: string, password: string): Promise<string> {
  const res = await checked(request).post("/api/v1/auth/token", { headers: { "x-forwarded-for": clientAddress }, data: { email, password } });
  expect(res.status()).toBe(200);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

async function problem(res: APIResponse, status: number, code: string) {
  expect(res.status()).toBe(status);
  expect(res.headers()["content-type"]).toContain("application/problem+json");
  expect(((await res.json()) as { code: string }).code).toBe(code);
}

test("a shopper's order through the API: cookie writes need the shop's origin, the worker reserves, pay, cancel, and the order page agrees", async ({ page, request, baseURL }) => {
  const email = await registerShopper(page, "API Shopper");
  const { slug } = await openInStockProduct(page, 0);
  await addToCart(page, slug, 1);
  const origin = new URL(baseURL!).origin;
  const key = randomUUID();

  // The browser's session cookie works, but a write without the shop's Origin is refused.
  await problem(await checked(page.request).post("/api/v1/orders", { headers: { "idempotency-key": key }, data: { shipTo: SHIP_TO } }), 403, "forbidden");
  await problem(await checked(page.request).post("/api/v1/orders", { headers: { "idempotency-key": key, origin: "https://evil.example" }, data: { shipTo: SHIP_TO } }), 403, "forbidden");

  const placed = await checked(page.request).post("/api/v1/orders", { headers: { "idempotency-key": key, origin }, data: { shipTo: SHIP_TO } });
  expect(placed.status()).toBe(201);
  const order = (await placed.json()) as { id: string; status: string; total: { amountMinor: number; currency: string } };
  expect(order.status).toBe("pending");
  const replay = await checked(page.request).post("/api/v1/orders", { headers: { "idempotency-key": key, origin }, data: { shipTo: SHIP_TO } });
  expect(replay.status()).toBe(201);
  expect(replay.headers()["idempotent-replayed"]).toBe("true");
  expect(((await replay.json()) as { id: string }).id).toBe(order.id);

  // A bearer token for the same shopper, from a client without cookies.
  const token = await bearer(request, email, "a-long-password");
  const auth = { authorization: `Bearer ${token}` };
  await expect
    .poll(async () => ((await (await checked(request).get(`/api/v1/orders/${order.id}`, { headers: auth })).json()) as { status: string }).status, { timeout: 30_000 })
    .toBe("stock_reserved");
  const list = (await (await checked(request).get("/api/v1/orders?limit=5", { headers: auth })).json()) as { items: { id: string }[]; next: string | null };
  expect(list.items.map((o) => o.id)).toEqual([order.id]);
  expect(list.next).toBeNull();

  // Another account (here the admin) does not see it through the shopper's routes.
  const adminToken = await bearer(request, ADMIN.email, ADMIN.password);
  await problem(await checked(request).get(`/api/v1/orders/${order.id}`, { headers: { authorization: `Bearer ${adminToken}` } }), 404, "not_found");

  const declined = await checked(request).post(`/api/v1/orders/${order.id}/pay`, { headers: { ...auth, "idempotency-key": randomUUID() }, data: { cardNumber: "4000 0000 0000 0002" } });
  await problem(declined, 402, "payment_declined");
  const paid = await checked(request).post(`/api/v1/orders/${order.id}/pay`, { headers: { ...auth, "idempotency-key": randomUUID() }, data: { cardNumber: "4242 4242 4242 4242" } });
  expect(paid.status()).toBe(200);
  expect(((await paid.json()) as { status: string }).status).toBe("paid");

  const cancelled = await checked(request).post(`/api/v1/orders/${order.id}/cancel`, { headers: auth });
  expect(cancelled.status()).toBe(200);
  expect(await cancelled.json()).toMatchObject({ status: "cancelled", cancellationReason: "customer_request", refundDue: true });

  await page.goto(`/orders/${order.id}`);
  await expect(page.getByTestId("order-status")).toContainText("Cancelled by you");
  await problem(await checked(request).get(`/api/v1/orders/${order.id}`), 401, "unauthenticated");
});
