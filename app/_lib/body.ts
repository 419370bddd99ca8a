/**
 * Reading a request body with a ceiling. `request.text()` and `formData()`
 * buffer whatever a client sends, so an anonymous POST of a few gigabytes would
 * be held in the web's heap (192 MB in production) before anything looks at
 * it. Here a declared Content-Length over the limit is refused before a byte is
 * read, and a body without one (chunked) is counted as it streams and dropped
 * at the limit: at most `limit` bytes (plus one chunk) are ever held.
 */

export class BodyTooLargeError extends Error {
  constructor(
    readonly limit: number,
    /** The Content-Length the client declared, when it declared one. */
    readonly declared?: number,
  ) {
    super(`The request body is larger than ${limit} bytes.`);
    this.name = "BodyTooLargeError";
  }
}

/** "64 KB", "5.1 MB": the limit as a person reads it, for the 413's detail and a form's message. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.floor(bytes / 1024)} KB`;
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
}

/** Throws BodyTooLargeError when the request declares a Content-Length over `limit`; reads nothing. */
export function refuseDeclaredOver(request: Request, limit: number): void {
  const declared = request.headers.get("content-length");
  // Node's parser has already refused a malformed or doubled Content-Length (400); a value that is not digits here is ignored, and counted below.
  if (declared === null || !/^\d+$/.test(declared.trim())) return;
  const bytes = Number(declared.trim());
  if (bytes > limit) throw new BodyTooLargeError(limit, bytes);
}

/**
 * The whole body, at most `limit` bytes. Throws BodyTooLargeError before
 * reading when Content-Length says more, or as soon as the bytes read pass the
 * limit (then the rest is not read: the stream is cancelled).
 */
export async function readBoundedBody(request: Request, limit: number): Promise<Uint8Array> {
  refuseDeclaredOver(request, limit);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      // Not awaited: cancelling a Node-backed stream can wait on the socket, and the 413 should not.
      reader.cancel().catch(() => {});
      throw new BodyTooLargeError(limit);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** The body as UTF-8 text, at most `limit` bytes (see readBoundedBody). */
export async function readBoundedText(request: Request, limit: number): Promise<string> {
  return new TextDecoder().decode(await readBoundedBody(request, limit));
}

/**
 * A copy of `request` whose body is `bytes` (already read and bounded): for
 * code that reads the body itself (next-auth's handler, formData()).
 */
export function withBody(request: Request, bytes: Uint8Array): Request {
  const headers = new Headers(request.headers);
  headers.set("content-length", String(bytes.byteLength));
  headers.delete("transfer-encoding");
  return new Request(request.url, { method: request.method, headers, body: bytes as BodyInit, signal: request.signal });
}
