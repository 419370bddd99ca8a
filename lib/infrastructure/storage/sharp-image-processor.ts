import type { Metadata, Sharp, SharpOptions } from "sharp";
import type { ImageContentType, ImageProcessor } from "../../application/admin/products/model";
import { AppError } from "../../domain/errors";

/** Longest side kept; larger images are scaled down. */
export const IMAGE_MAX_SIDE = 2000;
/** Refused outright: tiny "images" and decompression bombs. */
const MIN_SIDE = 16;
const MAX_INPUT_PIXELS = 50_000_000;

/**
 * sharp (libvips, ~25 MB of memory) is loaded by the first upload, not by
 * whoever imports the composition: the worker never processes images, and a
 * web instance may never be sent one.
 */
let loaded: Promise<(input: Uint8Array, options: SharpOptions) => Sharp> | undefined;
const loadSharp = () => (loaded ??= import("sharp").then((m) => m.default));

const FORMATS: Record<string, ImageContentType> = { jpeg: "image/jpeg", png: "image/png", webp: "image/webp" };

function refuse(message: string, cause?: unknown): never {
  throw new AppError("validation", message, { cause, fields: [{ path: "file", message }] });
}

/**
 * Reads the bytes with sharp (what the file really is, not its name or the
 * browser's type), accepts JPEG, PNG and WebP only (so no SVG, GIF or HEIC),
 * and re-encodes: orientation applied, metadata (EXIF, GPS, ICC comments)
 * dropped, the longest side capped at IMAGE_MAX_SIDE.
 */
export class SharpImageProcessor implements ImageProcessor {
  async normalize(bytes: Uint8Array): Promise<{ bytes: Uint8Array; contentType: ImageContentType; width: number; height: number }> {
    const sharp = await loadSharp();
    let meta: Metadata;
    try {
      meta = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
    } catch (error) {
      refuse("This file is not an image we can read. Upload a JPEG, PNG or WebP.", error);
    }
    const contentType = meta.format ? FORMATS[meta.format] : undefined;
    if (!contentType) refuse("Upload a JPEG, PNG or WebP image.");
    if (!meta.width || !meta.height || meta.width < MIN_SIDE || meta.height < MIN_SIDE) refuse(`The image must be at least ${MIN_SIDE}×${MIN_SIDE} pixels.`);
    if ((meta.pages ?? 1) > 1) refuse("Animated images are not accepted.");
    try {
      let pipeline = sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS })
        .rotate()
        .resize({ width: IMAGE_MAX_SIDE, height: IMAGE_MAX_SIDE, fit: "inside", withoutEnlargement: true });
      pipeline =
        contentType === "image/jpeg"
          ? pipeline.jpeg({ quality: 85, mozjpeg: true })
          : contentType === "image/png"
            ? pipeline.png({ compressionLevel: 9 })
            : pipeline.webp({ quality: 85 });
      const { data, info } = await pipeline.toBuffer({ resolveWithObject: true });
      return { bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), contentType, width: info.width, height: info.height };
    } catch (error) {
      refuse("This image could not be processed. Try another file.", error);
    }
  }
}
