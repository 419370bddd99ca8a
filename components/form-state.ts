/** What every form action returns to its form: a message and errors by field. Safe to import in client components. */
export type FormState = {
  ok: boolean;
  message?: string;
  fieldErrors?: Record<string, string>;
  /** Echo of what was typed (never passwords), so the form keeps it. */
  values?: Record<string, string>;
  /** After a cart change: the cart's item count, for the header (which the cached pages do not render). */
  cartCount?: number;
};

export const initialFormState: FormState = { ok: false };
