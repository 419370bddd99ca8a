/**
 * In-memory fakes of the application's ports, for unit tests of the use cases.
 * One store; a unit of work runs transactions one at a time (like locking every
 * row) and restores a snapshot when the work throws (like a rollback).
 */
import { AppError } from "@/lib/domain/errors";
import type { DomainEvent } from "@/lib/domain/events";
import { variantTitle, type Category, type CategorySummary, type Product, type ProductDetails, type VariantOffer } from "@/lib/domain/catalog";
import type { Cart, CartOwner } from "@/lib/domain/cart";
import type { Order, StatusUpdate } from "@/lib/domain/order";
import type { PaymentAnswers, PaymentAttempt } from "@/lib/application/payments/pay-order";
import type { NewRefund } from "@/lib/application/payments/refunds";
import { isRefundDue, NO_PAYMENT, type OrderPayment, type RefundEntry } from "@/lib/domain/payment";
import type { User } from "@/lib/domain/user";
import type { NewUser, PasswordHasher } from "@/lib/application/auth/ports";
import type { AttemptCounter } from "@/lib/application/auth/authenticate";
import type { NewOrder } from "@/lib/application/orders/place-order";
import type { ReservationResult, StockChange, StockLine } from "@/lib/application/inventory/reserve-stock";
import type { Clock, IdGenerator, UnitOfWork } from "@/lib/application/shared";
import type {
  CatalogLexicon,
  CategoryDirectory,
  ProductBrowser,
  ProductCatalog,
  ProductCriteria,
  ProductPosition,
  WordCorrection,
} from "@/lib/application/catalog/catalog";

/** A cart row: exactly one of userId and guestTokenHash is set, as the database's CHECK demands. */
interface StoredCart {
  id: string;
  userId: string | null;
  guestTokenHash: string | null;
  /** One line per variant, as the database's UNIQUE (cart_id, variant_id) demands. */
  items: { id: string; productId: string; variantId: string; quantity: number }[];
}

/**
 * A product as the store keeps it. Its stock is not here: the variant is the
 * unit of stock (ADR 016), so stock, SKU and price override live in
 * StoredVariant. `archived`: no longer sold, with every variant.
 */
export type StoredProduct = Omit<Product, "stock"> & { archived?: boolean };

/** One variant of a product: its own SKU, stock and option values; its price is its override or the product's. */
export interface StoredVariant {
  id: string;
  productId: string;
  sku: string;
  priceOverrideMinor: number | null;
  stock: number;
  options: { option: string; value: string }[];
  archived: boolean;
}

/** What addProduct and addVariant take for a variant. */
export interface VariantInit {
  sku?: string;
  priceOverrideMinor?: number | null;
  stock?: number;
  options?: { option: string; value: string }[];
  archived?: boolean;
}

/**
 * The id addProduct gives a product's default variant unless told one:
 * deliberately not the product's own id (which the migration gave existing
 * products' variants), so a fake keyed by variant catches a product id used
 * where a variant id is meant. The UUID's variant nibble becomes "a".
 */
export function defaultVariantId(productId: string): string {
  if (productId.length < 20) return `${productId}-variant`;
  return `${productId.slice(0, 19)}${productId[19] === "a" ? "b" : "a"}${productId.slice(20)}`;
}

interface State {
  users: Map<string, NewUser>;
  products: Map<string, StoredProduct>;
  variants: Map<string, StoredVariant>;
  carts: Map<string, StoredCart>;
  orders: Map<string, Order & { checkoutKey: string }>;
  outbox: DomainEvent[];
  processed: Set<string>;
  payments: (PaymentAttempt & { voidDueAt: Date | null })[];
  refunds: (NewRefund & { state: "pending" | "succeeded"; reference: string | null })[];
}

export function sequentialIds(prefix = "00000000-0000-4000-8000-"): IdGenerator {
  let n = 0;
  return { uuid: () => `${prefix}${String(++n).padStart(12, "0")}` };
}

export const fixedClock = (iso = "2026-01-01T00:00:00.000Z"): Clock => ({ now: () => new Date(iso) });

export const plainHasher: PasswordHasher = {
  hash: async (p) => `hashed:${p}`,
  verify: async (h, p) => h === `hashed:${p}`,
};

export class InMemoryStore {
  state: State = { users: new Map(), products: new Map(), variants: new Map(), carts: new Map(), orders: new Map(), outbox: [], processed: new Set(), payments: [], refunds: [] };
  private queue: Promise<unknown> = Promise.resolve();
  private ids = sequentialIds("10000000-0000-4000-8000-");

  /**
   * A product with one variant (its default one, with the product's SKU, no
   * options unless given, and `stock`), whose id is `variantId` or
   * defaultVariantId(id). Returns that variant as the cart sees it.
   */
  addProduct(p: Partial<StoredProduct> & { id: string; variantId?: string } & Omit<VariantInit, "sku">): VariantOffer {
    const { variantId = defaultVariantId(p.id), stock = 10, priceOverrideMinor = null, options = [], ...rest } = p;
    const product: StoredProduct = {
      sku: `SKU-${p.id.slice(-4)}`,
      slug: `product-${p.id.slice(-4)}`,
      name: `Product ${p.id.slice(-4)}`,
      description: "",
      price: { amountMinor: 1000, currency: "USD" },
      imageUrl: null,
      ...rest,
    };
    this.state.products.set(product.id, product);
    return this.addVariant(product.id, { id: variantId, sku: product.sku, stock, priceOverrideMinor, options });
  }

  /** Another variant of a product addProduct added; its SKU defaults to the product's with a suffix. */
  addVariant(productId: string, v: VariantInit & { id: string }): VariantOffer {
    const product = this.state.products.get(productId);
    if (!product) throw new Error(`no product ${productId}`);
    if (this.state.variants.has(v.id)) throw new Error(`variant ${v.id} exists`);
    const variant: StoredVariant = {
      productId,
      sku: `${product.sku}-${v.id.slice(-4)}`,
      priceOverrideMinor: null,
      stock: 10,
      options: [],
      archived: false,
      ...v,
    };
    this.state.variants.set(variant.id, variant);
    return this.offer(variant.id)!;
  }

  /** A variant as the cart sees it (see CartRepos.findOffer), with `archived` when it or its product is no longer sold. */
  offer(variantId: string): (VariantOffer & { archived?: boolean }) | null {
    const v = this.state.variants.get(variantId);
    const product = v && this.state.products.get(v.productId);
    if (!v || !product) return null;
    const { archived: productArchived, ...p } = product;
    const offer: VariantOffer = {
      ...p,
      variantId: v.id,
      sku: v.sku,
      variantTitle: variantTitle(v.options),
      price: { amountMinor: v.priceOverrideMinor ?? p.price.amountMinor, currency: p.price.currency },
      stock: v.stock,
    };
    return v.archived || productArchived ? { ...offer, archived: true } : offer;
  }

  /** The product's variants, in the order they were added. */
  variantsOf(productId: string): StoredVariant[] {
    return [...this.state.variants.values()].filter((v) => v.productId === productId);
  }

  /**
   * A variant's row, as the composite foreign keys (variant_id, product_id)
   * of cart, order and ledger rows demand: it exists and is the product's.
   */
  private variantOfProduct(variantId: string, productId: string): StoredVariant {
    const v = this.state.variants.get(variantId);
    if (!v || v.productId !== productId) throw new Error(`foreign key violation: variant ${variantId} of product ${productId}`);
    return v;
  }

  private snapshot(): State {
    return structuredClone(this.state);
  }

  /** The order's money, derived from the payment and refund rows as the Prisma mapper does. */
  private withPayment<O extends Order>(order: O | undefined): O | null {
    if (!order) return null;
    const attempts = this.state.payments.filter((a) => a.orderId === order.id);
    const refunds = this.state.refunds.filter((r) => r.orderId === order.id);
    const applied = attempts.find((a) => a.state === "charged" && a.appliedAt);
    const sum = (rows: { amountMinor: number }[]) => rows.reduce((n, r) => n + r.amountMinor, 0);
    const payment: OrderPayment = {
      ...NO_PAYMENT,
      chargedMinor: applied?.amountMinor ?? 0,
      cardLast4: applied?.cardLast4 ?? null,
      refundedMinor: sum(refunds.filter((r) => r.state === "succeeded")),
      refundingMinor: sum(refunds.filter((r) => r.state === "pending")),
      voidingMinor: sum(attempts.filter((a) => a.state === "void_pending")),
      voidedMinor: sum(attempts.filter((a) => a.state === "voided")),
      refunds: refunds.map((r): RefundEntry => ({ id: r.id, amount: { amountMinor: r.amountMinor, currency: order.total.currency }, state: r.state, reason: r.reason, at: r.at })),
      inFlight: attempts.some((a) => a.state === "pending" || (a.state === "charged" && !a.appliedAt)),
    };
    return { ...order, payment, refundDue: isRefundDue(order.status, payment) };
  }

  /**
   * The processor's answers, each a statement of its own (as the Prisma queue
   * does): serialised with the transactions, like a row lock would, so a
   * rollback never undoes an answer recorded meanwhile.
   */
  answers(): PaymentAnswers {
    const move = (id: string, from: (a: PaymentAttempt) => boolean, patch: Partial<PaymentAttempt & { voidDueAt: Date | null }>) =>
      this.unitOfWork().run(async () => {
        const a = this.state.payments.find((p) => p.id === id);
        if (!a || !from(a)) return false;
        Object.assign(a, patch);
        return true;
      });
    return {
      recordCharged: async (id, reference) => move(id, (a) => a.state === "pending", { state: "charged", reference }),
      recordDeclined: async (id, reason) => move(id, (a) => a.state === "pending", { state: "declined", reason }),
      markVoidPending: async (id, why, _at, dueAt) =>
        move(id, (a) => a.state === "pending" || (a.state === "charged" && !a.appliedAt), { state: "void_pending", reason: why, voidDueAt: dueAt }),
    };
  }

  repos() {
    const s = () => this.state;
    const offer = (variantId: string) => this.offer(variantId);
    const variantOfProduct = (variantId: string, productId: string) => this.variantOfProduct(variantId, productId);
    const withPayment = <O extends Order>(o: O | undefined) => this.withPayment(o);
    const ids = this.ids;
    const findCart = (owner: CartOwner) =>
      [...s().carts.values()].find((c) => (owner.kind === "user" ? c.userId === owner.userId : c.guestTokenHash === owner.tokenHash));
    /** As the Prisma adapter: the lines' variants as offers, and which of them are no longer sold. */
    const toCart = (cart: StoredCart | undefined): Cart & { archivedVariantIds: string[] } => {
      if (!cart) return { id: null, lines: [], archivedVariantIds: [] };
      const lines = cart.items.map((i) => ({ itemId: i.id, quantity: i.quantity, offer: offer(i.variantId)! }));
      return {
        id: cart.id,
        lines: lines.map(({ itemId, quantity, offer: { archived: _archived, ...product } }) => ({ itemId, quantity, product })),
        archivedVariantIds: lines.filter((l) => l.offer.archived).map((l) => l.offer.variantId),
      };
    };
    const lockFor = async (owner: CartOwner) => {
      let cart = findCart(owner);
      if (!cart) {
        cart =
          owner.kind === "user"
            ? { id: ids.uuid(), userId: owner.userId, guestTokenHash: null, items: [] }
            : { id: ids.uuid(), userId: null, guestTokenHash: owner.tokenHash, items: [] };
        s().carts.set(cart.id, cart);
      }
      return { cartId: cart.id };
    };
    return {
      users: {
        async create(user: NewUser): Promise<User> {
          if ([...s().users.values()].some((u) => u.email === user.email)) {
            throw new AppError("conflict", "An account with this email already exists", { fields: [{ path: "email", message: "taken" }] });
          }
          s().users.set(user.id, user);
          return { id: user.id, email: user.email, name: user.name, role: user.role };
        },
        async findByEmail(email: string): Promise<User | null> {
          const u = [...s().users.values()].find((x) => x.email === email);
          return u ? { id: u.id, email: u.email, name: u.name, role: u.role } : null;
        },
        async findCredentials(email: string) {
          const u = [...s().users.values()].find((x) => x.email === email);
          return u ? { user: { id: u.id, email: u.email, name: u.name, role: u.role }, passwordHash: u.passwordHash } : null;
        },
      },
      products: {
        /** As the Prisma adapter: the given variant of the product (archived ones flagged), else its only live one, or "choose". */
        async findOffer(productId: string, variantId: string | undefined) {
          const candidates =
            variantId === undefined
              ? [...s().variants.values()].filter((v) => v.productId === productId && !v.archived)
              : [s().variants.get(variantId)].filter((v) => v?.productId === productId);
          if (candidates.length > 1) return "choose" as const;
          return candidates.length === 0 ? null : offer(candidates[0]!.id);
        },
      },
      carts: {
        lockFor,
        async lockForUser(userId: string) {
          return lockFor({ kind: "user", userId });
        },
        async lockForMerge(userId: string, guestTokenHash: string) {
          const { cartId } = await lockFor({ kind: "user", userId });
          return { userCartId: cartId, guestCartId: findCart({ kind: "guest", tokenHash: guestTokenHash })?.id ?? null };
        },
        async lockAndLoad(userId: string) {
          const cart = toCart(findCart({ kind: "user", userId }));
          return cart.id ? cart : null;
        },
        async loadFor(owner: CartOwner) {
          return toCart(findCart(owner));
        },
        async load(userId: string) {
          return toCart(findCart({ kind: "user", userId }));
        },
        async loadById(cartId: string) {
          return toCart(s().carts.get(cartId));
        },
        async countItems(owner: CartOwner) {
          return findCart(owner)?.items.reduce((n, i) => n + i.quantity, 0) ?? 0;
        },
        async setQuantity(cartId: string, { productId, variantId }: { productId: string; variantId: string }, quantity: number) {
          variantOfProduct(variantId, productId);
          const cart = s().carts.get(cartId)!;
          const line = cart.items.find((i) => i.variantId === variantId);
          if (line) line.quantity = quantity;
          else cart.items.push({ id: ids.uuid(), productId, variantId, quantity });
        },
        async findLine(cartId: string, itemId: string) {
          const line = s().carts.get(cartId)?.items.find((i) => i.id === itemId);
          return line ? { productId: line.productId, variantId: line.variantId, quantity: line.quantity } : null;
        },
        async removeLine(cartId: string, itemId: string) {
          const cart = s().carts.get(cartId)!;
          cart.items = cart.items.filter((i) => i.id !== itemId);
        },
        async removeVariant(cartId: string, variantId: string) {
          const cart = s().carts.get(cartId)!;
          cart.items = cart.items.filter((i) => i.variantId !== variantId);
        },
        async clear(cartId: string) {
          s().carts.get(cartId)!.items = [];
        },
        async delete(cartId: string) {
          s().carts.delete(cartId);
        },
      },
      orders: {
        async findByCheckoutKey(userId: string, key: string) {
          return [...s().orders.values()].find((o) => o.userId === userId && o.checkoutKey === key) ?? null;
        },
        async create(o: NewOrder): Promise<Order> {
          if ([...s().orders.values()].some((x) => x.userId === o.userId && x.checkoutKey === o.checkoutKey)) {
            throw new AppError("conflict", "duplicate checkout");
          }
          // As the database: each line's (variant, product) exists, one line per variant.
          for (const l of o.lines) variantOfProduct(l.variantId, l.productId);
          if (new Set(o.lines.map((l) => l.variantId)).size !== o.lines.length) throw new Error("unique violation: two lines of one variant");
          const order = {
            id: o.id,
            userId: o.userId,
            checkoutKey: o.checkoutKey,
            status: "pending" as const,
            cancellationReason: null,
            reservedUntil: null,
            paidAt: null,
            refundDue: false,
            payment: NO_PAYMENT,
            trackingReference: null,
            timeline: [{ status: "pending" as const, reason: null, at: o.createdAt }],
            subtotal: o.subtotal,
            shipping: o.shipping,
            total: o.total,
            shipTo: o.shipTo,
            lines: o.lines,
            version: 0,
            createdAt: o.createdAt,
            updatedAt: o.createdAt,
          };
          s().orders.set(order.id, order);
          return order;
        },
        async findById(id: string) {
          return withPayment(s().orders.get(id));
        },
        async lockById(id: string) {
          return withPayment(s().orders.get(id));
        },
        async customerEmail() {
          return "u@example.com";
        },
        async listForUser(userId: string) {
          return [...s().orders.values()].filter((o) => o.userId === userId);
        },
        async updateStatus(u: StatusUpdate) {
          const o = s().orders.get(u.orderId);
          if (!o || o.status !== u.from || o.version !== u.expectedVersion) throw new AppError("conflict", "changed concurrently");
          s().orders.set(o.id, {
            ...o,
            status: u.to,
            cancellationReason: u.cancellationReason ?? null,
            reservedUntil: u.reservedUntil === undefined ? o.reservedUntil : u.reservedUntil,
            paidAt: u.paidAt ?? o.paidAt,
            trackingReference: u.trackingReference ?? o.trackingReference,
            timeline: [...o.timeline, { status: u.to, reason: u.cancellationReason ?? u.note ?? null, at: new Date(), actorId: u.actorId ?? null }],
            version: o.version + 1,
          });
        },
        async lockExpiredReservations(now: Date, limit: number) {
          return [...s().orders.values()]
            .filter((o) => o.status === "stock_reserved" && o.reservedUntil !== null && o.reservedUntil <= now)
            .slice(0, limit);
        },
      },
      inventory: {
        /** All lines or none, per variant; the changes in ascending variant id order, as the Prisma adapter writes them. */
        async reserve(_orderId: string, lines: readonly StockLine[]): Promise<ReservationResult> {
          const shortages = lines
            .map((l) => ({ variantId: l.variantId, requested: l.quantity, available: s().variants.get(l.variantId)?.stock ?? 0 }))
            .filter((x) => x.available < x.requested);
          if (shortages.length) return { ok: false, shortages };
          return {
            ok: true,
            changes: byVariantId(lines).map((l): StockChange => {
              const v = s().variants.get(l.variantId)!;
              v.stock -= l.quantity;
              return { productId: v.productId, variantId: v.id, delta: -l.quantity, stock: v.stock };
            }),
          };
        },
        async release(_orderId: string, lines: readonly StockLine[]): Promise<StockChange[]> {
          return byVariantId(lines).flatMap((l) => {
            const v = s().variants.get(l.variantId);
            if (!v) return [];
            v.stock += l.quantity;
            return [{ productId: v.productId, variantId: v.id, delta: l.quantity, stock: v.stock }];
          });
        },
      },
      outbox: {
        async append(e: DomainEvent) {
          s().outbox.push(e);
        },
      },
      payments: {
        async findByRequestKey(orderId: string, key: string) {
          return s().payments.find((a) => a.orderId === orderId && a.requestKey === key) ?? null;
        },
        async findStanding(orderId: string) {
          return s().payments.find((a) => a.orderId === orderId && (a.state === "pending" || a.state === "charged")) ?? null;
        },
        async findApplied(orderId: string) {
          return s().payments.find((a) => a.orderId === orderId && a.state === "charged" && a.appliedAt) ?? null;
        },
        async findById(id: string) {
          return s().payments.find((a) => a.id === id) ?? null;
        },
        async countDeclines(q: { orderId: string; userId: string; since: Date }) {
          const declines = s().payments.filter((a) => a.state === "declined" && a.createdAt > q.since && s().orders.get(a.orderId)?.userId === q.userId);
          const count = (rows: PaymentAttempt[]) => ({ count: rows.length, oldest: rows.length ? new Date(Math.min(...rows.map((r) => r.createdAt.getTime()))) : null });
          return { order: count(declines.filter((a) => a.orderId === q.orderId)), user: count(declines) };
        },
        async insertPending(a: { id: string; orderId: string; requestKey: string; amountMinor: number; cardLast4: string; at: Date }) {
          // The database's partial unique index: one pending or charged attempt per order.
          if (s().payments.some((p) => p.orderId === a.orderId && (p.state === "pending" || p.state === "charged"))) {
            throw new AppError("payment_in_progress", "a payment is in flight");
          }
          s().payments.push({ ...a, state: "pending", reason: null, reference: null, appliedAt: null, createdAt: a.at, voidDueAt: null });
        },
        async markApplied(id: string, at: Date) {
          const a = s().payments.find((p) => p.id === id && p.state === "charged" && !p.appliedAt);
          if (!a) return false;
          Object.assign(a, { appliedAt: at });
          return true;
        },
        async markVoidPending(id: string, why: string, _at: Date, dueAt: Date) {
          const a = s().payments.find((p) => p.id === id && (p.state === "pending" || (p.state === "charged" && !p.appliedAt)));
          if (!a) return false;
          Object.assign(a, { state: "void_pending", reason: why, voidDueAt: dueAt });
          return true;
        },
      },
      refunds: {
        async findByRequestKey(orderId: string, key: string): Promise<RefundEntry | null> {
          const r = s().refunds.find((x) => x.orderId === orderId && x.requestKey === key);
          return r ? { id: r.id, amount: { amountMinor: r.amountMinor, currency: "USD" }, state: r.state, reason: r.reason, at: r.at } : null;
        },
        async insert(refund: NewRefund) {
          s().refunds.push({ ...refund, state: "pending", reference: null });
        },
      },
      processed: {
        async markProcessed(consumer: string, id: string) {
          const key = `${consumer}:${id}`;
          if (s().processed.has(key)) return false;
          s().processed.add(key);
          return true;
        },
        async isProcessed(consumer: string, id: string) {
          return s().processed.has(`${consumer}:${id}`);
        },
      },
    };
  }

  unitOfWork(): UnitOfWork<ReturnType<InMemoryStore["repos"]>> {
    return {
      run: <T>(work: (repos: ReturnType<InMemoryStore["repos"]>) => Promise<T>) => {
        const next = this.queue.then(async () => {
          const before = this.snapshot();
          try {
            return await work(this.repos());
          } catch (error) {
            this.state = before;
            throw error;
          }
        });
        this.queue = next.catch(() => undefined);
        return next;
      },
    };
  }
}

/**
 * A fixed-window attempt counter like the PostgreSQL one: the window starts at
 * a key's first hit and lasts windowMs on the given clock. Every call is
 * synchronous inside, so concurrent hits are counted one at a time (as the
 * database's atomic upsert does).
 */
export class InMemoryAttemptCounter implements AttemptCounter {
  readonly counts = new Map<string, { points: number; expiresAt: number }>();

  constructor(
    private readonly limits: { attempts: number; windowMs: number },
    private readonly clock: Clock,
  ) {}

  async hit(key: string) {
    const now = this.clock.now().getTime();
    const current = this.counts.get(key);
    const entry = current && current.expiresAt > now ? { ...current, points: current.points + 1 } : { points: 1, expiresAt: now + this.limits.windowMs };
    this.counts.set(key, entry);
    return { limited: entry.points > this.limits.attempts, retryAfterMs: entry.expiresAt - now };
  }

  async forgive(key: string) {
    const current = this.counts.get(key);
    if (current) current.points -= 1;
  }

  async reset(key: string) {
    this.counts.delete(key);
  }
}

/**
 * The catalog's ports over plain arrays. Matching imitates PostgreSQL loosely:
 * "words" wants every query word (accents and case ignored, a plural "s"
 * ignored) in the name or description; "similar" accepts a word one edit away
 * or starting with the query word. Good enough to test the use case's logic,
 * not the database's search (tests/integration/catalog*.int.test.ts does that).
 * As a lexicon, its words are the (fake-)stemmed words of all products.
 */
export class InMemoryCatalog implements ProductCatalog, ProductBrowser, CategoryDirectory, CatalogLexicon {
  readonly products: (Product & { createdAt: Date; categoryIds: string[] })[] = [];
  readonly categories: (Category & { position: number })[] = [];
  /** Every criteria passed to search, in order: lets tests see the fallback happen. */
  readonly searches: ProductCriteria[] = [];
  /** Every keyset page asked for, in order. */
  readonly afters: { criteria: ProductCriteria; after: ProductPosition | null; limit: number }[] = [];
  /** Every lexicon lookup, in order. */
  readonly lookups: { word: string; candidates: readonly string[] }[][] = [];

  async findCorrections(typed: readonly string[], candidatesOf: (word: string) => readonly string[]): Promise<WordCorrection[]> {
    const asked = typed.map((word) => ({ word, candidates: candidatesOf(word) }));
    this.lookups.push(asked);
    const lexicon = new Map<string, number>();
    for (const p of this.products) for (const s of new Set(words(`${p.name} ${p.description}`).map(stem))) lexicon.set(s, (lexicon.get(s) ?? 0) + 1);
    const out: WordCorrection[] = [];
    for (const { word, candidates } of asked) {
      const own = stem(word);
      if (lexicon.has(own)) continue;
      const found = candidates
        .filter((c) => stem(c) !== own && lexicon.has(stem(c)))
        .sort((a, b) => lexicon.get(stem(b))! - lexicon.get(stem(a))! || (stem(a) < stem(b) ? -1 : stem(a) > stem(b) ? 1 : a < b ? -1 : 1));
      if (found.length === 0) continue;
      const alternatives = [...new Set(found.map(stem))].slice(0, 4);
      out.push({ word, lexeme: own, alternatives, suggestion: found.find((c) => stem(c) === alternatives[0])! });
    }
    return out;
  }

  /** Keyset pages over search's own order (offset pages): enough to test the use case's rules. */
  async searchAfter(criteria: ProductCriteria, after: ProductPosition | null, limit: number) {
    this.afters.push({ criteria, after, limit });
    const all = (await this.search(criteria, { offset: 0, limit: 1000 })).items;
    const start = after ? all.findIndex((p) => p.id === after.id) + 1 : 0;
    return all.slice(start, start + limit).map((product: Product) => ({ product, position: { sort: "name" as const, id: product.id, name: product.name } }));
  }

  async findDetailsById(id: string) {
    const p = this.products.find((x) => x.id === id);
    return p ? this.findDetailsBySlug(p.slug) : null;
  }

  addCategory(c: Partial<Category> & { slug: string; position?: number }): Category {
    const category = { id: `c0000000-0000-4000-8000-${String(this.categories.length + 1).padStart(12, "0")}`, name: c.slug, description: "", position: 0, ...c };
    this.categories.push(category);
    return category;
  }

  addProduct(p: Partial<Product> & { name: string; categories?: string[]; createdAt?: Date }): Product {
    const n = this.products.length + 1;
    const { categories = [], createdAt = new Date(Date.UTC(2026, 0, 1, n)), ...rest } = p;
    const product: Product = {
      id: `p0000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
      sku: `SKU-${n}`,
      slug: p.name.toLowerCase().replace(/[^a-z0-9]+/g, "-"),
      description: "",
      price: { amountMinor: 1000, currency: "USD" },
      stock: 10,
      imageUrl: null,
      ...rest,
    };
    const categoryIds = categories.map((slug) => this.categories.find((c) => c.slug === slug)!.id);
    this.products.push({ ...product, createdAt, categoryIds });
    return product;
  }

  async search(criteria: ProductCriteria, window: { offset: number; limit: number }) {
    this.searches.push(criteria);
    const query = criteria.text === undefined ? [] : words(criteria.text);
    const scored = this.products
      .filter((p) => criteria.categoryId === undefined || p.categoryIds.includes(criteria.categoryId))
      .filter((p) => criteria.minPriceMinor === undefined || p.price.amountMinor >= criteria.minPriceMinor)
      .filter((p) => criteria.maxPriceMinor === undefined || p.price.amountMinor <= criteria.maxPriceMinor)
      .filter((p) => !criteria.inStockOnly || p.stock > 0)
      .map((p) => {
        const name = words(p.name);
        const all = [...name, ...words(p.description)];
        const exact = (q: string, w: string) => stem(q) === stem(w);
        const corrected = (q: string, w: string) => criteria.corrections?.find((c) => c.lexeme === stem(q))?.alternatives.includes(stem(w)) ?? false;
        const hit = (q: string, w: string) =>
          criteria.match === "words" ? exact(q, w) || corrected(q, w) : w.startsWith(q) || editDistance(q, w) <= 1;
        const matches = query.every((q) => all.some((w) => hit(q, w)));
        // As the database: with corrections, products with the words as typed rank first.
        const typed = criteria.corrections?.length && query.every((q) => all.some((w) => exact(q, w))) ? 100 : 0;
        const relevance = typed + query.filter((q) => name.some((w) => hit(q, w))).length;
        return { p, matches, relevance };
      })
      .filter((x) => query.length === 0 || x.matches);
    const byName = (a: Product, b: Product) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1);
    const order = {
      relevance: (a: (typeof scored)[number], b: (typeof scored)[number]) => b.relevance - a.relevance || byName(a.p, b.p),
      name: (a: (typeof scored)[number], b: (typeof scored)[number]) => byName(a.p, b.p),
      price_asc: (a: (typeof scored)[number], b: (typeof scored)[number]) => a.p.price.amountMinor - b.p.price.amountMinor || (a.p.id < b.p.id ? -1 : 1),
      price_desc: (a: (typeof scored)[number], b: (typeof scored)[number]) => b.p.price.amountMinor - a.p.price.amountMinor || (a.p.id < b.p.id ? 1 : -1),
      newest: (a: (typeof scored)[number], b: (typeof scored)[number]) => b.p.createdAt.getTime() - a.p.createdAt.getTime() || (a.p.id < b.p.id ? 1 : -1),
    }[criteria.sort];
    const sorted = scored.sort(order).map((x) => strip(x.p));
    return { items: sorted.slice(window.offset, window.offset + window.limit), total: sorted.length };
  }

  async findDetailsBySlug(slug: string): Promise<ProductDetails | null> {
    const p = this.products.find((x) => x.slug === slug);
    if (!p) return null;
    const categories = this.categories.filter((c) => p.categoryIds.includes(c.id)).map(({ position: _position, ...c }) => c);
    // Sold in one variant, without options.
    const variants = [{ id: defaultVariantId(p.id), sku: p.sku, price: p.price, stock: p.stock, values: [] }];
    return { ...strip(p), options: [], variants, categories, updatedAt: p.createdAt };
  }

  async listSlugs(limit: number) {
    return this.products.slice(0, limit).map((p) => ({ slug: p.slug, updatedAt: p.createdAt }));
  }

  async listWithCounts(): Promise<CategorySummary[]> {
    return [...this.categories]
      .sort((a, b) => a.position - b.position || a.name.localeCompare(b.name))
      .map(({ position: _position, ...c }) => ({ ...c, productCount: this.products.filter((p) => p.categoryIds.includes(c.id)).length }));
  }

  async findBySlug(slug: string): Promise<Category | null> {
    const c = this.categories.find((x) => x.slug === slug);
    if (!c) return null;
    const { position: _position, ...category } = c;
    return category;
  }
}

function byVariantId(lines: readonly StockLine[]): StockLine[] {
  return [...lines].sort((a, b) => (a.variantId < b.variantId ? -1 : a.variantId > b.variantId ? 1 : 0));
}

function strip(p: Product & { createdAt: Date; categoryIds: string[] }): Product {
  const { createdAt: _createdAt, categoryIds: _categoryIds, ...product } = p;
  return product;
}

function words(text: string): string[] {
  return text
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

function stem(word: string): string {
  return word.endsWith("s") ? word.slice(0, -1) : word;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
