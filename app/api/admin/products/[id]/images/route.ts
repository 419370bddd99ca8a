import { NextResponse } from "next/server";
import { z } from "zod";
import { adminRoute } from "@/app/_lib/admin";
import { problem } from "@/app/_lib/http";
import { getServices } from "@/lib/composition/root";
import { BodyTooLargeError, formatBytes, readBoundedBody, withBody } from "@/app/_lib/body";
import { edgeSettings, noteBodyRefused } from "@/lib/composition/request-context";
import { isAppError } from "@/lib/domain/errors";

const params = z.object({ id: z.string().uuid() });

function wantsJson(request: Request): boolean {
  const accept = request.headers.get("accept") ?? "";
  return /application\/(problem\+)?json/.test(accept) && !accept.includes("text/html");
}

/**
 * Uploads one product image (multipart field "file", optional "alt"). A plain
 * HTML form gets a 303 back to the product page (with ?imageError=… when the
 * file was refused); a client asking for JSON gets 201 with the image, or
 * problem details.
 */
export const POST = adminRoute({ params }, async ({ params: { id }, request, admin }) => {
  const json = wantsJson(request);
  // A relative Location: behind a proxy (or `next start -H`), request.url may name another host than the browser used.
  const back = (error?: string) => {
    const query = new URLSearchParams(error ? { imageError: error } : { imageAdded: "1" });
    return new Response(null, { status: 303, headers: { location: `/admin/products/${id}?${query}`, "cache-control": "no-store" } });
  };
  const refuse = (status: number, code: string, message: string) =>
    json ? problem(status, code, message, [{ path: "file", message }]) : back(message);

  if (!(request.headers.get("content-type") ?? "").startsWith("multipart/form-data")) {
    return refuse(415, "validation", "Send the image as multipart/form-data");
  }
  // Multipart bodies over UPLOAD_BODY_LIMIT_BYTES (the image limit plus room for the other fields) are
  // refused unread: from Content-Length when declared, else counted as they stream (formData() would buffer any size).
  const limit = edgeSettings().UPLOAD_BODY_LIMIT_BYTES;
  let form: FormData;
  try {
    form = await withBody(request, await readBoundedBody(request, limit)).formData();
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      noteBodyRefused("/api/admin/products/images", request, error.limit, error.declared);
      return refuse(413, "validation", `The upload is larger than ${formatBytes(limit)}`);
    }
    return refuse(400, "validation", "The upload could not be read. Try again.");
  }
  const file = form.get("file");
  const alt = form.get("alt");
  try {
    const image = await getServices().admin.products.addImage(
      admin,
      id,
      file instanceof Blob && file.size > 0 ? { bytes: new Uint8Array(await file.arrayBuffer()), alt: typeof alt === "string" ? alt : "" } : null,
      request.signal,
    );
    return json ? NextResponse.json(image, { status: 201 }) : back();
  } catch (error) {
    if (isAppError(error, "validation")) return refuse(422, "validation", error.fields[0]?.message ?? error.message);
    if (isAppError(error, "not_found") && !json) return refuse(404, "not_found", "No such product");
    throw error;
  }
});
