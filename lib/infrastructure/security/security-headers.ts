/**
 * The Content-Security-Policy of every response that does not bring its own
 * (content-security-policy.cjs says which policy is whose, and why).
 *
 * Installed where Node hands requests to Next.js (http.Server's "request"
 * event, like the observability wrapper, ADR 013), so it sees every answer
 * and needs no proxy.ts: the proxy's matcher stays narrow on purpose (it
 * costs about as much as serving a cached page, ADR 012).
 *
 * Each request gets a fresh nonce, written into the request's own CSP header
 * (overwriting whatever the client sent), which is where Next.js reads it to
 * stamp the scripts of a page it renders now. When the headers go out:
 * - a response that already has a policy keeps it: a cached page's (the
 *   hashes of its inline scripts, stored with it by the page cache handler),
 *   or a route's own (/media);
 * - an HTML page gets the page policy with this request's nonce;
 * - anything else gets the policy that allows nothing.
 */
import { randomBytes } from "node:crypto";
import { Server, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from "node:http";
import { NOT_A_PAGE_POLICY, nonceSource, pagePolicy } from "./content-security-policy.cjs";

const CSP = "content-security-policy";
const patched = Symbol.for("storefront.security-headers");

export interface SecurityHeadersOptions {
  /** `next dev`: React's development build needs 'unsafe-eval'. */
  dev?: boolean;
}

/** Installs the policy on every request of every server in this process, once (later calls do nothing). */
export function installContentSecurityPolicy(options: SecurityHeadersOptions = {}): void {
  const proto = Server.prototype as Server & { [patched]?: true };
  if (proto[patched]) return;
  proto[patched] = true;
  const emit = proto.emit as (this: Server, event: string | symbol, ...args: unknown[]) => boolean;
  proto.emit = function (this: Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event === "request") applyContentSecurityPolicy(args[0] as IncomingMessage, args[1] as ServerResponse, options);
    return emit.apply(this, [event, ...args]);
  } as typeof proto.emit;
}

/** Gives one request its nonce and its response a policy (see the module comment). */
export function applyContentSecurityPolicy(req: IncomingMessage, res: ServerResponse, options: SecurityHeadersOptions = {}): void {
  const nonce = randomBytes(16).toString("base64");
  req.headers[CSP] = `script-src ${nonceSource(nonce)}`;
  // Next.js falls back to the report-only header; a client's must not choose the nonce either.
  delete req.headers["content-security-policy-report-only"];
  const writeHead = res.writeHead as (this: ServerResponse, ...args: unknown[]) => ServerResponse;
  res.writeHead = function (this: ServerResponse, ...args: unknown[]): ServerResponse {
    const passed = args.find((a): a is OutgoingHttpHeaders | unknown[] => typeof a === "object" && a !== null);
    if (!this.hasHeader(CSP) && passedHeader(passed, CSP) === undefined) {
      const type = String(this.getHeader("content-type") ?? passedHeader(passed, "content-type") ?? "");
      this.setHeader(CSP, /^text\/html\b/i.test(type) ? pagePolicy([nonceSource(nonce)], options) : NOT_A_PAGE_POLICY);
    }
    return writeHead.apply(this, args);
  } as typeof res.writeHead;
}

/** A header among those given to writeHead itself, as an object or as a flat [name, value, ...] list. */
function passedHeader(headers: OutgoingHttpHeaders | unknown[] | undefined, name: string): unknown {
  if (!headers) return undefined;
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) if (String(headers[i]).toLowerCase() === name) return headers[i + 1];
    return undefined;
  }
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}
