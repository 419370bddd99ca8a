import { AppError } from "../../domain/errors";
import { MAX_LINE_QUANTITY, summarize, type Cart, type CartOwner, type CartSummary } from "../../domain/cart";
import type { Product } from "../../domain/catalog";
import type { UnitOfWork } from "../shared";

export interface CartRepos {
  carts: {
    /** The owner's cart, created if missing, row-locked until the transaction ends. */
    lockFor(owner: CartOwner, signal?: AbortSignal): Promise<{ cartId: string }>;
    /** `archivedProductIds`: lines whose product is no longer sold (checkout refuses them). */
    loadFor(owner: CartOwner, signal?: AbortSignal): Promise<Cart & { archivedProductIds?: readonly string[] }>;
    countItems(owner: CartOwner, signal?: AbortSignal): Promise<number>;
    setQuantity(cartId: string, productId: string, quantity: number, signal?: AbortSignal): Promise<void>;
    /** Finds a line by id only inside the given cart (another shopper's line is "not found"). */
    findLine(cartId: string, itemId: string, signal?: AbortSignal): Promise<{ productId: string; quantity: number } | null>;
    removeLine(cartId: string, itemId: string, signal?: AbortSignal): Promise<void>;
  };
  products: {
    /** `archived`: no longer sold (hidden from the shop); such a product cannot be added. */
    findById(productId: string, signal?: AbortSignal): Promise<(Product & { archived?: boolean }) | null>;
  };
}

export interface CartView {
  cart: Cart & { archivedProductIds?: readonly string[] };
  summary: CartSummary;
}

const EMPTY: CartView = { cart: { id: null, lines: [] }, summary: summarize({ id: null, lines: [] }) };

/** The shopper-facing refusal for a product the back office archived. */
export function noLongerSold(product: Pick<Product, "name">, path = "productId"): AppError {
  return new AppError("validation", `${product.name} is no longer sold.`, { fields: [{ path, message: "No longer sold" }] });
}

function checkQuantity(product: Product & { archived?: boolean }, quantity: number): void {
  if (product.archived) throw noLongerSold(product);
  if (quantity > MAX_LINE_QUANTITY) {
    throw new AppError("validation", `At most ${MAX_LINE_QUANTITY} of one product per order`, {
      fields: [{ path: "quantity", message: `At most ${MAX_LINE_QUANTITY}` }],
    });
  }
  if (quantity > product.stock) {
    throw new AppError(
      "insufficient_stock",
      product.stock === 0 ? `${product.name} is sold out` : `Only ${product.stock} of ${product.name} left`,
      { fields: [{ path: "quantity", message: product.stock === 0 ? "Sold out" : `Only ${product.stock} left` }] },
    );
  }
}

/** A signed-in user's or a guest's cart: the same rules for both. */
export function makeCart(deps: { uow: UnitOfWork<CartRepos> }) {
  const view = async (repos: CartRepos, owner: CartOwner, signal?: AbortSignal): Promise<CartView> => {
    const cart = await repos.carts.loadFor(owner, signal);
    return { cart, summary: summarize(cart) };
  };

  return {
    /** A shopper with no cart yet (a guest who never added anything) has an empty one. */
    getCart(owner: CartOwner | null, signal?: AbortSignal): Promise<CartView> {
      if (!owner) return Promise.resolve(EMPTY);
      return deps.uow.run((repos) => view(repos, owner, signal), signal);
    },

    /** Units in the cart, for the header: one aggregate query, no product rows. */
    itemCount(owner: CartOwner | null, signal?: AbortSignal): Promise<number> {
      if (!owner) return Promise.resolve(0);
      return deps.uow.run((repos) => repos.carts.countItems(owner, signal), signal);
    },

    addItem(owner: CartOwner, input: { productId: string; quantity: number }, signal?: AbortSignal): Promise<CartView> {
      return deps.uow.run(async (repos) => {
        const product = await repos.products.findById(input.productId, signal);
        if (!product) {
          throw new AppError("not_found", "No such product", { fields: [{ path: "productId", message: "No such product" }] });
        }
        // The lock serialises concurrent adds to one cart, so two quick clicks add up.
        const { cartId } = await repos.carts.lockFor(owner, signal);
        const current = (await repos.carts.loadFor(owner, signal)).lines.find((l) => l.product.id === product.id);
        const quantity = (current?.quantity ?? 0) + input.quantity;
        checkQuantity(product, quantity);
        await repos.carts.setQuantity(cartId, product.id, quantity, signal);
        return view(repos, owner, signal);
      }, signal);
    },

    updateItem(owner: CartOwner, input: { itemId: string; quantity: number }, signal?: AbortSignal): Promise<CartView> {
      return deps.uow.run(async (repos) => {
        const { cartId } = await repos.carts.lockFor(owner, signal);
        const line = await repos.carts.findLine(cartId, input.itemId, signal);
        if (!line) throw new AppError("not_found", "That item is not in your cart");
        const product = await repos.products.findById(line.productId, signal);
        if (!product) throw new AppError("not_found", "No such product");
        checkQuantity(product, input.quantity);
        await repos.carts.setQuantity(cartId, product.id, input.quantity, signal);
        return view(repos, owner, signal);
      }, signal);
    },

    removeItem(owner: CartOwner, itemId: string, signal?: AbortSignal): Promise<CartView> {
      return deps.uow.run(async (repos) => {
        const { cartId } = await repos.carts.lockFor(owner, signal);
        const line = await repos.carts.findLine(cartId, itemId, signal);
        if (!line) throw new AppError("not_found", "That item is not in your cart");
        await repos.carts.removeLine(cartId, itemId, signal);
        return view(repos, owner, signal);
      }, signal);
    },
  };
}
