import { describe, expect, it } from "vitest";
import type { Actor } from "@/lib/application/admin/access";
import type { CatalogCache } from "@/lib/application/catalog/catalog-cache";
import { makeAdminProducts } from "@/lib/application/admin/products/admin-products";
import { slugify } from "@/lib/application/admin/products/fields";
import {
  IMAGE_MAX_BYTES,
  STALE_EDIT_MESSAGE,
  mediaUrl,
  type AdminProduct,
  type AdminProductImage,
  type ImageProcessor,
  type MediaStorage,
  type NewImageRecord,
  type ProductAdminReader,
  type ProductAdminRepos,
} from "@/lib/application/admin/products/model";
import type { UnitOfWork } from "@/lib/application/shared";
import { AppError, isAppError } from "@/lib/domain/errors";
import { majorUnitsText, parseMajorUnits } from "@/lib/domain/money";
import { createFromForm, updateFromForm } from "../support/admin-product-form";

const ADMIN: Actor = { id: "00000000-0000-4000-8000-00000000a000", role: "admin" };
const CUSTOMER: Actor = { id: "00000000-0000-4000-8000-00000000c000", role: "customer" };
const CAT = "00000000-0000-4000-8000-0000000000c1";
const CAT2 = "00000000-0000-4000-8000-0000000000c2";
const MISSING = "00000000-0000-4000-8000-0000000000ff";

interface StoredProduct {
  id: string;
  sku: string;
  slug: string;
  name: string;
  description: string;
  priceMinor: number;
  imageUrl: string | null;
  archivedAt: Date | null;
  version: number;
  categoryIds: string[];
}

/** The unit of stock (ADR 016): a product's SKU, threshold and stock live in its variants. */
interface StoredVariant {
  id: string;
  productId: string;
  sku: string;
  lowStockThreshold: number;
  stock: number;
}

interface State {
  products: Map<string, StoredProduct>;
  variants: Map<string, StoredVariant>;
  images: (NewImageRecord & { position: number })[];
  ledger: { variantId: string; delta: number; actorId: string }[];
}

const clone = (s: State): State => ({
  products: new Map([...s.products].map(([k, v]) => [k, { ...v, categoryIds: [...v.categoryIds] }])),
  variants: new Map([...s.variants].map(([k, v]) => [k, { ...v }])),
  images: s.images.map((i) => ({ ...i })),
  ledger: s.ledger.map((l) => ({ ...l })),
});

/** The ports in memory; the unit of work restores the state when the work throws (a rollback). */
class Fakes {
  state: State = { products: new Map(), variants: new Map(), images: [], ledger: [] };
  calls: string[] = [];
  stored = new Map<string, { bytes: Uint8Array; contentType: string }>();
  invalidations = 0;
  failAddImage = false;
  private ids = 0;

  readonly ids_ = { uuid: () => `00000000-0000-4000-8000-${String(++this.ids).padStart(12, "0")}` };

  /** A product's variants, in the order they were added. */
  variantsOf(productId: string): StoredVariant[] {
    return [...this.state.variants.values()].filter((v) => v.productId === productId);
  }

  private imagesOf(productId: string): AdminProductImage[] {
    return this.state.images
      .filter((i) => i.productId === productId)
      .sort((a, b) => a.position - b.position)
      .map((i) => ({ ...i, url: mediaUrl(i.storageKey) }));
  }

  readonly reader: ProductAdminReader = {
    list: async () => {
      this.calls.push("list");
      return { items: [], total: 0 };
    },
    get: async (id) => {
      this.calls.push("get");
      const p = this.state.products.get(id);
      if (!p) return null;
      // As the Prisma reader: the variants' stock summed, the first one's threshold.
      const variants = this.variantsOf(id);
      const product: AdminProduct = {
        ...p,
        stock: variants.reduce((n, v) => n + v.stock, 0),
        lowStockThreshold: variants[0]?.lowStockThreshold ?? 0,
        currency: "USD",
        updatedAt: new Date(0),
        createdAt: new Date(0),
        images: this.imagesOf(id),
        ordered: false,
      };
      return product;
    },
    listCategories: async () => {
      this.calls.push("listCategories");
      return [{ id: CAT, slug: "c", name: "C" }];
    },
  };

  readonly repos: ProductAdminRepos = {
    productAdmin: {
      existingCategoryIds: async (ids) => ids.filter((id) => id === CAT || id === CAT2),
      takenIdentifiers: async (sku, slug, exceptId) => {
        const others = [...this.state.products.values()].filter((p) => p.id !== exceptId);
        const otherVariants = [...this.state.variants.values()].filter((v) => v.productId !== exceptId);
        return { sku: others.some((p) => p.sku === sku) || otherVariants.some((v) => v.sku === sku), slug: others.some((p) => p.slug === slug) };
      },
      insert: async ({ variantId, lowStockThreshold, ...p }) => {
        this.calls.push("insert");
        this.state.products.set(p.id, { ...p, imageUrl: null, archivedAt: null, version: 0, categoryIds: [...p.categoryIds] });
        this.state.variants.set(variantId, { id: variantId, productId: p.id, sku: p.sku, lowStockThreshold, stock: 0 });
      },
      update: async (id, expectedVersion, { lowStockThreshold, ...c }) => {
        this.calls.push("update");
        const p = this.state.products.get(id);
        if (!p || p.version !== expectedVersion) return false;
        Object.assign(p, c, { categoryIds: [...c.categoryIds], version: p.version + 1 });
        // While the product has one variant, the form's SKU and threshold are that variant's.
        const variants = this.variantsOf(id);
        if (variants.length === 1) Object.assign(variants[0]!, { sku: c.sku, lowStockThreshold });
        return true;
      },
      exists: async (id) => this.state.products.has(id),
      setArchived: async (id, archived) => {
        this.calls.push("setArchived");
        const p = this.state.products.get(id);
        if (!p) return false;
        if (archived !== (p.archivedAt !== null)) {
          p.archivedAt = archived ? new Date(0) : null;
          p.version++;
        }
        return true;
      },
      openingStock: async (variantId, quantity, actorId) => {
        this.calls.push("openingStock");
        const variant = this.state.variants.get(variantId);
        if (!variant) throw new AppError("internal", `opening stock of variant ${variantId} was not written`);
        variant.stock += quantity;
        this.state.ledger.push({ variantId, delta: quantity, actorId });
      },
      lockImages: async (id) => {
        this.calls.push("lockImages");
        const p = this.state.products.get(id);
        return p ? { imageUrl: p.imageUrl, images: this.imagesOf(id) } : null;
      },
      addImage: async (image, position) => {
        if (this.failAddImage) throw new AppError("internal", "disk full");
        this.state.images.push({ ...image, position });
      },
      removeImage: async (imageId) => {
        this.state.images = this.state.images.filter((i) => i.id !== imageId);
      },
      setImageOrder: async (_productId, ids) => {
        ids.forEach((id, position) => (this.state.images.find((i) => i.id === id)!.position = position));
      },
      setImageUrl: async (id, url) => {
        this.state.products.get(id)!.imageUrl = url;
      },
    },
  };

  readonly uow: UnitOfWork<ProductAdminRepos> = {
    run: async (work) => {
      const before = clone(this.state);
      try {
        return await work(this.repos);
      } catch (error) {
        this.state = before;
        throw error;
      }
    },
  };

  readonly storage: MediaStorage = {
    put: async (key, bytes, contentType) => {
      this.calls.push("storage.put");
      this.stored.set(key, { bytes, contentType });
    },
    get: async (key) => this.stored.get(key) ?? null,
    delete: async (key) => {
      this.calls.push("storage.delete");
      this.stored.delete(key);
    },
  };

  /** Accepts bytes starting with "PNG", refuses anything else, like the sharp adapter does by field. */
  readonly images: ImageProcessor = {
    normalize: async (bytes) => {
      this.calls.push("normalize");
      if (new TextDecoder().decode(bytes.slice(0, 3)) !== "PNG") {
        throw new AppError("validation", "not an image", { fields: [{ path: "file", message: "not an image" }] });
      }
      return { bytes: bytes.slice(0, 10), contentType: "image/png", width: 20, height: 20 };
    },
  };

  readonly cache: CatalogCache = {
    getOrLoad: (_k, load) => load(),
    invalidate: () => {
      this.invalidations++;
    },
  };

  service() {
    return makeAdminProducts({ reader: this.reader, uow: this.uow, storage: this.storage, images: this.images, ids: this.ids_, catalogCache: this.cache, log: () => {} });
  }
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return error;
    throw error;
  }
  throw new Error("expected a failure");
}

const fields = (e: AppError) => Object.fromEntries(e.fields.map((f) => [f.path, f.message]));
const valid = (over: Record<string, unknown> = {}) => ({ name: "Oak Mug", sku: "oak-1", price: "12.50", categoryIds: [CAT], ...over });
const png = (s = "PNG-bytes") => new TextEncoder().encode(s);

describe("slugify", () => {
  it.each([
    ["Oak Mug", "oak-mug"],
    ["  Crème Brûlée — Große Tasse!  ", "creme-brulee-grosse-tasse"],
    ["Ærø Øl", "aero-ol"],
    ["a--b__c", "a-b-c"],
    ["日本", ""],
  ])("%s → %s", (name, slug) => {
    expect(slugify(name)).toBe(slug);
  });

  it("stays within 160 characters and never ends on a dash", () => {
    const slug = slugify(`${"a".repeat(159)} b`);
    expect(slug.length).toBeLessThanOrEqual(160);
    expect(slug.endsWith("-")).toBe(false);
  });
});

describe("a price as the product form reads it (parseMajorUnits)", () => {
  it.each([
    ["12.50", 1250],
    ["12.5", 1250],
    ["12", 1200],
    ["0.01", 1],
    [" 3.00 ", 300],
    ["0", 0],
  ])("%s → %i", (text, minor) => expect(parseMajorUnits(text, "USD")).toBe(minor));

  it.each(["12.505", "1e3", "-1", "12,50", "", ".5", "12.", "0x10", "１２"])("refuses %j", (text) => expect(parseMajorUnits(text, "USD")).toBeNull());

  it("formats back for the form", () => {
    expect(majorUnitsText(1250, "USD")).toBe("12.50");
    expect(majorUnitsText(7, "USD")).toBe("0.07");
  });
});

describe("every admin products function requires an admin first", () => {
  const calls = (s: ReturnType<Fakes["service"]>, actor: Actor | null) => [
    s.list(actor, { q: 42 } as never),
    s.get(actor, "junk"),
    s.categories(actor),
    s.create(actor, { name: 1 } as never),
    s.update(actor, { productId: "junk", version: 0, fields: { priceMinor: -1 } as never }),
    s.archive(actor, MISSING),
    s.restore(actor, MISSING),
    s.addImage(actor, MISSING, { bytes: png() }),
    s.moveImage(actor, MISSING, "x", "sideways" as never),
    s.removeImage(actor, MISSING, "x"),
  ];

  it("refuses anonymous callers and customers, before validating or touching anything", async () => {
    const fakes = new Fakes();
    const s = fakes.service();
    expect(Object.keys(s).sort()).toEqual(["addImage", "archive", "categories", "create", "get", "list", "moveImage", "removeImage", "restore", "update"]);
    for (const [actor, code] of [
      [null, "unauthenticated"],
      [CUSTOMER, "forbidden"],
    ] as const) {
      const results = await Promise.allSettled(calls(s, actor));
      for (const r of results) {
        expect(r.status).toBe("rejected");
        expect(isAppError((r as PromiseRejectedResult).reason, code)).toBe(true);
      }
    }
    expect(fakes.calls).toEqual([]);
    expect(fakes.invalidations).toBe(0);
  });
});

describe("create", () => {
  it("generates the slug, uppercases the SKU, parses the price, writes an opening row for stock and invalidates the catalog cache", async () => {
    const fakes = new Fakes();
    const s = fakes.service();
    const { id, slug } = await createFromForm(s, ADMIN, valid({ name: "Crème Mug", initialStock: "4" }));
    expect(slug).toBe("creme-mug");
    expect(fakes.state.products.get(id)).toMatchObject({ sku: "OAK-1", priceMinor: 1250 });
    // The product comes with its default variant (ADR 016), an id of its own, holding the SKU, threshold and opening stock.
    const variants = fakes.variantsOf(id);
    expect(variants).toEqual([{ id: expect.any(String), productId: id, sku: "OAK-1", lowStockThreshold: 5, stock: 4 }]);
    expect(variants[0]!.id).not.toBe(id);
    expect(fakes.state.ledger).toEqual([{ variantId: variants[0]!.id, delta: 4, actorId: ADMIN.id }]);
    expect(await s.get(ADMIN, id)).toMatchObject({ sku: "OAK-1", priceMinor: 1250, stock: 4, lowStockThreshold: 5 });
    expect(fakes.invalidations).toBe(1);
  });

  it("writes no ledger row for no stock", async () => {
    const fakes = new Fakes();
    await createFromForm(fakes.service(), ADMIN, valid());
    expect(fakes.calls).not.toContain("openingStock");
  });

  it("reports every invalid field at once and writes nothing", async () => {
    const fakes = new Fakes();
    const e = await failure(
      createFromForm(fakes.service(), ADMIN, { name: "", sku: "bad sku!", slug: "Bad Slug", price: "1.234", lowStockThreshold: "-1", initialStock: "x", categoryIds: [] }),
    );
    expect(e.code).toBe("validation");
    expect(fields(e)).toEqual({
      name: "Enter a name",
      sku: "Use at most 64 letters, digits, dots, dashes or underscores",
      slug: "Use lowercase letters, digits and single dashes (e.g. oak-mug)",
      price: "Enter a price like 12.50",
      lowStockThreshold: "Enter a whole number from 0 to 100000",
      initialStock: "Enter a whole number from 0 to 1000000",
      categoryIds: "Choose at least one category",
    });
    expect(fakes.state.products.size).toBe(0);
    expect(fakes.invalidations).toBe(0);
  });

  it("refuses unknown categories, a taken SKU and a taken slug by field", async () => {
    const fakes = new Fakes();
    const s = fakes.service();
    await createFromForm(s, ADMIN, valid());
    const e = await failure(createFromForm(s, ADMIN, valid({ categoryIds: [MISSING] })));
    expect(fields(e)).toEqual({
      categoryIds: "Choose categories from the list",
      sku: "Another product already uses this SKU",
      slug: "Another product already uses this slug",
    });
    expect(fakes.state.products.size).toBe(1);
  });

  it("asks for a slug when the name has nothing to make one from", async () => {
    const e = await failure(createFromForm(new Fakes().service(), ADMIN, valid({ name: "日本" })));
    expect(fields(e)).toEqual({ slug: "Enter a slug (the name has no letters or digits to make one from)" });
  });

  it("refuses a price of 0 and one above the money maximum", async () => {
    const s = new Fakes().service();
    expect(fields(await failure(createFromForm(s, ADMIN, valid({ price: "0" }))))).toEqual({ price: "The price must be more than 0" });
    expect(fields(await failure(createFromForm(s, ADMIN, valid({ price: "99999999.99" }))))).toEqual({ price: "At most 20000000.00" });
  });
});

describe("update", () => {
  it("applies an edit of the current version and refuses a stale one, changing nothing", async () => {
    const fakes = new Fakes();
    const s = fakes.service();
    const { id } = await createFromForm(s, ADMIN, valid());
    expect(await updateFromForm(s, ADMIN, id, { ...valid({ price: "9.99", categoryIds: [CAT2] }), version: "0" })).toEqual({ version: 1 });
    expect(fakes.state.products.get(id)).toMatchObject({ priceMinor: 999, version: 1, categoryIds: [CAT2] });
    const invalidations = fakes.invalidations;

    const stale = await failure(updateFromForm(s, ADMIN, id, { ...valid({ price: "1.00" }), version: "0" }));
    expect(stale.code).toBe("conflict");
    expect(stale.message).toBe(STALE_EDIT_MESSAGE);
    expect(fields(stale)).toEqual({ form: STALE_EDIT_MESSAGE });
    expect(fakes.state.products.get(id)).toMatchObject({ priceMinor: 999, version: 1 });
    expect(fakes.invalidations).toBe(invalidations);
  });

  it("says not found for an unknown or malformed id", async () => {
    const s = new Fakes().service();
    expect((await failure(updateFromForm(s, ADMIN, MISSING, { ...valid(), version: "0" }))).code).toBe("not_found");
    expect((await failure(updateFromForm(s, ADMIN, "../etc", { ...valid(), version: "0" }))).code).toBe("not_found");
  });

  it("needs the version the form was rendered with", async () => {
    const fakes = new Fakes();
    const { id } = await createFromForm(fakes.service(), ADMIN, valid());
    expect(fields(await failure(updateFromForm(fakes.service(), ADMIN, id, valid())))).toEqual({ version: "Enter the version" });
  });
});

describe("archive and restore", () => {
  it("toggles archived_at, bumps the version, invalidates the cache, and never deletes", async () => {
    const fakes = new Fakes();
    const s = fakes.service();
    const { id } = await createFromForm(s, ADMIN, valid());
    await s.archive(ADMIN, id);
    expect(fakes.state.products.get(id)).toMatchObject({ archivedAt: new Date(0), version: 1 });
    await s.archive(ADMIN, id); // already archived: unchanged
    expect(fakes.state.products.get(id)!.version).toBe(1);
    await s.restore(ADMIN, id);
    expect(fakes.state.products.get(id)).toMatchObject({ archivedAt: null, version: 2 });
    expect(fakes.invalidations).toBe(4);
    expect((await failure(s.archive(ADMIN, MISSING))).code).toBe("not_found");
  });
});

describe("images", () => {
  async function withProduct() {
    const fakes = new Fakes();
    const s = fakes.service();
    const { id } = await createFromForm(s, ADMIN, valid());
    fakes.calls = [];
    return { fakes, s, id };
  }

  it("refuses an empty or oversize file before reading it, and what the processor refuses, storing nothing", async () => {
    const { fakes, s, id } = await withProduct();
    expect(fields(await failure(s.addImage(ADMIN, id, null)))).toEqual({ file: "Choose an image file" });
    expect(fields(await failure(s.addImage(ADMIN, id, { bytes: new Uint8Array(IMAGE_MAX_BYTES + 1) })))).toEqual({ file: "The image is larger than 5 MB" });
    expect(fakes.calls).toEqual([]);
    expect(fields(await failure(s.addImage(ADMIN, id, { bytes: png("GIF89a") })))).toEqual({ file: "not an image" });
    expect(fakes.calls).toEqual(["normalize"]);
    expect(fakes.stored.size).toBe(0);
  });

  it("stores the re-encoded bytes under fresh random keys and keeps image_url on the first image", async () => {
    const { fakes, s, id } = await withProduct();
    const a = await s.addImage(ADMIN, id, { bytes: png("PNG-a"), alt: " Front " });
    const b = await s.addImage(ADMIN, id, { bytes: png("PNG-b") });
    expect(a.storageKey).toMatch(/^products\/[0-9a-f-]{36}\.png$/);
    expect(a.storageKey).not.toBe(b.storageKey);
    expect(a.alt).toBe("Front");
    expect(fakes.stored.get(a.storageKey)).toEqual({ bytes: png("PNG-a").slice(0, 10), contentType: "image/png" });
    expect(fakes.state.products.get(id)!.imageUrl).toBe(mediaUrl(a.storageKey));

    await s.moveImage(ADMIN, id, b.id, "up");
    expect(fakes.state.products.get(id)!.imageUrl).toBe(mediaUrl(b.storageKey));
    await s.removeImage(ADMIN, id, b.id);
    expect(fakes.state.products.get(id)!.imageUrl).toBe(mediaUrl(a.storageKey));
    expect(fakes.stored.has(b.storageKey)).toBe(false);
    await s.removeImage(ADMIN, id, a.id);
    expect(fakes.state.products.get(id)!.imageUrl).toBeNull();
    expect(fakes.stored.size).toBe(0);
  });

  it("deletes the stored bytes when recording the image fails", async () => {
    const { fakes, s, id } = await withProduct();
    fakes.failAddImage = true;
    expect((await failure(s.addImage(ADMIN, id, { bytes: png() }))).code).toBe("internal");
    expect(fakes.calls).toEqual(["normalize", "storage.put", "lockImages", "storage.delete"]);
    expect(fakes.stored.size).toBe(0);
    expect(fakes.state.images).toEqual([]);
  });

  it("refuses to move an image of another product or in an unknown direction", async () => {
    const { fakes, s, id } = await withProduct();
    const other = await createFromForm(s, ADMIN, valid({ name: "Other", sku: "other" }));
    const img = await s.addImage(ADMIN, other.id, { bytes: png() });
    expect((await failure(s.moveImage(ADMIN, id, img.id, "up"))).code).toBe("not_found");
    expect((await failure(s.removeImage(ADMIN, id, img.id))).code).toBe("not_found");
    expect(fields(await failure(s.moveImage(ADMIN, id, img.id, "left" as never)))).toEqual({ direction: "Move up or down" });
    expect(fakes.state.images).toHaveLength(1);
  });
});
