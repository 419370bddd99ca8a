import { getServices } from "@/lib/composition/root";
import { userCartOwner } from "@/lib/domain/cart";
import { removeCartItem, updateCartItem } from "../../../_contract/cart";
import { handle, otherMethods } from "../../../_lib/handle";
import { cartJson, withCartPaths } from "../../cart-json";

export const dynamic = "force-dynamic";

// A line of another user's cart is looked for only inside the caller's cart: 404, as an unknown id.
export const PATCH = handle(updateCartItem, async ({ user, params, body, signal }) => {
  const view = await withCartPaths({ quantity: "body.quantity" }, "params.itemId", () =>
    getServices().cart.updateItem(userCartOwner(user.id), { itemId: params.itemId, quantity: body.quantity }, signal),
  );
  return { status: 200, body: cartJson(view) };
});

export const DELETE = handle(removeCartItem, async ({ user, params, signal }) => ({
  status: 200,
  body: cartJson(await getServices().cart.removeItem(userCartOwner(user.id), params.itemId, signal)),
}));

export const { GET, POST, PUT } = otherMethods({ PATCH, DELETE });
