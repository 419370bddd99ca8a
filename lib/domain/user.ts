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
