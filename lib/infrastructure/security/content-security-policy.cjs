// @ts-check
/**
 * The shop's Content-Security-Policy and the other security headers
 * (issue 14, docs/decisions/014-security-hardening.md).
 *
 * Next.js hydrates a page with inline scripts (`self.__next_f.push(...)`, the
 * page's RSC payload), so a policy without 'unsafe-inline' must name each of
 * them by nonce or by hash:
 * - pages rendered per request (cart, checkout, account, back office) get a
 *   fresh nonce: the request wrapper (security-headers.ts) puts it in the
 *   request's CSP header, where Next.js reads it and stamps its scripts;
 * - cached pages (catalog, categories, search, product; ADR 012) are stored
 *   once and served to everyone, so a nonce would be the same for all: they
 *   carry the SHA-256 of each inline script instead, computed from the stored
 *   HTML by the page cache handler and stored with the page as its header.
 * Next.js's `experimental.sri` is no substitute: it adds `integrity` to the
 * `<script src>` tags only, and its docs say the inline scripts still need a
 * nonce or 'unsafe-inline'.
 *
 * Plain CommonJS because the page cache handler (loaded by Next.js as is) and
 * next.config.js use it too.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS, loaded by Next.js as is
const { createHash } = require("node:crypto");

/**
 * Everything a page may load comes from this origin. Style attributes stay
 * allowed (next/image writes `style="color:transparent"`, React writes them for
 * dynamic values; an attribute can restyle its element, not select and leak
 * others), <style> elements do not: the pages have none (checked in Chromium),
 * and an injected one could read attribute values out through selectors.
 * @param {string[]} scriptSources the nonce or the hashes allowed besides 'self'
 * @param {{ dev?: boolean }} [options]
 */
function pagePolicy(scriptSources, options = {}) {
  return [
    "default-src 'self'",
    // 'self' and no 'strict-dynamic': the chunks are files of this origin, loaded by
    // <script src> on cached pages that carry no nonce. React's development build
    // evaluates code for its error overlay, so `next dev` needs 'unsafe-eval'.
    `script-src 'self' ${scriptSources.join(" ")}${options.dev ? " 'unsafe-eval'" : ""}`.trimEnd().replace(/ {2,}/g, " "),
    "style-src 'self'",
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    // Browsers post what this policy blocked here (counted and logged by app/api/csp-reports).
    "report-uri /api/csp-reports",
  ].join("; ");
}

/**
 * For what is not a page (JSON, files, images): nothing may be loaded or run
 * if a browser is made to render it, nor framed.
 */
const NOT_A_PAGE_POLICY = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** 'nonce-<value>' for a per-request policy. @param {string} nonce */
const nonceSource = (nonce) => `'nonce-${nonce}'`;

// A script element without src whose type is empty or a JavaScript MIME type
// (or "module") is run, and so checked against script-src; a data block such
// as application/ld+json is never run, and CSP does not apply to it.
const SCRIPT = /<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi;
const SRC = /(?:^|\s)src\s*=/i;
const TYPE = /(?:^|\s)type\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/i;
const EXECUTABLE = /^(?:|module|(?:text|application)\/(?:x-)?(?:java|ecma)script|text\/jscript|text\/livescript)$/i;

/**
 * The hash sources ('sha256-…') of the inline scripts a browser would run in
 * `html`, without repeats. The text is hashed as the browser sees it: the
 * HTML parser turns CR LF and lone CR into LF before anything else.
 * @param {string} html
 * @returns {string[]}
 */
function inlineScriptHashes(html) {
  const hashes = new Set();
  for (const [, attributes = "", body = ""] of html.matchAll(SCRIPT)) {
    if (SRC.test(attributes)) continue;
    const type = TYPE.exec(attributes);
    if (type && !EXECUTABLE.test((type[1] ?? type[2] ?? type[3] ?? "").trim())) continue;
    const text = body.replace(/\r\n?/g, "\n");
    hashes.add(`'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`);
  }
  return [...hashes];
}

/** The policy of a cached page: its own inline scripts, by hash. @param {string} html */
const cachedPagePolicy = (html) => pagePolicy(inlineScriptHashes(html));

/**
 * The headers every response carries (next.config.js `headers()`): they do not
 * depend on the response, so Next.js adds them to pages, route handlers,
 * /api/*, static files and images alike. The CSP depends on the response and
 * is added by security-headers.ts and the page cache handler.
 */
const COMMON_HEADERS = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  // Cross-origin requests learn the origin only, never a path or a query (order ids, reset tokens).
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  // Nothing in the shop uses these; a script that got in cannot either.
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=()" },
  // frame-ancestors 'none' says the same to browsers that read CSP; this is for those that do not.
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
];

/**
 * HSTS, only on responses to requests that came over https. `next start`
 * speaks plain HTTP; https ends at the reverse proxy in front of it, which says
 * so in X-Forwarded-Proto. A client that forges the header on a plain-HTTP
 * request gets an HSTS header, which browsers ignore on plain HTTP (RFC 6797
 * §8.1), so the forgery gains nothing.
 */
const HSTS = { key: "Strict-Transport-Security", value: "max-age=31536000; includeSubDomains" };

module.exports = { pagePolicy, cachedPagePolicy, inlineScriptHashes, nonceSource, NOT_A_PAGE_POLICY, COMMON_HEADERS, HSTS };
