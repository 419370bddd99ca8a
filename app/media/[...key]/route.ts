import { getServices } from "@/lib/composition/root";
import { mediaReader } from "@/lib/composition/admin/products";

/**
 * Uploaded product images. Keys are random and never reused, so a response may
 * be cached forever; an unknown or malformed key (including any "..") is a 404.
 */
export async function GET(_request: Request, context: { params: Promise<{ key: string[] }> }): Promise<Response> {
  const { key } = await context.params;
  const joined = Array.isArray(key) ? key.join("/") : "";
  const found = await mediaReader(getServices()).get(joined);
  if (!found) {
    return new Response("Not found", { status: 404, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });
  }
  return new Response(found.bytes as BodyInit, {
    headers: {
      "content-type": found.contentType,
      "content-length": String(found.bytes.byteLength),
      "cache-control": "public, max-age=31536000, immutable",
      "x-content-type-options": "nosniff",
      "content-security-policy": "default-src 'none'; sandbox",
    },
  });
}
