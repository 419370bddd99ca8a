/**
 * The seed catalog as plain data: categories and 60 products (10 materials × 6
 * things). Deterministic, so prisma/seed.ts, the image generator
 * (scripts/catalog/generate-product-images.ts) and tests all see the same
 * products. Names, SKUs, slugs, prices and stock are those of the first seed
 * and must not change: end-to-end tests and existing databases rely on them.
 */

export interface SeedCategory {
  slug: string;
  name: string;
  description: string;
  position: number;
}

export interface SeedProduct {
  sku: string;
  slug: string;
  name: string;
  description: string;
  /** Integer minor units (USD cents). */
  priceMinor: number;
  stock: number;
  imageUrl: string;
  categorySlugs: string[];
  /** Spaced an hour apart so "newest first" has a stable, meaningful order. */
  createdAt: Date;
  material: Material;
  thing: Thing;
}

export const SEED_CATEGORIES: readonly SeedCategory[] = [
  { slug: "kitchen", name: "Kitchen & dining", description: "Mugs, bowls and trays for everyday meals.", position: 1 },
  { slug: "lighting", name: "Lighting", description: "Table lamps with a warm, soft light.", position: 2 },
  { slug: "textiles", name: "Textiles", description: "Throws to wrap up in.", position: 3 },
  { slug: "decor", name: "Decor", description: "Vases and small things that make a room.", position: 4 },
  { slug: "woodwork", name: "Woodwork", description: "Pieces turned and carved from oak, walnut and bamboo.", position: 5 },
];

export const MATERIALS = ["Oak", "Linen", "Copper", "Walnut", "Wool", "Ceramic", "Cotton", "Steel", "Glass", "Bamboo"] as const;
export type Material = (typeof MATERIALS)[number];

export const THINGS = ["Mug", "Lamp", "Throw", "Bowl", "Tray", "Vase"] as const;
export type Thing = (typeof THINGS)[number];

const BASE_PRICE: Record<Thing, number> = { Mug: 1450, Lamp: 6900, Throw: 5400, Bowl: 2200, Tray: 3100, Vase: 3900 };

const THING_CATEGORY: Record<Thing, string> = {
  Mug: "kitchen",
  Lamp: "lighting",
  Throw: "textiles",
  Bowl: "kitchen",
  Tray: "kitchen",
  Vase: "decor",
};

/** Wooden pieces are also in "woodwork": these products belong to two categories. */
const WOODS: readonly Material[] = ["Oak", "Walnut", "Bamboo"];

// Loanwords with accents (café, crème brûlée, matelassé, tête-à-tête, Déco,
// hors d'œuvres, entrées) let tests prove that search ignores accents.
const a = (word: string) => (/^[aeiou]/i.test(word) ? "An" : "A");

const THING_TEXT: Record<Thing, (m: string) => string> = {
  Mug: (m) => `${a(m)} ${m} mug for a slow café au lait or a morning espresso. Comfortable handle, steady base.`,
  Lamp: (m) => `${a(m)} ${m} table lamp that casts a warm, soft glow: for a tête-à-tête on the sofa or reading in bed.`,
  Throw: (m) => `${a(m)} ${m} throw with a matelassé texture, for the sofa, the chaise longue or a cool evening outside.`,
  Bowl: (m) => `${a(m)} ${m} bowl, deep enough for soup and just right for crème brûlée, purée or a salad.`,
  Tray: (m) => `${a(m)} ${m} serving tray for hors d'œuvres, entrées and the coffee things.`,
  Vase: (m) => `${a(m)} ${m} vase with Art Déco lines, for a single stem or a generous bouquet.`,
};

const MATERIAL_TEXT: Record<Material, string> = {
  Oak: "Solid oak, finished with natural oil.",
  Linen: "Stonewashed linen that gets softer with every wash.",
  Copper: "Hand-beaten copper that deepens to a warm patina.",
  Walnut: "Dark walnut, oiled by hand.",
  Wool: "Felted wool from small farms.",
  Ceramic: "Glazed ceramic, fired twice.",
  Cotton: "Organic cotton, loosely woven.",
  Steel: "Brushed stainless steel.",
  Glass: "Mouth-blown glass; no two are alike.",
  Bamboo: "Fast-growing bamboo, sealed against water.",
};

export const SEED_EPOCH = new Date("2026-01-01T00:00:00.000Z");

/** Where the generated image of a product is served from (files under public/). */
export function productImagePath(slug: string): string {
  return `/images/products/${slug}.svg`;
}

export function seedProducts(): SeedProduct[] {
  const products: SeedProduct[] = [];
  let n = 0;
  for (const material of MATERIALS) {
    for (const thing of THINGS) {
      n++;
      const name = `${material} ${thing}`;
      const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, "-");
      products.push({
        sku: `SKU-${String(n).padStart(4, "0")}`,
        slug,
        name,
        description: `${THING_TEXT[thing](material.toLowerCase())} ${MATERIAL_TEXT[material]}`,
        // Deterministic spread of prices (integer minor units) and stock, some sold out or nearly.
        priceMinor: BASE_PRICE[thing] + ((n * 137) % 900),
        stock: n % 11 === 0 ? 0 : n % 7 === 0 ? 3 : 10 + ((n * 31) % 90),
        imageUrl: productImagePath(slug),
        categorySlugs: WOODS.includes(material) ? [THING_CATEGORY[thing], "woodwork"] : [THING_CATEGORY[thing]],
        createdAt: new Date(SEED_EPOCH.getTime() + n * 3_600_000),
        material,
        thing,
      });
    }
  }
  return products;
}

/** A product sold in variants (ADR 016): its options, and one variant per combination it sells. */
export interface SeedVariantProduct {
  sku: string;
  slug: string;
  name: string;
  description: string;
  /** The product's price; a variant may override it. */
  priceMinor: number;
  imageUrl: string | null;
  categorySlugs: string[];
  createdAt: Date;
  options: { name: string; values: string[] }[];
  /** values: one per option, in option order. */
  variants: { values: string[]; stock: number; priceMinor?: number }[];
}

/**
 * Products in sizes and colours, so a new shop shows variants at once: not
 * every combination is made (no King in Moss, no L apron in Indigo), some are
 * sold out or low, and larger sizes cost more. Created after the 60 products.
 */
export function seedVariantProducts(): SeedVariantProduct[] {
  const at = (hours: number) => new Date(SEED_EPOCH.getTime() + (60 + hours) * 3_600_000);
  return [
    {
      sku: "SKU-V001",
      slug: "wool-blanket",
      name: "Wool Blanket",
      description: "A heavy wool blanket, woven in three sizes and three colours. Warm without weighing you down.",
      priceMinor: 8900,
      imageUrl: productImagePath("wool-throw"),
      categorySlugs: ["textiles"],
      createdAt: at(1),
      options: [
        { name: "Size", values: ["Single", "Double", "King"] },
        { name: "Colour", values: ["Grey", "Rust", "Moss"] },
      ],
      variants: [
        { values: ["Single", "Grey"], stock: 12 },
        { values: ["Single", "Rust"], stock: 0 },
        { values: ["Single", "Moss"], stock: 4 },
        { values: ["Double", "Grey"], stock: 20, priceMinor: 10900 },
        { values: ["Double", "Rust"], stock: 9, priceMinor: 10900 },
        { values: ["Double", "Moss"], stock: 3, priceMinor: 10900 },
        { values: ["King", "Grey"], stock: 6, priceMinor: 12900 },
        { values: ["King", "Rust"], stock: 0, priceMinor: 12900 },
      ],
    },
    {
      sku: "SKU-V002",
      slug: "linen-apron",
      name: "Linen Apron",
      description: "A washed linen apron with deep pockets and cross-back straps.",
      priceMinor: 3400,
      imageUrl: productImagePath("linen-throw"),
      categorySlugs: ["kitchen", "textiles"],
      createdAt: at(2),
      options: [
        { name: "Size", values: ["S", "M", "L"] },
        { name: "Colour", values: ["Natural", "Indigo"] },
      ],
      variants: [
        { values: ["S", "Natural"], stock: 15 },
        { values: ["S", "Indigo"], stock: 2 },
        { values: ["M", "Natural"], stock: 25 },
        { values: ["M", "Indigo"], stock: 11 },
        { values: ["L", "Natural"], stock: 8, priceMinor: 3800 },
      ],
    },
    {
      sku: "SKU-V003",
      slug: "serving-board",
      name: "Serving Board",
      description: "An end-grain serving board, oiled by hand. Choose the wood and the size.",
      priceMinor: 4200,
      imageUrl: productImagePath("walnut-tray"),
      categorySlugs: ["kitchen", "woodwork"],
      createdAt: at(3),
      options: [
        { name: "Wood", values: ["Oak", "Walnut"] },
        { name: "Size", values: ["Small", "Large"] },
      ],
      variants: [
        { values: ["Oak", "Small"], stock: 30 },
        { values: ["Oak", "Large"], stock: 14, priceMinor: 5600 },
        { values: ["Walnut", "Small"], stock: 10, priceMinor: 4800 },
        { values: ["Walnut", "Large"], stock: 5, priceMinor: 6400 },
      ],
    },
  ];
}
