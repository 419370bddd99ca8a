import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { randomUUID } from "node:crypto";
import type { MediaStorage } from "../../application/admin/products/model";

/** Keys are relative paths of lowercase segments; never absolute, never "..". */
const KEY = /^[a-z0-9][a-z0-9_-]*(\/[a-z0-9][a-z0-9_-]*)*\.(jpg|png|webp)$/;

const TYPES: Record<string, string> = { jpg: "image/jpeg", png: "image/png", webp: "image/webp" };

export function isValidMediaKey(key: string): boolean {
  return key.length <= 200 && KEY.test(key);
}

/**
 * Media on a local disk under `root` (env MEDIA_DIR). The content type follows
 * from the key's extension, which the application chose from the re-encoded
 * bytes. Writes go to a temporary file first and are renamed into place, so a
 * reader never sees half a file. Every key is checked and resolved inside the
 * root: a key cannot name a file outside it.
 */
export class LocalDiskMediaStorage implements MediaStorage {
  private readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  private pathOf(key: string): string | null {
    if (!isValidMediaKey(key)) return null;
    const full = path.resolve(this.root, key);
    return full.startsWith(this.root + path.sep) ? full : null;
  }

  async put(key: string, bytes: Uint8Array, contentType: string): Promise<void> {
    const full = this.pathOf(key);
    if (!full) throw new Error(`invalid media key: ${JSON.stringify(key)}`);
    if (TYPES[key.split(".").pop()!] !== contentType) throw new Error(`media key ${key} does not match type ${contentType}`);
    await mkdir(path.dirname(full), { recursive: true });
    const tmp = `${full}.${randomUUID()}.tmp`;
    await writeFile(tmp, bytes, { flag: "wx" });
    await rename(tmp, full);
  }

  async get(key: string): Promise<{ bytes: Uint8Array; contentType: string } | null> {
    const full = this.pathOf(key);
    if (!full) return null;
    try {
      const bytes = await readFile(full);
      return { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), contentType: TYPES[key.split(".").pop()!]! };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT" || (error as NodeJS.ErrnoException).code === "EISDIR") return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    const full = this.pathOf(key);
    if (!full) return;
    await rm(full, { force: true });
  }
}
