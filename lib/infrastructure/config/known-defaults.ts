/**
 * Values this project has printed somewhere a reader may copy them from
 * (docker-compose.yml, .env.example, README, scripts/run.sh). Anyone can read
 * them, so a production process refuses to run with one of them (env.ts, and
 * the admin password check at start). Keep this list when a placeholder is
 * removed from those files: old copies of them live on in people's .env files.
 */
export const KNOWN_PLACEHOLDER_SECRETS: readonly string[] = Object.freeze([
  // docker-compose.yml before it required the secrets.
  "dev-only-insecure-auth-secret-change-me-0123456789",
  "dev-only-metrics-token-change-me",
  // .env.example.
  "change-me-to-a-long-random-string",
  "change-me-to-another-long-random-string-32+",
  "change-me-to-a-third-long-random-string-32+",
]);

/** Admin passwords the project has documented as defaults (docker-compose.yml, .env.example, README, scripts/run.sh). */
export const KNOWN_DEFAULT_ADMIN_PASSWORDS: readonly string[] = Object.freeze(["change-me-admin-password", "change-me-please"]);

/** Words placeholders are made of: a value containing one was typed by a person to be replaced, not generated. */
const PLACEHOLDER_WORDS = /change[-_ ]?me|dev[-_]only|insecure|placeholder|replace[-_ ]?me/i;

export function isPlaceholderSecret(value: string): boolean {
  return KNOWN_PLACEHOLDER_SECRETS.includes(value) || KNOWN_DEFAULT_ADMIN_PASSWORDS.includes(value) || PLACEHOLDER_WORDS.test(value);
}
