import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LocalDiskMediaStorage, isValidMediaKey } from "./local-disk-media-storage";

let root: string;
let outside: string;

beforeEach(async () => {
  const base = await mkdtemp(path.join(tmpdir(), "media-storage-"));
  root = path.join(base, "media");
  outside = path.join(base, "secret.png");
  await writeFile(outside, "outside the root");
});

afterEach(async () => {
  await rm(path.dirname(root), { recursive: true, force: true });
});

describe("LocalDiskMediaStorage", () => {
  it("stores, reads back with the type of its extension, and deletes", async () => {
    const storage = new LocalDiskMediaStorage(root);
    const bytes = new Uint8Array([1, 2, 3]);
    await storage.put("products/abc-1.png", bytes, "image/png");
    expect(await storage.get("products/abc-1.png")).toEqual({ bytes, contentType: "image/png" });
    expect(await readdir(path.join(root, "products"))).toEqual(["abc-1.png"]);
    await storage.delete("products/abc-1.png");
    expect(await storage.get("products/abc-1.png")).toBeNull();
    await storage.delete("products/abc-1.png"); // deleting twice is fine
  });

  it.each(["../secret.png", "/etc/passwd.png", "products/../../secret.png", "products//x.png", "Products/X.PNG", "x.svg", "x.png/", ".hidden.png", "products/x.png\0.jpg"])(
    "never reads or writes outside the root: %j",
    async (key) => {
      const storage = new LocalDiskMediaStorage(root);
      expect(isValidMediaKey(key)).toBe(false);
      expect(await storage.get(key)).toBeNull();
      await expect(storage.put(key, new Uint8Array([1]), "image/png")).rejects.toThrow(/invalid media key/);
      await storage.delete(key);
      expect(await readdir(path.dirname(root))).toEqual(["secret.png"]);
    },
  );

  it("refuses a content type that does not match the key", async () => {
    const storage = new LocalDiskMediaStorage(root);
    await expect(storage.put("products/a.png", new Uint8Array([1]), "image/svg+xml")).rejects.toThrow(/does not match/);
  });
});
