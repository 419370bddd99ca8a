/** Formatting shared by the dashboard's parts: instants in the shop's time zone, days as short dates. */

export function formatInstant(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-US", { timeZone, dateStyle: "medium", timeStyle: "medium" }).format(at);
}

/** "2026-03-10" → "Mar 10" (a calendar date: formatted in UTC so no zone shifts it). */
export function formatDay(day: string, withYear = false): string {
  return new Intl.DateTimeFormat("en-US", { timeZone: "UTC", month: "short", day: "numeric", ...(withYear ? { year: "numeric" } : {}) }).format(
    new Date(`${day}T00:00:00Z`),
  );
}
