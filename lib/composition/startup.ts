/**
 * What a production process checks before it serves or works, beyond its
 * configuration (env.ts refuses missing, short, documented or shared secrets
 * as it is read). The web runs it from instrumentation.ts, the worker from
 * workers/main.ts; either exits 1 with the message when it fails.
 */
import { webLogger } from "./logger";
import { getServices, type Services } from "./root";

export async function assertSafeToStart(
  services: { env: Services["env"]; auth: Pick<Services["auth"], "findAdminsWithDefaultPassword"> },
  signal?: AbortSignal,
): Promise<void> {
  if (services.env.NODE_ENV !== "production") return;
  const admins = await services.auth.findAdminsWithDefaultPassword(signal);
  if (admins.length > 0) {
    throw new Error(
      `ADMIN_PASSWORD: the admin account ${admins.join(", ")} still has a documented default password; ` +
        "give it one of your own (ADMIN_EMAIL=... ADMIN_PASSWORD=... npm run db:seed) before starting in production",
    );
  }
}

/**
 * The web's check at start (instrumentation.ts): reads the configuration (the
 * services are otherwise built on the first request) and runs assertSafeToStart.
 * On failure it logs why and exits, since Next.js would otherwise log the
 * error and go on serving. `next build` loads instrumentation too, with no
 * secrets and no database: the build phase is skipped.
 */
export async function refuseUnsafeWebStart(): Promise<void> {
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  try {
    await assertSafeToStart(getServices());
  } catch (error) {
    webLogger().error("failed to start", { err: error });
    process.exit(1);
  }
}
