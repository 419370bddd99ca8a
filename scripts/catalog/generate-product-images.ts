/**
 * Writes the seed catalog's product images: one small SVG per product in
 * public/images/products/<slug>.svg (a pictogram of the thing in the colours of
 * its material), plus placeholder.svg for products without an image.
 * Deterministic: the same seed data always gives byte-identical files, and
 * tests/unit/product-images.test.ts fails when the committed files and this
 * generator disagree.
 *
 *   npx tsx scripts/catalog/generate-product-images.ts           # write
 *   npx tsx scripts/catalog/generate-product-images.ts --check   # exit 1 if stale
 *
 * next/image serves .svg files as they are (no optimisation, no
 * images.dangerouslyAllowSVG needed), so next.config.js stays unchanged.
 */
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { seedProducts, type Material, type Thing } from "../../prisma/seed-data";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const IMAGES_DIR = path.join(ROOT, "public", "images", "products");
export const PLACEHOLDER_FILE = "placeholder.svg";

const PALETTE: Record<Material, { background: string; fill: string; accent: string }> = {
  Oak: { background: "#f3e9d8", fill: "#c89b62", accent: "#8a6331" },
  Linen: { background: "#f1efe8", fill: "#d8cfbd", accent: "#a39677" },
  Copper: { background: "#f6e6dc", fill: "#c26b3c", accent: "#8c4622" },
  Walnut: { background: "#efe4dc", fill: "#6b4a35", accent: "#3f2a1d" },
  Wool: { background: "#eef0f3", fill: "#b8bfca", accent: "#7d8796" },
  Ceramic: { background: "#e8f1f2", fill: "#6fa7b0", accent: "#3f7580" },
  Cotton: { background: "#f7f4ee", fill: "#e9e1cf", accent: "#b5a98e" },
  Steel: { background: "#e9ecef", fill: "#9aa4ae", accent: "#5d6771" },
  Glass: { background: "#e6f3f1", fill: "#a9d8d0", accent: "#5fa59a" },
  Bamboo: { background: "#f1f3e2", fill: "#c8c27a", accent: "#8a8440" },
};

/** Pictograms on a 400 × 400 canvas, standing on y = 300. */
const SHAPES: Record<Thing, (fill: string, accent: string) => string> = {
  Mug: (f, a) =>
    `<path d="M250 170 h22 a36 36 0 0 1 0 72 h-22" fill="none" stroke="${a}" stroke-width="16"/>` +
    `<rect x="130" y="140" width="130" height="160" rx="18" fill="${f}" stroke="${a}" stroke-width="6"/>`,
  Lamp: (f, a) =>
    `<rect x="192" y="170" width="16" height="110" fill="${a}"/>` +
    `<rect x="140" y="280" width="120" height="20" rx="8" fill="${a}"/>` +
    `<path d="M150 170 L175 90 H225 L250 170 Z" fill="${f}" stroke="${a}" stroke-width="6" stroke-linejoin="round"/>`,
  Throw: (f, a) =>
    `<rect x="100" y="150" width="200" height="150" rx="12" fill="${f}" stroke="${a}" stroke-width="6"/>` +
    `<path d="M100 190 H300 M100 230 H300 M100 270 H300" stroke="${a}" stroke-width="4" stroke-dasharray="10 8"/>` +
    `<path d="M110 300 v14 M140 300 v14 M170 300 v14 M200 300 v14 M230 300 v14 M260 300 v14 M290 300 v14" stroke="${a}" stroke-width="4"/>`,
  Bowl: (f, a) =>
    `<path d="M100 200 H300 A100 96 0 0 1 100 200 Z" fill="${f}" stroke="${a}" stroke-width="6" stroke-linejoin="round"/>` +
    `<ellipse cx="200" cy="200" rx="100" ry="16" fill="${a}"/>`,
  Tray: (f, a) =>
    `<path d="M80 250 L110 290 H290 L320 250 Z" fill="${f}" stroke="${a}" stroke-width="6" stroke-linejoin="round"/>` +
    `<rect x="60" y="240" width="40" height="14" rx="7" fill="${a}"/><rect x="300" y="240" width="40" height="14" rx="7" fill="${a}"/>`,
  Vase: (f, a) =>
    `<path d="M180 90 H220 V130 C290 160 290 270 240 300 H160 C110 270 110 160 180 130 Z" fill="${f}" stroke="${a}" stroke-width="6" stroke-linejoin="round"/>` +
    `<rect x="172" y="82" width="56" height="14" rx="7" fill="${a}"/>`,
};

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function productSvg(p: { name: string; material: Material; thing: Thing }): string {
  const colours = PALETTE[p.material];
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 400" width="400" height="400" role="img" aria-label="${escapeXml(p.name)}">` +
    `<title>${escapeXml(p.name)}</title>` +
    `<rect width="400" height="400" fill="${colours.background}"/>` +
    `<ellipse cx="200" cy="304" rx="130" ry="14" fill="#000" opacity="0.08"/>` +
    SHAPES[p.thing](colours.fill, colours.accent) +
    `<text x="200" y="360" text-anchor="middle" font-family="system-ui, sans-serif" font-size="24" fill="#334155">${escapeXml(p.name)}</text>` +
    `</svg>\n`
  );
}

export function placeholderSvg(): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 400" width="400" height="400" role="img" aria-label="No image yet">` +
    `<title>No image yet</title>` +
    `<rect width="400" height="400" fill="#f1f5f9"/>` +
    `<rect x="120" y="130" width="160" height="120" rx="12" fill="none" stroke="#94a3b8" stroke-width="8"/>` +
    `<circle cx="165" cy="170" r="14" fill="#94a3b8"/><path d="M130 240 L190 190 L225 220 L250 200 L270 240 Z" fill="#94a3b8"/>` +
    `</svg>\n`
  );
}

/** Every file the generator owns, by file name. */
export function expectedImages(): Map<string, string> {
  const files = new Map<string, string>([[PLACEHOLDER_FILE, placeholderSvg()]]);
  for (const p of seedProducts()) files.set(path.basename(p.imageUrl), productSvg(p));
  return files;
}

async function main(): Promise<number> {
  const check = process.argv.includes("--check");
  const expected = expectedImages();
  if (check) {
    const present = new Set(await readdir(IMAGES_DIR).catch(() => [] as string[]));
    const stale: string[] = [];
    for (const [name, svg] of expected) {
      const actual = present.has(name) ? await readFile(path.join(IMAGES_DIR, name), "utf8") : null;
      if (actual !== svg) stale.push(name);
    }
    if (stale.length > 0) {
      console.error(`generate-product-images: ${stale.length} image(s) missing or stale, e.g. ${stale.slice(0, 3).join(", ")}; run without --check`);
      return 1;
    }
    console.log(`generate-product-images: ${expected.size} image(s) up to date.`);
    return 0;
  }
  await mkdir(IMAGES_DIR, { recursive: true });
  for (const [name, svg] of expected) await writeFile(path.join(IMAGES_DIR, name), svg);
  console.log(`generate-product-images: wrote ${expected.size} file(s) to ${path.relative(ROOT, IMAGES_DIR)}.`);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error("generate-product-images: error:", error);
      process.exitCode = 1;
    },
  );
}
