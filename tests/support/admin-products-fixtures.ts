import { randomUUID } from "node:crypto";
import type pg from "pg";
import sharp from "sharp";

// An admin user row (the ledger's actor_id must name a real user): the one the orders tests use.
export { insertAdmin } from "./admin-orders-fixtures";

export async function insertCategory(pool: pg.Pool, slug = `cat-${randomUUID().slice(0, 8)}`): Promise<string> {
  const id = randomUUID();
  await pool.query(`INSERT INTO categories (id, slug, name, created_at, updated_at) VALUES ($1, $2, $3, now(), now())`, [id, slug, `Category ${slug}`]);
  return id;
}

/** A real PNG of one colour. */
export function pngBytes(width = 64, height = 48, rgb = { r: 200, g: 40, b: 40 }): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: rgb } }).png().toBuffer();
}

/** A real JPEG carrying EXIF (an artist and a GPS position) that an upload must strip. */
export function jpegWithExif(width = 3000, height = 1000): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 10, g: 120, b: 200 } } })
    .withExif({ IFD0: { Artist: "Secret Photographer", Copyright: "private" }, IFD3: { GPSLatitudeRef: "N", GPSLatitude: "51/1 30/1 0/1" } })
    .jpeg()
    .toBuffer();
}

/** A PNG of random noise (does not compress) larger than `minBytes`. */
export async function oversizePng(minBytes: number): Promise<Buffer> {
  const side = Math.ceil(Math.sqrt(minBytes / 3)) + 64;
  const raw = Buffer.alloc(side * side * 3);
  for (let i = 0; i < raw.length; i += 4) raw.writeUInt32LE((Math.random() * 0xffffffff) >>> 0, Math.min(i, raw.length - 4));
  const png = await sharp(raw, { raw: { width: side, height: side, channels: 3 } }).png({ compressionLevel: 0 }).toBuffer();
  if (png.byteLength <= minBytes) throw new Error(`noise PNG came out at ${png.byteLength} bytes`);
  return png;
}
