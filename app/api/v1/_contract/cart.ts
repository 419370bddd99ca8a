import { z } from "zod";
import { MAX_LINE_QUANTITY } from "@/lib/domain/cart";
import { defineEndpoint, MoneySchema, ProblemSchema, type Endpoint } from "../_lib/endpoint";

const CartLineSchema = z
  .object({
    itemId: z.uuid().describe("The line's id, for PATCH and DELETE /cart/items/{itemId}"),
    productId: z.uuid(),
    variantId: z.uuid().describe("The variant the line holds: the unit of stock (one line per variant)"),
    sku: z.string().describe("The variant's SKU"),
    slug: z.string(),
    name: z.string().describe("The product's name"),
    variantTitle: z.string().describe('The variant\'s option values, e.g. "Size: M / Wood: Oak"; empty for a product without options'),
    unitPrice: MoneySchema.describe("The variant's price"),
    quantity: z.number().int().min(1),
    lineTotal: MoneySchema.describe("unitPrice × quantity"),
    stock: z.number().int().min(0).describe("Units of the variant in stock now"),
    available: z.boolean().describe("false when the variant or its product is no longer sold: checkout refuses the cart until the line is removed"),
  })
  .meta({ id: "CartLine" });

export const CartSchema = z
  .object({
    lines: z.array(CartLineSchema).describe("Oldest first"),
    itemCount: z.number().int().min(0).describe("Units in the cart"),
    subtotal: MoneySchema,
    shipping: MoneySchema.describe("What checkout would charge for shipping now (free from a subtotal on); zero for an empty cart"),
    total: MoneySchema.describe("subtotal + shipping"),
  })
  .meta({ id: "Cart" });

const quantity = z.number().int().min(1).max(MAX_LINE_QUANTITY);
const itemParams = z.object({ itemId: z.uuid().describe("A line's itemId") });

const stockProblem = {
  description: "insufficient_stock: the line would hold more than the stock left (errors name body.quantity)",
  schema: ProblemSchema,
};

export const getCart = defineEndpoint({
  method: "GET",
  path: "/cart",
  operationId: "getCart",
  summary: "The caller's cart, priced now.",
  tag: "cart",
  access: "user",
  responses: { 200: { description: "The cart (an empty one when the caller has none)", schema: CartSchema } },
});

export const addCartItem = defineEndpoint({
  method: "POST",
  path: "/cart/items",
  operationId: "addCartItem",
  summary: "Add units of a product's variant to the cart.",
  description:
    "Adds `quantity` to the variant's line, creating it when the variant is not in the cart yet. `variantId` picks one of the product's " +
    "variants; without it, a product sold in one variant takes that one, and a product with several is refused with 422 naming body.variantId. " +
    "Adding the same variant twice (two tabs) adds up on one line. The line may hold at most the stock " +
    `left and at most ${MAX_LINE_QUANTITY}: above the stock the request is refused with 409 insufficient_stock (nothing is added), above ` +
    `${MAX_LINE_QUANTITY} with 422. An Idempotency-Key is required, so a retried request never adds twice.`,
  tag: "cart",
  access: "user",
  idempotent: true,
  body: z
    .object({
      productId: z.uuid(),
      variantId: z.uuid().optional().describe("One of the product's variants; may be left out for a product sold in one variant"),
      quantity: quantity.describe(`Units to add (1–${MAX_LINE_QUANTITY})`),
    })
    .meta({ id: "CartItemCreate" }),
  responses: {
    201: { description: "Added; the whole cart", schema: CartSchema },
    404: { description: "No such product, or no such variant of it (errors name body.productId or body.variantId)", schema: ProblemSchema },
    409: stockProblem,
  },
});

export const updateCartItem = defineEndpoint({
  method: "PATCH",
  path: "/cart/items/{itemId}",
  operationId: "updateCartItem",
  summary: "Set the quantity of a cart line.",
  description: `Sets the line to \`quantity\` (1–${MAX_LINE_QUANTITY}, at most the stock left); remove a line with DELETE. A product that is no longer sold cannot be changed (422).`,
  tag: "cart",
  access: "user",
  params: itemParams,
  body: z.object({ quantity: quantity.describe(`The line's new quantity (1–${MAX_LINE_QUANTITY})`) }).meta({ id: "CartItemUpdate" }),
  responses: {
    200: { description: "Updated; the whole cart", schema: CartSchema },
    404: { description: "No such line in the caller's cart", schema: ProblemSchema },
    409: stockProblem,
  },
});

export const removeCartItem = defineEndpoint({
  method: "DELETE",
  path: "/cart/items/{itemId}",
  operationId: "removeCartItem",
  summary: "Remove a line from the cart.",
  tag: "cart",
  access: "user",
  params: itemParams,
  responses: {
    200: { description: "Removed; the whole cart", schema: CartSchema },
    404: { description: "No such line in the caller's cart (also when it was already removed)", schema: ProblemSchema },
  },
});

/** The cart endpoints of /api/v1 (see ../_lib/endpoint.ts). */
export const CART_ENDPOINTS: readonly Endpoint[] = [getCart, addCartItem, updateCartItem, removeCartItem];
