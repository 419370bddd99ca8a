import { NextRequest } from "next/server";
import { handlers } from "@/app/_lib/auth";
import { BodyTooLargeError, formatBytes, readBoundedBody, withBody } from "@/app/_lib/body";
import { problem } from "@/app/_lib/http";
import { edgeSettings, noteBodyRefused } from "@/lib/composition/request-context";

export const { GET } = handlers;

/**
 * next-auth reads the whole body of a sign-in or callback POST itself (a form of
 * a few hundred bytes): it gets it here only after it was read within the JSON
 * body limit, so an anonymous multi-gigabyte POST is refused unread (413).
 */
export async function POST(request: NextRequest): Promise<Response> {
  const limit = edgeSettings().JSON_BODY_LIMIT_BYTES;
  let bytes: Uint8Array;
  try {
    bytes = await readBoundedBody(request, limit);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    noteBodyRefused("/api/auth", request, error.limit, error.declared);
    return problem(413, "payload_too_large", `The request body is larger than ${formatBytes(limit)}.`);
  }
  return handlers.POST(new NextRequest(withBody(request, bytes)));
}
