import { z } from "zod";

/** A same-site path to return to after sign-in; anything else becomes "/". */
export const returnToSchema = z
  .string()
  .max(500)
  .refine((s) => s.startsWith("/") && !s.startsWith("//") && !s.startsWith("/\\"), "must be a path on this site")
  .catch("/");
