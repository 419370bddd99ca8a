// @ts-check
/**
 * The page cache of each web instance (next.config.js `cacheHandler`): Next.js's
 * own file-system cache, plus one rule. A cached page (the catalog listings and
 * product pages, the only cached pages here) is treated as missing once the
 * catalog has changed after it was rendered, so the next visit renders it again.
 *
 * "The catalog changed" is heard from PostgreSQL: the catalog tables notify
 * `catalog_changed` when a write commits, whoever made it (an admin on another
 * instance, the worker reserving stock), so every instance forgets its pages
 * within a tick of a change. Changes are folded into ticks (TICK_MS) so a burst
 * of stock changes costs each page one render per tick, not one per order; a
 * second invalidation two ticks later catches renders that read the database
 * just before the change committed and stored their page just after.
 * While the LISTEN connection is down, changes could be missed, so cached pages
 * are not served at all until it is back.
 *
 * It also gives each stored page its Content-Security-Policy: the hashes of the
 * inline scripts of that very HTML (content-security-policy.cjs). The policy is
 * stored with the page as its header, and Next.js sends the stored headers on
 * every hit; the first visitor's response is sent from the same headers object
 * after set() has run, so it carries the policy too.
 *
 * Plain CommonJS because Next.js loads this file itself, outside the bundle.
 * docs/decisions/012-performance.md.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS, loaded by Next.js as is */
const FileSystemCache = require("next/dist/server/lib/incremental-cache/file-system-cache.js").default;
const pg = require("pg");
const { cachedPagePolicy } = require("../security/content-security-policy.cjs");

const CSP = "content-security-policy";

/**
 * Adds the page's policy to a cached page's headers, in place (the response to
 * the render that stored it is sent from the same object). Pages prerendered at
 * build time reach get() without one.
 * @param {any} value
 */
function withPagePolicy(value) {
  if (value?.kind !== "APP_PAGE" || typeof value.html !== "string" || value.html === "") return;
  if (value.headers?.[CSP]) return;
  value.headers = Object.assign(value.headers ?? {}, { [CSP]: cachedPagePolicy(value.html) });
}

const CHANNEL = "catalog_changed";
const TICK_MS = 400;
const FOLLOW_UP_TICKS = 2;
const MAX_RETRY_MS = 30_000;

/** One per process: Next.js makes a handler per request. */
const state = /** @type {{ invalidatedAt: number; listening: boolean; started: boolean; dirty: boolean; followUp: number; retryMs: number; notifications: number; invalidations: number }} */ (
  (/** @type {any} */ (globalThis).__storefrontPageCache ??= { invalidatedAt: 0, listening: false, started: false, dirty: false, followUp: 0, retryMs: 500, notifications: 0, invalidations: 0 })
);

function invalidate() {
  state.invalidatedAt = Date.now();
  state.invalidations++;
}

function tick() {
  if (state.dirty) {
    state.dirty = false;
    invalidate();
    state.followUp = FOLLOW_UP_TICKS;
  } else if (state.followUp > 0 && --state.followUp === 0) {
    invalidate();
  }
}

function listen() {
  const url = process.env.CATALOG_CACHE_LISTEN_URL || process.env.DATABASE_URL;
  if (!url) return;
  const client = new pg.Client({ connectionString: url, application_name: "storefront-page-cache" });
  let lost = false;
  const onLost = (/** @type {unknown} */ error) => {
    if (lost) return;
    lost = true;
    state.listening = false;
    invalidate();
    console.warn(`page cache: LISTEN connection lost, serving pages uncached until it is back: ${error instanceof Error ? error.message : String(error)}`);
    client.end().catch(() => {});
    setTimeout(listen, state.retryMs).unref();
    state.retryMs = Math.min(state.retryMs * 2, MAX_RETRY_MS);
  };
  client.on("error", onLost);
  client.on("end", () => onLost(new Error("connection ended")));
  client.on("notification", () => {
    state.notifications++;
    state.dirty = true;
  });
  client
    .connect()
    .then(() => client.query(`LISTEN ${CHANNEL}`))
    .then(() => {
      // Whatever was cached before may have missed notifications.
      invalidate();
      state.listening = true;
      state.retryMs = 500;
    })
    .catch(onLost);
}

function start() {
  if (state.started || process.env.NEXT_PHASE === "phase-production-build") return;
  state.started = true;
  setInterval(tick, TICK_MS).unref();
  listen();
}

class PageCacheHandler extends FileSystemCache {
  /** @param {any} ctx */
  constructor(ctx) {
    super(ctx);
    start();
  }

  /** @param {string} key @param {any} ctx */
  async get(key, ctx) {
    const entry = await super.get(key, ctx);
    if (entry?.value?.kind !== "APP_PAGE" || process.env.NEXT_PHASE === "phase-production-build") return entry;
    if (!state.listening || entry.lastModified <= state.invalidatedAt) return null;
    withPagePolicy(entry.value);
    return entry;
  }

  /** @param {string} key @param {any} data @param {any} ctx */
  async set(key, data, ctx) {
    withPagePolicy(data);
    return super.set(key, data, ctx);
  }

  static withPagePolicy = withPagePolicy;
}

module.exports = PageCacheHandler;
