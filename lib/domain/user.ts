import { z } from "zod";

export const ROLES = ["customer", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** A user as the application sees it. The password hash never leaves the repository layer. */
export interface User {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: Role;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Control characters (C0, DEL, C1), line and paragraph separators, and the
 * bidirectional overrides and isolates that can make text read differently
 * from what it holds.
 */
const UNSAFE_IN_NAME = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/u;
/** A web address: a scheme or a www. host. */
const ADDRESS_IN_NAME = /(?:[a-z][a-z0-9+.-]*:\/\/|www\.)/i;

/**
 * A person's name as typed at registration: trimmed, 1 to 100 characters (the
 * column's size), one line of plain text. The name is shown on pages and in
 * the welcome email, which goes to whatever address the registrant typed, so
 * it must not be able to carry markup or a link to someone else's inbox.
 */
export const personName = z
  .string()
  .trim()
  .min(1, "Enter your name")
  .max(100, "At most 100 characters")
  .refine((n) => !UNSAFE_IN_NAME.test(n), "Contains a character that is not allowed")
  .refine((n) => !/[<>]/.test(n), "Must not contain < or >")
  .refine((n) => !ADDRESS_IN_NAME.test(n), "Must not contain a web address");
