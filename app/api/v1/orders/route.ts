import { getServices } from "@/lib/composition/root";
import { listOrdersEndpoint, placeOrderEndpoint } from "../_contract/orders";
import { withRequestPaths } from "../_lib/field-paths";
import { handle, otherMethods } from "../_lib/handle";
import { derivedKey, orderJson } from "./order-json";

export const dynamic = "force-dynamic";

/** The use case names the fields it checks by its own names; the API names them by where they are in the request. */
const FIELD_PATHS: Record<string, string> = { total: "body.expectedTotalMinor" };

export const POST = handle(placeOrderEndpoint, async ({ body, user, request, signal }) => {
  // handle() has already refused a request without one.
  const key = request.headers.get("idempotency-key")!;
  const { order, created } = await withRequestPaths(FIELD_PATHS, (field) => field, () =>
    getServices().orders.placeOrder(
      {
        userId: user.id,
        email: user.email,
        checkoutKey: derivedKey("checkout", user.id, key),
        shipTo: body.shipTo,
        expectedTotalMinor: body.expectedTotalMinor,
      },
      signal,
    ),
  );
  return { status: created ? 201 : 200, body: orderJson(order) };
});

export const GET = handle(listOrdersEndpoint, async ({ query, user, signal }) => {
  const page = await getServices().orders.pageForUser(user.id, { limit: query.limit, cursor: query.cursor }, signal);
  return { status: 200, body: { items: page.items.map(orderJson), next: page.next } };
});

export const { PUT, PATCH, DELETE } = otherMethods({ POST, GET });
