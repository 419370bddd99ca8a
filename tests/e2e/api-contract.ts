import type { APIRequestContext, APIResponse } from "@playwright/test";
import { contractChecker } from "../support/api";

const checker = contractChecker();
const VERBS = { get: "GET", post: "POST", put: "PUT", patch: "PATCH", delete: "DELETE" } as const;

async function verify(method: string, response: APIResponse): Promise<void> {
  const { pathname } = new URL(response.url());
  if (!pathname.startsWith("/api/v1/") || pathname === "/api/v1/openapi.json") return;
  const { endpoint } = checker.findEndpoint(method as never, pathname.replace(/^\/api\/v1/, ""));
  const text = await response.text();
  checker.check(endpoint, response.status(), text === "" ? null : JSON.parse(text), text === "" ? null : (response.headers()["content-type"] ?? null));
}

/**
 * The same request context, but every /api/v1 response it receives over HTTP
 * is checked against the OpenAPI document (an undocumented status or a body
 * that does not match its schema throws), as the in-process tests do.
 */
export function checked(request: APIRequestContext): APIRequestContext {
  return new Proxy(request, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      if (prop in VERBS || prop === "fetch") {
        return async (url: string, options?: { method?: string }) => {
          const response = (await value.call(target, url, options)) as APIResponse;
          await verify(prop === "fetch" ? (options?.method ?? "GET").toUpperCase() : VERBS[prop as keyof typeof VERBS], response);
          return response;
        };
      }
      return value.bind(target);
    },
  });
}
