import { getServices } from "@/lib/composition/root";
import { userCartOwner } from "@/lib/domain/cart";
import { addCartItem } from "../../_contract/cart";
import { handle, otherMethods } from "../../_lib/handle";
import { cartJson, withCartPaths } from "../cart-json";

export const dynamic = "force-dynamic";

export const POST = handle(addCartItem, async ({ user, body, signal }) => {
  const view = await withCartPaths({ productId: "body.productId", variantId: "body.variantId", quantity: "body.quantity" }, "body", () =>
    getServices().cart.addItem(userCartOwner(user.id), { productId: body.productId, variantId: body.variantId, quantity: body.quantity }, signal),
  );
  return { status: 201, body: cartJson(view) };
});

export const { GET, PUT, PATCH, DELETE } = otherMethods({ POST });
