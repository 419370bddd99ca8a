import { AppError } from "../../domain/errors";
import { MAX_LINE_QUANTITY, summarize, type Cart, type CartOwner, type CartSummary } from "../../domain/cart";
import { offerName, type Product, type VariantOffer } from "../../domain/catalog";
import type { UnitOfWork } from "../shared";

export interface CartRepos {
  carts: {
    /** The owner's cart, created if missing, row-locked until the transaction ends. */
    lockFor(owner: CartOwner, signal?: AbortSignal): Promise<{ cartId: string }>;
    /** `archivedVariantIds`: lines whose variant (or its product) is no longer sold (checkout refuses them). */
    loadFor(owner: CartOwner, signal?: AbortSignal): Promise<Cart & { archivedVariantIds?: readonly string[] }>;
    countItems(owner: CartOwner, signal?: AbortSignal): Promise<number>;
    /** Sets the variant's one line in the cart, creating it if missing. */
    setQuantity(cartId: string, line: { productId: string; variantId: string }, quantity: number, signal?: AbortSignal): Promise<void>;
    /** Finds a line by id only inside the given cart (another shopper's line is "not found"). */
    findLine(cartId: string, itemId: string, signal?: AbortSignal): Promise<{ productId: string; variantId: string; quantity: number } | null>;
    removeLine(cartId: string, itemId: string, signal?: AbortSignal): Promise<void>;
  };
  products: {
    /**
     * The variant to add: `variantId` when given (null unless it is one of
     * the product's), else the product's only live variant; "choose" when the
     * product has several. `archived`: the variant or its product is no longer
     * sold; such a variant cannot be added.
     */
    findOffer(productId: string, variantId: string | undefined, signal?: AbortSignal): Promise<(VariantOffer & { archived?: boolean }) | "choose" | null>;
  };
}

export interface CartView {
  cart: Cart & { archivedVariantIds?: readonly string[] };
  summary: CartSummary;
}

const EMPTY: CartView = { cart: { id: null, lines: [] }, summary: summarize({ id: null, lines: [] }) };

/** The shopper-facing refusal for a product the back office archived. */
export function noLongerSold(product: Pick<Product, "name"> & Partial<Pick<VariantOffer, "variantTitle">>, path = "productId"): AppError {
  return new AppError("validation", `${offerName({ variantTitle: "", ...product })} is no longer sold.`, { fields: [{ path, message: "No longer sold" }] });
}

function checkQuantity(product: VariantOffer & { archived?: boolean }, quantity: number): void {
  if (product.archived) throw noLongerSold(product);
  if (quantity > MAX_LINE_QUANTITY) {
    throw new AppError("validation", `At most ${MAX_LINE_QUANTITY} of one item per order`, {
      fields: [{ path: "quantity", message: `At most ${MAX_LINE_QUANTITY}` }],
    });
  }
  if (quantity > product.stock) {
    throw new AppError(
      "insufficient_stock",
      product.stock === 0 ? `${offerName(product)} is sold out` : `Only ${product.stock} of ${offerName(product)} left`,
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

    /**
     * Adds to the variant's line: `variantId` picks one of the product's
     * variants; without it, a product sold in one variant takes that one.
     */
    addItem(owner: CartOwner, input: { productId: string; variantId?: string; quantity: number }, signal?: AbortSignal): Promise<CartView> {
      return deps.uow.run(async (repos) => {
        const product = await repos.products.findOffer(input.productId, input.variantId, signal);
        if (product === "choose") {
          throw new AppError("validation", "Choose an option first", { fields: [{ path: "variantId", message: "Choose an option" }] });
        }
        if (!product) {
          const path = input.variantId === undefined ? "productId" : "variantId";
          throw new AppError("not_found", "No such product", { fields: [{ path, message: "No such product" }] });
        }
        // The lock serialises concurrent adds to one cart (two tabs, two quick
        // clicks): they add up on the variant's one line, capped at its stock.
        const { cartId } = await repos.carts.lockFor(owner, signal);
        const current = (await repos.carts.loadFor(owner, signal)).lines.find((l) => l.product.variantId === product.variantId);
        const quantity = (current?.quantity ?? 0) + input.quantity;
        checkQuantity(product, quantity);
        await repos.carts.setQuantity(cartId, { productId: product.id, variantId: product.variantId }, quantity, signal);
        return view(repos, owner, signal);
      }, signal);
    },

    updateItem(owner: CartOwner, input: { itemId: string; quantity: number }, signal?: AbortSignal): Promise<CartView> {
      return deps.uow.run(async (repos) => {
        const { cartId } = await repos.carts.lockFor(owner, signal);
        const line = await repos.carts.findLine(cartId, input.itemId, signal);
        if (!line) throw new AppError("not_found", "That item is not in your cart");
        const product = await repos.products.findOffer(line.productId, line.variantId, signal);
        if (!product || product === "choose") throw new AppError("not_found", "No such product");
        checkQuantity(product, input.quantity);
        await repos.carts.setQuantity(cartId, { productId: product.id, variantId: product.variantId }, input.quantity, signal);
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
