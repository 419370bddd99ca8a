import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const { COMMON_HEADERS, HSTS } = createRequire(import.meta.url)("./lib/infrastructure/security/content-security-policy.cjs");

/**
 * The parameters a catalog listing reads (app/products/listing-key.ts, which a
 * unit test holds to this list). A listing without any of them is one cached
 * page, reached by the rewrites below; with some, proxy.ts turns the query
 * into a cache key.
 */
export const LISTING_PARAMS = ["q", "category", "minPrice", "maxPrice", "inStock", "sort", "page"];
const noListingParams = LISTING_PARAMS.map((key) => ({ type: /** @type {const} */ ("query"), key }));
const noListingParamsBut = (kept) => noListingParams.filter((p) => p.key !== kept);
/**
 * A search alone (what the search box submits) whose text can stand in a path
 * segment as it is: the text is the key, after "q~" (app/products/listing-key.ts).
 * Any other search goes through proxy.ts (its matcher takes exactly the rest).
 */
export const PLAIN_SEARCH = String.raw`[^/?#%\\\x00-\x1f\x7f]+`;
const search = { type: /** @type {const} */ ("query"), key: "q", value: `(?<q>${PLAIN_SEARCH})` };

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native and Node-only packages stay outside the server bundle (pino is on Next's own list).
  // Loaded by Node, not bundled: one copy of the OpenTelemetry API and SDK per
  // process, shared by instrumentation.ts, the routes and Prisma (ADR 013).
  serverExternalPackages: [
    "@node-rs/argon2",
    "pg",
    "@prisma/adapter-pg",
    "ioredis",
    "@opentelemetry/api",
    "@opentelemetry/sdk-trace-node",
    "@opentelemetry/resources",
    "@opentelemetry/exporter-zipkin",
    "@opentelemetry/instrumentation",
    "@prisma/instrumentation",
  ],
  allowedDevOrigins: ["127.0.0.1"],
  poweredByHeader: false,
  // The security headers that are the same for every response: pages (cached or not), route
  // handlers, /api, static files and images (lib/infrastructure/security/content-security-policy.cjs).
  // The Content-Security-Policy depends on the response and is added at request time
  // (security-headers.ts, the page cache handler). HSTS only over https, as the proxy in front says.
  async headers() {
    return [
      { source: "/:path*", headers: COMMON_HEADERS },
      { source: "/:path*", has: [{ type: "header", key: "x-forwarded-proto", value: "https" }], headers: [HSTS] },
    ];
  },
  // The plain listings and a plain search, without running proxy.ts (which costs about as
  // much as serving the cached page); proxy.ts's matcher leaves these to the rewrites.
  async rewrites() {
    return {
      beforeFiles: [
        { source: "/", missing: noListingParams, destination: "/catalog-view/all/~" },
        { source: "/categories/:slug", missing: noListingParams, destination: "/catalog-view/category/:slug/~" },
        { source: "/", has: [search], missing: noListingParamsBut("q"), destination: "/catalog-view/all/q~:q" },
        { source: "/categories/:slug", has: [search], missing: noListingParamsBut("q"), destination: "/catalog-view/category/:slug/q~:q" },
      ],
      afterFiles: [],
      fallback: [],
    };
  },
  // Cached catalog pages are forgotten on every instance when the catalog
  // changes (PostgreSQL NOTIFY): docs/decisions/012-performance.md.
  cacheHandler: fileURLToPath(new URL("./lib/infrastructure/cache/page-cache-handler.cjs", import.meta.url)),
  // forbidden(): a signed-in customer who opens a back-office page gets a 403.
  // Server actions: Next.js counts an action's body as it arrives and answers 413 at this many
  // bytes, without buffering more (ACTION_BODY_LIMIT_BYTES, validated with the other settings in env.ts).
  experimental: { authInterrupts: true, serverActions: { bodySizeLimit: Number(process.env.ACTION_BODY_LIMIT_BYTES || 1024 * 1024) } },
  // Lets two builds of one checkout coexist (e.g. parallel test runs on one machine).
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
  // next/image optimises only these local paths, and only without a query string:
  // seed pictures under public/images and uploads served by app/media.
  images: {
    localPatterns: [
      { pathname: "/images/**", search: "" },
      { pathname: "/media/**", search: "" },
    ],
    formats: ["image/avif", "image/webp"],
  },
};

export default nextConfig;
