/** What every form action returns to its form: a message and errors by field. Safe to import in client components. */
export type FormState = {
  ok: boolean;
  message?: string;
  fieldErrors?: Record<string, string>;
  /** Echo of what was typed (never passwords), so the form keeps it. */
  values?: Record<string, string>;
};

export const initialFormState: FormState = { ok: false };
