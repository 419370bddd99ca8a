import { NextResponse } from "next/server";
import { z } from "zod";
import { adminRoute } from "@/app/_lib/admin";
import { problem } from "@/app/_lib/http";
import { getServices } from "@/lib/composition/root";
import { IMAGE_MAX_BYTES } from "@/lib/application/admin/products";
import { isAppError } from "@/lib/domain/errors";

const params = z.object({ id: z.string().uuid() });

/** Multipart bodies above this are refused before they are read (the image limit plus room for the other fields). */
const MAX_BODY_BYTES = IMAGE_MAX_BYTES + 64 * 1024;

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

  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) return refuse(413, "validation", "The image is larger than 5 MB");
  if (!(request.headers.get("content-type") ?? "").startsWith("multipart/form-data")) {
    return refuse(415, "validation", "Send the image as multipart/form-data");
  }
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
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
