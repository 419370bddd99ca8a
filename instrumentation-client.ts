/**
 * Runs in the browser before the app's own code (Next.js's client
 * instrumentation file).
 *
 * Zod compiles object parsers with `new Function` when it may, and finds out
 * whether it may by trying once. Under the shop's Content-Security-Policy (no
 * 'unsafe-eval') that try is refused, and although zod catches the error the
 * browser still reports a violation (the checkout forms' schemas run here).
 * Jitless mode skips the try; parsing a form's few fields does not need the
 * compiled parser.
 */
import { config } from "zod/v4/core";

config({ jitless: true });
