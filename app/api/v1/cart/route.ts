import { getServices } from "@/lib/composition/root";
import { userCartOwner } from "@/lib/domain/cart";
import { getCart } from "../_contract/cart";
import { handle, otherMethods } from "../_lib/handle";
import { cartJson } from "./cart-json";

export const dynamic = "force-dynamic";

export const GET = handle(getCart, async ({ user, signal }) => ({
  status: 200,
  body: cartJson(await getServices().cart.getCart(userCartOwner(user.id), signal)),
}));

export const { POST, PUT, PATCH, DELETE } = otherMethods({ GET });
