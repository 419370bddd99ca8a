import { isAppError, AppError } from "@/lib/domain/errors";
import { getServices } from "@/lib/composition/root";
import { listOrdersEndpoint, placeOrderEndpoint } from "../_contract/orders";
import { handle } from "../_lib/handle";
import { derivedKey, orderJson } from "./order-json";

export const dynamic = "force-dynamic";

/** The use case names the fields it checks by its own names; the API names them by where they are in the request. */
const FIELD_PATHS: Record<string, string> = { total: "body.expectedTotalMinor" };

export const POST = handle(placeOrderEndpoint, async ({ body, user, request, signal }) => {
  // handle() has already refused a request without one.
  const key = request.headers.get("idempotency-key")!;
  try {
    const { order, created } = await getServices().placeOrder(
      {
        userId: user.id,
        email: user.email,
        checkoutKey: derivedKey("checkout", user.id, key),
        shipTo: body.shipTo,
        expectedTotalMinor: body.expectedTotalMinor,
      },
      signal,
    );
    return { status: created ? 201 : 200, body: orderJson(order) };
  } catch (error) {
    if (isAppError(error, "validation") && error.fields.some((f) => f.path in FIELD_PATHS)) {
      throw new AppError("validation", error.message, { cause: error, fields: error.fields.map((f) => ({ ...f, path: FIELD_PATHS[f.path] ?? f.path })) });
    }
    throw error;
  }
});

export const GET = handle(listOrdersEndpoint, async ({ query, user, signal }) => {
  const page = await getServices().orders.pageForUser(user.id, { limit: query.limit, cursor: query.cursor }, signal);
  return { status: 200, body: { items: page.items.map(orderJson), next: page.next } };
});
