import { describe, expect, it } from "vitest";
import { BodyTooLargeError, readBoundedBody, readBoundedText } from "@/app/_lib/body";

/** A body of `chunks` chunks of `size` bytes, without a Content-Length; counts the chunks the reader pulled. */
function streamed(chunks: number, size: number, headers: Record<string, string> = {}) {
  const state = { pulled: 0 };
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (state.pulled === chunks) return controller.close();
      state.pulled++;
      controller.enqueue(new Uint8Array(size).fill(97));
    },
  }, { highWaterMark: 0 });
  const request = new Request("http://shop.test/api/v1/auth/token", { method: "POST", headers, body, duplex: "half" } as RequestInit);
  return { request, state };
}

describe("readBoundedBody", () => {
  it("returns a body at the limit whole", async () => {
    const { request } = streamed(4, 256);
    expect((await readBoundedBody(request, 1024)).byteLength).toBe(1024);
  });

  it("refuses a declared Content-Length over the limit without reading a byte", async () => {
    const { request: declared, state } = streamed(100, 1024, { "content-length": String(100 * 1024) });
    const error = await readBoundedBody(declared, 1024).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BodyTooLargeError);
    expect(error).toMatchObject({ limit: 1024, declared: 100 * 1024 });
    expect(state.pulled).toBe(0);
  });

  it("counts a body without Content-Length as it streams and stops reading one chunk past the limit", async () => {
    const { request, state } = streamed(10_000, 1024);
    await expect(readBoundedBody(request, 4096)).rejects.toBeInstanceOf(BodyTooLargeError);
    // Four chunks fit, the fifth passes the limit; nothing after it is pulled.
    expect(state.pulled).toBeLessThanOrEqual(6);
  });

  it("reads an empty body as empty, and text as UTF-8", async () => {
    expect((await readBoundedBody(new Request("http://shop.test/", { method: "POST" }), 10)).byteLength).toBe(0);
    expect(await readBoundedText(new Request("http://shop.test/", { method: "POST", body: "{\"a\":\"é\"}" }), 100)).toBe("{\"a\":\"é\"}");
  });
});
